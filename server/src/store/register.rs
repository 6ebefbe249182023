//! `RegisterStore` for both back ends, written once (`$1`-style parameters work in both); see `shared.rs`.

use app::domain::calendar::Date;
use app::domain::register::{Category, EndReason, GrantKind, RecordState, ReviewDecision};
use app::store::{AssistanceRecord, StoreError};

#[derive(sqlx::FromRow)]
pub(super) struct RecordRow {
    application_id: i64,
    reference: String,
    county_code: String,
    township_code: String,
    village: String,
    category: String,
    grant_kind: String,
    amount: Option<i32>,
    state: String,
    started_on: String,
    ends_on: Option<String>,
    review_due: Option<String>,
    review_deadline: Option<String>,
    proposal: Option<String>,
    end_reason: Option<String>,
    version: i64,
}

fn invalid(what: &str, value: &str) -> StoreError {
    StoreError::InvalidData(format!("unknown {what} {value}"))
}

fn date(text: &str) -> Result<Date, StoreError> {
    Date::parse(text).ok_or_else(|| invalid("date", text))
}

fn optional_date(text: Option<&str>) -> Result<Option<Date>, StoreError> {
    text.map(date).transpose()
}

pub(super) fn record_from_row(row: RecordRow) -> Result<AssistanceRecord, StoreError> {
    let proposal = match row.proposal.as_deref() {
        Some(json) => {
            Some(serde_json::from_str::<ReviewDecision>(json).map_err(|_| invalid("review proposal", json))?)
        }
        None => None,
    };
    let end_reason = match row.end_reason.as_deref() {
        Some(key) => Some(EndReason::from_key(key).ok_or_else(|| invalid("end reason", key))?),
        None => None,
    };
    Ok(AssistanceRecord {
        application_id: row.application_id,
        reference: row.reference,
        county_code: row.county_code,
        township_code: row.township_code,
        village: row.village,
        category: Category::from_key(&row.category).ok_or_else(|| invalid("category", &row.category))?,
        grant: GrantKind::from_key(&row.grant_kind).ok_or_else(|| invalid("grant", &row.grant_kind))?,
        amount: row.amount.and_then(|a| u32::try_from(a).ok()),
        state: RecordState::from_key(&row.state).ok_or_else(|| invalid("record state", &row.state))?,
        started_on: date(&row.started_on)?,
        ends_on: optional_date(row.ends_on.as_deref())?,
        review_due: optional_date(row.review_due.as_deref())?,
        review_deadline: optional_date(row.review_deadline.as_deref())?,
        proposal,
        end_reason,
        version: row.version,
    })
}

pub(super) const DECLARATION_COLUMNS: &str = "SELECT d.id, d.application_id, a.reference, a.village,
    d.township_code, d.kind, d.occurred_on, d.sealed, d.created_at, d.handled_at
    FROM declarations d JOIN applications a ON a.id = d.application_id";

#[derive(sqlx::FromRow)]
pub(super) struct DeclarationRow {
    id: i64,
    application_id: i64,
    reference: String,
    village: String,
    township_code: String,
    kind: String,
    occurred_on: String,
    sealed: String,
    created_at: i64,
    handled_at: Option<i64>,
}

pub(super) fn declaration_from_row(row: DeclarationRow) -> Result<app::store::Declaration, StoreError> {
    let DeclarationRow {
        id,
        application_id,
        reference,
        village,
        township_code,
        kind,
        occurred_on,
        sealed,
        created_at,
        handled_at,
    } = row;
    Ok(app::store::Declaration {
        id,
        application_id,
        reference,
        village,
        township_code,
        kind: app::domain::declaration::ChangeKind::from_key(&kind)
            .ok_or_else(|| invalid("change kind", &kind))?,
        occurred_on: date(&occurred_on)?,
        sealed,
        created_at,
        handled_at,
    })
}

/// A record's proposal as its JSON column.
pub(super) fn proposal_column(record: &AssistanceRecord) -> Option<String> {
    record.proposal.as_ref().and_then(|p| serde_json::to_string(p).ok())
}

/// A record's amount as its INTEGER column.
pub(super) fn amount_column(record: &AssistanceRecord) -> Option<i32> {
    record.amount.map(|a| i32::try_from(a).unwrap_or(i32::MAX))
}

/// `impl RegisterStore` for a store type with a `pool` field and a `begin_write` method; expanded after
/// `shared_queries!`, whose helpers it uses.
macro_rules! register_queries {
    ($store:ty) => {
        /// Creates the record of an approved case inside the caller's transaction.
        async fn insert_record(
            tx: &mut <$store as shared::HasDatabase>::WriteTx,
            record: &app::store::AssistanceRecord,
        ) -> Result<(), StoreError> {
            let text = |d: Option<Date>| d.map(|d| d.to_string());
            sqlx::query(
                "INSERT INTO assistance_records (application_id, county_code, township_code, village, category,
                    grant_kind, amount, state, started_on, ends_on, review_due, review_deadline)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(record.application_id)
            .bind(&record.county_code)
            .bind(&record.township_code)
            .bind(&record.village)
            .bind(record.category.key())
            .bind(record.grant.key())
            .bind(register::amount_column(record))
            .bind(record.state.key())
            .bind(record.started_on.to_string())
            .bind(text(record.ends_on))
            .bind(text(record.review_due))
            .bind(text(record.review_deadline))
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

        #[async_trait::async_trait]
        impl app::store::RegisterStore for $store {
            async fn assistance_record(
                &self,
                application_id: i64,
            ) -> Result<Option<app::store::AssistanceRecord>, StoreError> {
                let row: Option<register::RecordRow> =
                    sqlx::query_as(crate::store::page_queries::RECORD_BY_CASE)
                        .bind(application_id)
                        .fetch_optional(&mut *self.reads().await?)
                        .await?;
                row.map(register::record_from_row).transpose()
            }

            async fn change_record(&self, change: &app::store::RecordChange) -> Result<bool, StoreError> {
                let record = &change.record;
                let text = |d: Option<Date>| d.map(|d| d.to_string());
                let mut tx = self.begin_write().await?;
                let updated = sqlx::query(
                    "UPDATE assistance_records SET amount = $1, state = $2, ends_on = $3, review_due = $4,
                        review_deadline = $5, proposal = $6, end_reason = $7, version = version + 1
                     WHERE application_id = $8 AND version = $9",
                )
                .bind(register::amount_column(record))
                .bind(record.state.key())
                .bind(text(record.ends_on))
                .bind(text(record.review_due))
                .bind(text(record.review_deadline))
                .bind(register::proposal_column(record))
                .bind(record.end_reason.map(|r| r.key()))
                .bind(record.application_id)
                .bind(record.version)
                .execute(&mut *tx)
                .await?;
                if updated.rows_affected() != 1 {
                    return Ok(false);
                }
                let (id, e) = (record.application_id, &change.event);
                if e.action.starts_with("review") && e.action != "review_returned" {
                    sqlx::query("UPDATE declarations SET handled_at = $1 WHERE application_id = $2 AND handled_at IS NULL")
                        .bind(e.at)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                shared_insert_event(&mut tx, id, e).await?;
                shared_insert_case_files(&mut tx, id, &e.action, &change.files, e.at).await?;
                if let Some(payload) = &change.notify {
                    shared_queue_sms(&mut tx, payload, e.at).await?;
                }
                shared_append_audit(&mut tx, &change.audit).await?;
                self.commit(tx).await?;
                Ok(true)
            }

            async fn review_due(
                &self,
                query: &app::store::ReviewQueueQuery,
            ) -> Result<(Vec<app::store::AssistanceRecord>, u64), StoreError> {
                let (scope, county) = match &query.scope {
                    app::store::QueueScope::Township(code) => (code, false),
                    app::store::QueueScope::County(code) => (code, true),
                };
                use crate::store::page_queries as q;
                let (count, page) = if county {
                    (q::COUNTY_REVIEW_COUNT, q::COUNTY_REVIEW_PAGE)
                } else {
                    (q::TOWNSHIP_REVIEW_COUNT, q::TOWNSHIP_REVIEW_PAGE)
                };
                let overdue = query.overdue_through.map(|d| d.to_string()).unwrap_or_default();
                let (total,): (i64,) = sqlx::query_as(count)
                    .bind(scope)
                    .bind(query.due_by.to_string())
                    .bind(&overdue)
                    .fetch_one(&mut *self.reads().await?)
                    .await?;
                let rows: Vec<register::RecordRow> = sqlx::query_as(page)
                    .bind(scope)
                    .bind(query.due_by.to_string())
                    .bind(&overdue)
                    .bind(i64::from(query.page.limit))
                    .bind(i64::from(query.page.offset))
                    .fetch_all(&mut *self.reads().await?)
                    .await?;
                let records = rows.into_iter().map(register::record_from_row).collect::<Result<_, _>>()?;
                Ok((records, u64::try_from(total).unwrap_or(0)))
            }

            async fn overdue_reviews_by_township(
                &self,
                county_code: &str,
                overdue_through: Date,
            ) -> Result<Vec<(String, u64)>, StoreError> {
                let rows: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT township_code, COUNT(*) FROM assistance_records
                     WHERE county_code = $1 AND review_deadline <= $2 AND state IN ('in_force', 'recognised')
                     GROUP BY township_code ORDER BY COUNT(*) DESC, township_code",
                )
                .bind(county_code)
                .bind(overdue_through.to_string())
                .fetch_all(&mut *self.reads().await?)
                .await?;
                Ok(rows.into_iter().map(|(t, n)| (t, u64::try_from(n).unwrap_or(0))).collect())
            }

            async fn save_declaration_draft(
                &self,
                application_id: i64,
                sealed: &str,
                now: i64,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO declaration_drafts (application_id, sealed, updated_at) VALUES ($1, $2, $3)
                     ON CONFLICT (application_id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at",
                )
                .bind(application_id)
                .bind(sealed)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                self.commit(tx).await
            }

            async fn declaration_draft(&self, application_id: i64) -> Result<Option<String>, StoreError> {
                let row: Option<(String,)> =
                    sqlx::query_as("SELECT sealed FROM declaration_drafts WHERE application_id = $1")
                        .bind(application_id)
                        .fetch_optional(&mut *self.reads().await?)
                        .await?;
                Ok(row.map(|(sealed,)| sealed))
            }

            async fn submit_declaration(&self, new: &app::store::NewDeclaration) -> Result<Option<i64>, StoreError> {
                let mut tx = self.begin_write().await?;
                let taken = sqlx::query("DELETE FROM declaration_drafts WHERE application_id = $1")
                    .bind(new.application_id)
                    .execute(&mut *tx)
                    .await?;
                if taken.rows_affected() != 1 {
                    return Ok(None);
                }
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO declarations (application_id, township_code, kind, occurred_on, sealed, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(new.application_id)
                .bind(&new.township_code)
                .bind(new.kind.key())
                .bind(new.occurred_on.to_string())
                .bind(&new.sealed)
                .bind(new.event.at)
                .fetch_one(&mut *tx)
                .await?;
                // A declared change brings the record up for review now, unless it is already due.
                sqlx::query(
                    "UPDATE assistance_records SET review_due = $1, review_deadline = $2, version = version + 1
                     WHERE application_id = $3 AND state IN ('in_force', 'recognised')
                       AND (review_due IS NULL OR review_due > $1)",
                )
                .bind(new.review_due.to_string())
                .bind(new.review_deadline.to_string())
                .bind(new.application_id)
                .execute(&mut *tx)
                .await?;
                let e = &new.event;
                shared_insert_event(&mut tx, new.application_id, e).await?;
                shared_insert_case_files(&mut tx, new.application_id, &e.action, &new.files, e.at).await?;
                shared_append_audit(&mut tx, &new.audit).await?;
                self.commit(tx).await?;
                Ok(Some(id))
            }

            async fn open_declarations(
                &self,
                township_code: &str,
                page: app::store::Page,
            ) -> Result<(Vec<app::store::Declaration>, u64), StoreError> {
                let (total,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM declarations WHERE township_code = $1 AND handled_at IS NULL",
                )
                .bind(township_code)
                .fetch_one(&mut *self.reads().await?)
                .await?;
                let rows: Vec<register::DeclarationRow> = sqlx::query_as(&format!(
                    "{} WHERE d.township_code = $1 AND d.handled_at IS NULL ORDER BY d.created_at, d.id LIMIT $2 OFFSET $3",
                    register::DECLARATION_COLUMNS
                ))
                .bind(township_code)
                .bind(i64::from(page.limit))
                .bind(i64::from(page.offset))
                .fetch_all(&mut *self.reads().await?)
                .await?;
                let list = rows.into_iter().map(register::declaration_from_row).collect::<Result<_, _>>()?;
                Ok((list, u64::try_from(total).unwrap_or(0)))
            }

            async fn declarations_of(&self, application_id: i64) -> Result<Vec<app::store::Declaration>, StoreError> {
                let rows: Vec<register::DeclarationRow> = sqlx::query_as(&format!(
                    "{} WHERE d.application_id = $1 ORDER BY d.id",
                    register::DECLARATION_COLUMNS
                ))
                .bind(application_id)
                .fetch_all(&mut *self.reads().await?)
                .await?;
                rows.into_iter().map(register::declaration_from_row).collect()
            }

            async fn register_tallies(
                &self,
                today: Date,
            ) -> Result<Vec<app::domain::stats::RegisterCount>, StoreError> {
                // The same rule as `domain::register::state_on`, in SQL so that the count reads no row twice.
                let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
                    "SELECT township_code, category, effective_state, reason, COUNT(*) FROM (
                        SELECT township_code, category,
                            CASE WHEN state = 'phasing_out' AND ends_on < $1 THEN 'ended'
                                 WHEN state = 'recognised' AND ends_on < $1 THEN 'expired'
                                 ELSE state END AS effective_state,
                            CASE WHEN state = 'phasing_out' AND ends_on < $1 THEN 'phase_out'
                                 ELSE COALESCE(end_reason, '') END AS reason
                        FROM assistance_records) r
                     GROUP BY township_code, category, effective_state, reason
                     ORDER BY township_code, category, effective_state, reason",
                )
                .bind(today.to_string())
                .fetch_all(&mut *self.reads().await?)
                .await?;
                Ok(rows.into_iter().map(|(t, c, s, r, n)| (t, c, s, r, u64::try_from(n).unwrap_or(0))).collect())
            }
        }
    };
}
