//! Queries written once for both back ends. The SQL uses `$1`-style parameters, which PostgreSQL and
//! SQLite both understand; the macro expands the same code for each store as its `CaseStore`,
//! `DraftStore`, `NoticeStore`, `OutboxStore` and `StatisticsStore` implementations.

use app::domain::assistance::AssistanceType;
use app::domain::calendar::{Date, DayKind};
use app::domain::workflow::Status;
use app::store::{ApplicationRecord, CaseEvent, NoticeEntry, StoreError};

#[derive(sqlx::FromRow)]
pub(super) struct ApplicationRow {
    id: i64,
    reference: String,
    phone_key: String,
    county_code: String,
    township_code: String,
    village: String,
    types: String,
    emergency: bool,
    household_size: i32,
    status: String,
    submitted_at: i64,
    acceptance_due: String,
    decision_due: String,
    sealed: String,
    applicant_masked: Option<String>,
    monthly_amount: Option<i32>,
    notice_until: Option<String>,
    recheck_drawn: bool,
}

#[derive(sqlx::FromRow)]
pub(super) struct NoticeRow {
    application_id: i64,
    county_code: String,
    township_code: String,
    village: String,
    head_name_masked: String,
    household_size: i32,
    types: String,
    monthly_amount: i32,
    published_from: String,
    published_until: String,
}

#[derive(sqlx::FromRow)]
pub(super) struct RecipientRow {
    #[sqlx(flatten)]
    notice: NoticeRow,
    phase_out_until: Option<String>,
}

pub(super) fn recipient_from_row(row: RecipientRow) -> Result<app::store::Recipient, StoreError> {
    Ok(app::store::Recipient {
        entry: notice_from_row(row.notice)?,
        phase_out_until: row.phase_out_until.as_deref().map(date).transpose()?,
    })
}

pub(super) fn parse_types(types: &str) -> Result<Vec<AssistanceType>, StoreError> {
    types
        .split(',')
        .filter(|k| !k.is_empty())
        .map(|k| AssistanceType::from_key(k).ok_or_else(|| invalid("assistance type", k)))
        .collect()
}

fn count(value: i32) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

pub(super) fn notice_from_row(row: NoticeRow) -> Result<NoticeEntry, StoreError> {
    Ok(NoticeEntry {
        application_id: row.application_id,
        county_code: row.county_code,
        township_code: row.township_code,
        village: row.village,
        head_name_masked: row.head_name_masked,
        household_size: count(row.household_size),
        types: parse_types(&row.types)?,
        monthly_amount: count(row.monthly_amount),
        published_from: date(&row.published_from)?,
        published_until: date(&row.published_until)?,
    })
}

pub(super) fn types_column(types: &[AssistanceType]) -> String {
    types.iter().map(|t| t.key()).collect::<Vec<_>>().join(",")
}

fn invalid(what: &str, value: &str) -> StoreError {
    StoreError::InvalidData(format!("unknown {what} {value}"))
}

fn date(text: &str) -> Result<Date, StoreError> {
    Date::parse(text).ok_or_else(|| invalid("date", text))
}

pub(super) fn status(key: &str) -> Result<Status, StoreError> {
    Status::from_key(key).ok_or_else(|| invalid("status", key))
}

pub(super) fn application_from_row(row: ApplicationRow) -> Result<ApplicationRecord, StoreError> {
    Ok(ApplicationRecord {
        id: row.id,
        reference: row.reference,
        phone_key: row.phone_key,
        county_code: row.county_code,
        township_code: row.township_code,
        village: row.village,
        types: parse_types(&row.types)?,
        emergency: row.emergency,
        household_size: count(row.household_size),
        status: status(&row.status)?,
        submitted_at: row.submitted_at,
        acceptance_due: date(&row.acceptance_due)?,
        decision_due: date(&row.decision_due)?,
        sealed: row.sealed,
        applicant_masked: row.applicant_masked,
        monthly_amount: row.monthly_amount.map(count),
        notice_until: row.notice_until.as_deref().map(date).transpose()?,
        recheck_drawn: row.recheck_drawn,
    })
}

#[derive(sqlx::FromRow)]
pub(super) struct EventRow {
    at: i64,
    actor: String,
    action: String,
    status: String,
    note: String,
}

/// A row of `CASE_WITH_EVENTS_BY_REFERENCE`: the case, and one of its events if it has any.
#[derive(sqlx::FromRow)]
pub(super) struct CaseEventRow {
    #[sqlx(flatten)]
    application: ApplicationRow,
    event_at: Option<i64>,
    event_actor: Option<String>,
    event_action: Option<String>,
    event_status: Option<String>,
    event_note: Option<String>,
}

impl CaseEventRow {
    fn split(self) -> (ApplicationRow, Option<EventRow>) {
        let Self { application, event_at, event_actor, event_action, event_status, event_note } = self;
        let event = match (event_at, event_actor, event_action, event_status, event_note) {
            (Some(at), Some(actor), Some(action), Some(status), Some(note)) => {
                Some(EventRow { at, actor, action, status, note })
            }
            _ => None,
        };
        (application, event)
    }
}

/// The case of the first row and the events of all rows (none when the case has no event yet).
pub(super) fn case_with_events(
    rows: Vec<CaseEventRow>,
) -> Result<Option<(ApplicationRecord, Vec<CaseEvent>)>, StoreError> {
    let mut rows = rows.into_iter();
    let Some((application, first_event)) = rows.next().map(CaseEventRow::split) else { return Ok(None) };
    let events = first_event.into_iter().chain(rows.filter_map(|row| row.split().1)).map(event_from_row);
    Ok(Some((application_from_row(application)?, events.collect::<Result<_, _>>()?)))
}

pub(super) fn event_from_row(row: EventRow) -> Result<CaseEvent, StoreError> {
    let status = status(&row.status)?;
    Ok(CaseEvent { at: row.at, actor: row.actor, action: row.action, status, note: row.note })
}

pub(super) const ANNOUNCEMENT_COLUMNS: &str =
    "SELECT id, title, body, county_code, published_at FROM announcements";

#[derive(sqlx::FromRow)]
pub(super) struct AnnouncementRow {
    id: i64,
    title: String,
    body: String,
    county_code: Option<String>,
    published_at: i64,
}

pub(super) fn announcement_from_row(row: AnnouncementRow) -> app::domain::announcement::Announcement {
    let AnnouncementRow { id, title, body, county_code, published_at } = row;
    app::domain::announcement::Announcement { id, title, body, county_code, published_at }
}

/// A stored file of a case or of a visit (`source` says which document or `visit`).
#[derive(sqlx::FromRow)]
pub(super) struct CaseFileRow {
    id: i64,
    source: String,
    sha256: String,
    content_type: String,
    size: i64,
}

/// A stored file with the id of what it belongs to (a case, a household), as `owner`.
#[derive(sqlx::FromRow)]
pub(super) struct OwnedFileRow {
    pub owner: i64,
    #[sqlx(flatten)]
    pub file: CaseFileRow,
}

pub(super) fn case_file_from_row(row: CaseFileRow) -> app::store::StoredFile {
    let CaseFileRow { id, source, sha256, content_type, size } = row;
    let size = u64::try_from(size).unwrap_or(0);
    app::store::StoredFile { id, source, sha256, content_type, size, message_id: None }
}

/// What the statistics count of one application.
#[derive(sqlx::FromRow)]
pub(super) struct FactsRow {
    id: i64,
    township_code: String,
    status: String,
    types: String,
    submitted_at: i64,
    decided_at: Option<i64>,
}

pub(super) fn statistics_from_row(row: FactsRow) -> Result<(i64, app::domain::stats::CaseFacts), StoreError> {
    let facts = app::domain::stats::CaseFacts {
        township_code: row.township_code,
        status: status(&row.status)?,
        types: parse_types(&row.types)?,
        submitted: Date::today_in_china(row.submitted_at),
        decided: row.decided_at.map(Date::today_in_china),
    };
    Ok((row.id, facts))
}

/// The newest verification code of a phone, with its hash.
#[derive(sqlx::FromRow)]
pub(super) struct CodeRow {
    id: i64,
    created_at: i64,
    attempts: i32,
    used: bool,
    code_hash: String,
}

pub(super) fn code_from_row(row: CodeRow) -> (app::domain::otp::IssuedCode, String) {
    let attempts = u32::try_from(row.attempts).unwrap_or(u32::MAX);
    let code =
        app::domain::otp::IssuedCode { id: row.id, created_at: row.created_at, attempts, used: row.used };
    (code, row.code_hash)
}

pub(super) fn calendar_from_row(
    (day, kind, note): (String, String, String),
) -> Result<(Date, DayKind, String), StoreError> {
    let kind = DayKind::from_key(&kind).ok_or_else(|| invalid("calendar day kind", &kind))?;
    Ok((date(&day)?, kind, note))
}

/// Keeps a resident's sealed draft, replacing the one before.
pub(super) const SAVE_DRAFT: &str =
    "INSERT INTO application_drafts (phone_key, sealed, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (phone_key) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at";

/// Names the sqlx database of a store type, for the shared queries.
pub(super) trait HasDatabase {
    type Db: sqlx::Database;
    /// A write transaction: derefs to the connection its statements run on.
    type WriteTx: Send + std::ops::DerefMut<Target = <Self::Db as sqlx::Database>::Connection>;
}

/// The case, draft, notice, outbox and statistics stores for a store type with `reads`, `begin_write` and
/// `commit`.
macro_rules! shared_queries {
    ($store:ty) => {
        /// Appends an event to a case's history inside the caller's transaction.
        async fn shared_insert_event(
            tx: &mut <$store as shared::HasDatabase>::WriteTx,
            application_id: i64,
            e: &CaseEvent,
        ) -> Result<(), StoreError> {
            sqlx::query(
                "INSERT INTO case_events (application_id, at, actor, action, status, note)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(application_id)
            .bind(e.at)
            .bind(&e.actor)
            .bind(&e.action)
            .bind(e.status.key())
            .bind(&e.note)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

        /// Records files of a case inside the caller's transaction.
        async fn shared_insert_case_files(
            tx: &mut <$store as shared::HasDatabase>::WriteTx,
            application_id: i64,
            source: &str,
            files: &[(String, String, u64)],
            at: i64,
        ) -> Result<(), StoreError> {
            for (sha256, content_type, size) in files {
                sqlx::query(
                    "INSERT INTO case_files (application_id, source, sha256, content_type, size, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(application_id)
                .bind(source)
                .bind(sha256)
                .bind(content_type)
                .bind(i64::try_from(*size).unwrap_or(i64::MAX))
                .bind(at)
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        }

        /// Appends an entry to the audit chain inside the caller's write transaction, so that the entry
        /// and the change it records are committed or rolled back together.
        async fn shared_append_audit(
            tx: &mut <$store as shared::HasDatabase>::WriteTx,
            event: &app::audit::AuditEvent,
        ) -> Result<i64, StoreError> {
            // Each entry links to the one before it: one writer of the chain at a time.
            <$store>::lock_audit_chain(tx).await?;
            let last: Option<(String,)> =
                sqlx::query_as("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
                    .fetch_optional(&mut **tx)
                    .await?;
            let prev_hash = last.map_or_else(|| app::audit::GENESIS.to_string(), |(hash,)| hash);
            let hash = app::audit::chain_hash(&prev_hash, event);
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO audit_log (at, actor, action, subject, detail, prev_hash, hash)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(event.at)
            .bind(&event.actor)
            .bind(&event.action)
            .bind(&event.subject)
            .bind(&event.detail)
            .bind(&prev_hash)
            .bind(&hash)
            .fetch_one(&mut **tx)
            .await?;
            Ok(id)
        }

        /// Publishes a case's notice inside the caller's transaction; a notice published again after an
        /// objection replaces the earlier one.
        async fn shared_publish_notice(
            tx: &mut <$store as shared::HasDatabase>::WriteTx,
            id: i64,
            notice: &app::store::NoticeEntry,
        ) -> Result<(), StoreError> {
            sqlx::query("DELETE FROM notices WHERE application_id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await?;
            sqlx::query(
                "INSERT INTO notices (application_id, county_code, township_code, village, head_name_masked,
                    household_size, types, monthly_amount, published_from, published_until)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(id)
            .bind(&notice.county_code)
            .bind(&notice.township_code)
            .bind(&notice.village)
            .bind(&notice.head_name_masked)
            .bind(i32::try_from(notice.household_size).unwrap_or(i32::MAX))
            .bind(shared::types_column(&notice.types))
            .bind(i32::try_from(notice.monthly_amount).unwrap_or(i32::MAX))
            .bind(notice.published_from.to_string())
            .bind(notice.published_until.to_string())
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

        async fn shared_queue_sms(
            tx: &mut <$store as shared::HasDatabase>::WriteTx,
            payload: &str,
            now: i64,
        ) -> Result<(), StoreError> {
            sqlx::query("INSERT INTO sms_queue (payload_sealed, created_at, next_attempt_at) VALUES ($1, $2, $2)")
                .bind(payload)
                .bind(now)
                .execute(&mut **tx)
                .await?;
            Ok(())
        }

        #[async_trait::async_trait]
        impl app::store::CaseStore for $store {
            async fn submit_application(&self, new: &NewApplication) -> Result<Submitted, StoreError> {
                let r = &new.record;
                let mut tx = self.begin_write().await?;
                let inserted: Option<(i64,)> = sqlx::query_as(
                    "INSERT INTO applications (reference, submission_key, phone_key, county_code, township_code,
                        village, types, emergency, household_size, status, submitted_at, acceptance_due,
                        decision_due, sealed, applicant_masked)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
                     ON CONFLICT (submission_key) DO NOTHING RETURNING id",
                )
                .bind(&r.reference)
                .bind(&new.submission_key)
                .bind(&r.phone_key)
                .bind(&r.county_code)
                .bind(&r.township_code)
                .bind(&r.village)
                .bind(shared::types_column(&r.types))
                .bind(r.emergency)
                .bind(i32::try_from(r.household_size).unwrap_or(i32::MAX))
                .bind(r.status.key())
                .bind(r.submitted_at)
                .bind(r.acceptance_due.to_string())
                .bind(r.decision_due.to_string())
                .bind(&r.sealed)
                .bind(&r.applicant_masked)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| unique_violation(e, "reference number"))?;
                let Some((id,)) = inserted else {
                    let (reference,): (String,) =
                        sqlx::query_as("SELECT reference FROM applications WHERE submission_key = $1")
                            .bind(&new.submission_key)
                            .fetch_one(&mut *tx)
                            .await?;
                    return Ok(Submitted { reference, created: false });
                };
                let e = &new.event;
                shared_insert_event(&mut tx, id, e).await?;
                for (source, file) in &new.files {
                    shared_insert_case_files(&mut tx, id, source, std::slice::from_ref(file), e.at).await?;
                }
                sqlx::query("DELETE FROM application_drafts WHERE phone_key = $1")
                    .bind(&r.phone_key)
                    .execute(&mut *tx)
                    .await?;
                shared_append_audit(&mut tx, &new.audit).await?;
                self.commit(tx).await?;
                Ok(Submitted { reference: r.reference.clone(), created: true })
            }

            async fn application_by_submission_key(&self, key: &str) -> Result<Option<String>, StoreError> {
                let row: Option<(String,)> =
                    sqlx::query_as("SELECT reference FROM applications WHERE submission_key = $1")
                        .bind(key)
                        .fetch_optional(&mut *self.reads().await?)
                        .await?;
                Ok(row.map(|(reference,)| reference))
            }

            async fn application_by_id(&self, id: i64) -> Result<Option<ApplicationRecord>, StoreError> {
                let row: Option<shared::ApplicationRow> =
                    sqlx::query_as(&format!("{} WHERE id = $1", crate::store::page_queries::APPLICATION_COLUMNS))
                        .bind(id)
                        .fetch_optional(&mut *self.reads().await?)
                        .await?;
                row.map(shared::application_from_row).transpose()
            }

            async fn application_by_reference(
                &self,
                reference: &str,
            ) -> Result<Option<ApplicationRecord>, StoreError> {
                let row: Option<shared::ApplicationRow> =
                    sqlx::query_as(crate::store::page_queries::APPLICATION_BY_REFERENCE)
                        .bind(reference)
                        .fetch_optional(&mut *self.reads().await?)
                        .await?;
                row.map(shared::application_from_row).transpose()
            }

            async fn review_queue(
                &self,
                query: &app::store::QueueQuery,
            ) -> Result<(Vec<ApplicationRecord>, u64), StoreError> {
                use crate::store::page_queries as sql;
                use app::store::QueueScope;
                let (scope, page_sql, count_sql) = match &query.scope {
                    QueueScope::Township(code) => (code, sql::TOWNSHIP_QUEUE, sql::TOWNSHIP_QUEUE_COUNT),
                    QueueScope::County(code) => (code, sql::COUNTY_QUEUE, sql::COUNTY_QUEUE_COUNT),
                };
                let due_by = query.due_by.map(|d| d.to_string()).unwrap_or_default();
                let (total,): (i64,) = sqlx::query_as(count_sql)
                    .bind(scope)
                    .bind(&query.status)
                    .bind(&query.kind)
                    .bind(&due_by)
                    .fetch_one(&mut *self.reads().await?)
                    .await?;
                let rows: Vec<shared::ApplicationRow> = sqlx::query_as(page_sql)
                    .bind(scope)
                    .bind(&query.status)
                    .bind(&query.kind)
                    .bind(&due_by)
                    .bind(i64::from(query.page.limit))
                    .bind(i64::from(query.page.offset))
                    .fetch_all(&mut *self.reads().await?)
                    .await?;
                let cases = rows.into_iter().map(shared::application_from_row).collect::<Result<_, _>>()?;
                Ok((cases, u64::try_from(total).unwrap_or(0)))
            }

            async fn overdue_by_township(
                &self,
                county_code: &str,
                due_by: Date,
            ) -> Result<Vec<(String, u64)>, StoreError> {
                let rows: Vec<(String, i64)> = sqlx::query_as(crate::store::page_queries::OVERDUE_BY_TOWNSHIP)
                    .bind(county_code)
                    .bind(due_by.to_string())
                    .fetch_all(&mut *self.reads().await?)
                    .await?;
                Ok(rows.into_iter().map(|(township, n)| (township, u64::try_from(n).unwrap_or(0))).collect())
            }

            async fn record_transition(
                &self,
                id: i64,
                from: app::domain::workflow::Status,
                change: &app::store::CaseChange,
            ) -> Result<bool, StoreError> {
                let mut tx = self.begin_write().await?;
                let amount = change.monthly_amount.map(|a| i32::try_from(a).unwrap_or(i32::MAX));
                let notice_until = change.notice.as_ref().map(|n| n.published_until.to_string());
                let updated = sqlx::query(
                    "UPDATE applications SET status = $1, monthly_amount = COALESCE($2, monthly_amount),
                        notice_until = COALESCE($3, notice_until), recheck_drawn = COALESCE($4, recheck_drawn)
                     WHERE id = $5 AND status = $6",
                )
                .bind(change.event.status.key())
                .bind(amount)
                .bind(notice_until)
                .bind(change.recheck_drawn)
                .bind(id)
                .bind(from.key())
                .execute(&mut *tx)
                .await?;
                if updated.rows_affected() != 1 {
                    return Ok(false);
                }
                let e = &change.event;
                shared_insert_event(&mut tx, id, e).await?;
                shared_insert_case_files(&mut tx, id, &e.action, &change.files, e.at).await?;
                insert_referrals(&mut tx, id, &change.referrals, e.at).await?;
                if let Some(record) = &change.register {
                    insert_record(&mut tx, record).await?;
                }
                if let Some(lead) = &change.household {
                    let audit = |household: i64| app::audit::AuditEvent {
                        subject: format!("household:{household}"),
                        action: "monitoring.household_registered".into(),
                        ..change.audit.clone()
                    };
                    if Self::monitoring_register_once(&mut tx, lead, Some(&audit)).await?.is_none() {
                        return Err(StoreError::Query("a member was registered at the same moment".into()));
                    }
                }
                if let Some(payload) = &change.notify {
                    shared_queue_sms(&mut tx, payload, e.at).await?;
                }
                shared_append_audit(&mut tx, &change.audit).await?;
                if let Some(notice) = &change.notice {
                    shared_publish_notice(&mut tx, id, notice).await?;
                }
                self.commit(tx).await?;
                Ok(true)
            }

            async fn case_with_events(
                &self,
                reference: &str,
            ) -> Result<Option<(ApplicationRecord, Vec<CaseEvent>)>, StoreError> {
                let rows: Vec<shared::CaseEventRow> =
                    sqlx::query_as(crate::store::page_queries::CASE_WITH_EVENTS_BY_REFERENCE)
                        .bind(reference)
                        .fetch_all(&mut *self.reads().await?)
                        .await?;
                shared::case_with_events(rows)
            }

            async fn case_events(&self, application_id: i64) -> Result<Vec<CaseEvent>, StoreError> {
                let rows: Vec<shared::EventRow> = sqlx::query_as(crate::store::page_queries::CASE_EVENTS)
                .bind(application_id)
                .fetch_all(&mut *self.reads().await?)
                .await?;
                rows.into_iter().map(shared::event_from_row).collect()
            }

            async fn case_files(&self, application_id: i64) -> Result<Vec<app::store::StoredFile>, StoreError> {
                let rows: Vec<shared::CaseFileRow> = sqlx::query_as(
                    "SELECT id, source, sha256, content_type, size FROM case_files WHERE application_id = $1
                     ORDER BY id",
                )
                .bind(application_id)
                .fetch_all(&mut *self.reads().await?)
                .await?;
                Ok(rows.into_iter().map(shared::case_file_from_row).collect())
            }

            async fn case_file(&self, file_id: i64) -> Result<Option<(i64, app::store::StoredFile)>, StoreError> {
                let row: Option<shared::OwnedFileRow> = sqlx::query_as(
                    "SELECT application_id AS owner, id, source, sha256, content_type, size FROM case_files
                     WHERE id = $1",
                )
                .bind(file_id)
                .fetch_optional(&mut *self.reads().await?)
                .await?;
                Ok(row.map(|row| (row.owner, shared::case_file_from_row(row.file))))
            }
        }

        #[async_trait::async_trait]
        impl app::store::DraftStore for $store {
            async fn save_draft(&self, phone_key: &str, sealed: &str, now: i64) -> Result<(), StoreError> {
                sqlx::query(shared::SAVE_DRAFT)
                    .bind(phone_key)
                    .bind(sealed)
                    .bind(now)
                    .execute(&mut *self.writes().await?)
                    .await?;
                Ok(()) // not `written`: see the trait
            }

            async fn start_draft(
                &self,
                phone_key: &str,
                sealed: &str,
                now: i64,
                checked: &app::audit::AuditEvent,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query(shared::SAVE_DRAFT).bind(phone_key).bind(sealed).bind(now).execute(&mut *tx).await?;
                shared_append_audit(&mut tx, checked).await?;
                self.commit(tx).await
            }

            async fn draft(&self, phone_key: &str) -> Result<Option<String>, StoreError> {
                let row: Option<(String,)> =
                    sqlx::query_as("SELECT sealed FROM application_drafts WHERE phone_key = $1")
                        .bind(phone_key)
                        .fetch_optional(&mut *self.reads().await?)
                        .await?;
                Ok(row.map(|(sealed,)| sealed))
            }

            async fn put_flash(
                &self,
                token: &str,
                sealed: &str,
                now: i64,
                bounds: app::store::FlashBounds,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM form_flash WHERE created_at < $1 OR id <= (SELECT MAX(id) FROM form_flash) - $2")
                    .bind(bounds.expire_before)
                    .bind(bounds.keep_last - 1)
                    .execute(&mut *tx)
                    .await?;
                // Room for the new entry in the byte budget: the newest entries are kept up to it.
                let room = bounds.total_bytes - i64::try_from(sealed.len()).unwrap_or(i64::MAX);
                sqlx::query(
                    "DELETE FROM form_flash WHERE id IN (
                        SELECT id FROM (
                            SELECT id, SUM(LENGTH(sealed)) OVER (ORDER BY id DESC) AS newer_bytes FROM form_flash
                        ) AS sized WHERE newer_bytes > $1)",
                )
                .bind(room)
                .execute(&mut *tx)
                .await?;
                sqlx::query("INSERT INTO form_flash (token, sealed, created_at) VALUES ($1, $2, $3)")
                    .bind(token)
                    .bind(sealed)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                self.commit(tx).await
            }

            async fn take_flash(&self, token: &str, not_before: i64) -> Result<Option<String>, StoreError> {
                let row: Option<(String, i64)> =
                    sqlx::query_as("DELETE FROM form_flash WHERE token = $1 RETURNING sealed, created_at")
                        .bind(token)
                        .fetch_optional(&mut *self.writes().await?)
                        .await?;
                self.written().await?;
                Ok(row.filter(|(_, created_at)| *created_at >= not_before).map(|(sealed, _)| sealed))
            }
        }

        #[async_trait::async_trait]
        impl app::store::NoticeStore for $store {
            async fn current_notices(
                &self,
                today: Date,
                county_code: Option<&str>,
                township_code: Option<&str>,
                page: app::store::Page,
            ) -> Result<(Vec<app::store::NoticeEntry>, u64), StoreError> {
                let (county, township) = (county_code.unwrap_or(""), township_code.unwrap_or(""));
                let (total,): (i64,) = sqlx::query_as(crate::store::page_queries::CURRENT_NOTICES_COUNT)
                    .bind(today.to_string())
                    .bind(county)
                    .bind(township)
                    .fetch_one(&mut *self.reads().await?)
                    .await?;
                let rows: Vec<shared::NoticeRow> = sqlx::query_as(crate::store::page_queries::CURRENT_NOTICES_PAGE)
                .bind(today.to_string())
                .bind(county)
                .bind(township)
                .bind(i64::from(page.limit))
                .bind(i64::from(page.offset))
                .fetch_all(&mut *self.reads().await?)
                .await?;
                let entries = rows.into_iter().map(shared::notice_from_row).collect::<Result<_, _>>()?;
                Ok((entries, u64::try_from(total).unwrap_or(0)))
            }

            async fn current_notice(
                &self,
                application_id: i64,
                today: Date,
            ) -> Result<Option<app::store::NoticeEntry>, StoreError> {
                let row: Option<shared::NoticeRow> =
                    sqlx::query_as(crate::store::page_queries::CURRENT_NOTICE)
                        .bind(today.to_string())
                        .bind(application_id)
                        .fetch_optional(&mut *self.reads().await?)
                        .await?;
                row.map(shared::notice_from_row).transpose()
            }

            async fn recipients(
                &self,
                query: &app::store::RecipientQuery,
            ) -> Result<(Vec<app::store::Recipient>, u64), StoreError> {
                let today = query.today.to_string();
                let (total,): (i64,) = sqlx::query_as(crate::store::page_queries::RECIPIENTS_COUNT)
                    .bind(&query.township_code)
                    .bind(&query.village)
                    .bind(&query.masked_name)
                    .bind(&query.kind)
                    .bind(&today)
                    .fetch_one(&mut *self.reads().await?)
                    .await?;
                let rows: Vec<shared::RecipientRow> = sqlx::query_as(crate::store::page_queries::RECIPIENTS_PAGE)
                    .bind(&query.township_code)
                    .bind(&query.village)
                    .bind(&query.masked_name)
                    .bind(&query.kind)
                    .bind(&today)
                    .bind(i64::from(query.limit))
                    .bind(i64::from(query.offset))
                    .fetch_all(&mut *self.reads().await?)
                    .await?;
                let entries = rows.into_iter().map(shared::recipient_from_row).collect::<Result<Vec<_>, _>>()?;
                Ok((entries, u64::try_from(total).unwrap_or(0)))
            }

            async fn file_objection(
                &self,
                objection: &app::store::NewObjection,
                reopen: &app::store::CaseChange,
                grouped: &app::store::CaseChange,
                limit: app::store::ObjectionLimit,
            ) -> Result<app::store::ObjectionOutcome, StoreError> {
                use app::store::ObjectionOutcome as Outcome;
                let id = objection.application_id;
                let mut tx = self.begin_write().await?;
                // A no-op update that locks the case's row (PostgreSQL; SQLite has one writer anyway),
                // so that simultaneous objections to one entry are counted one after the other.
                let in_notice = sqlx::query("UPDATE applications SET status = status WHERE id = $1 AND status = $2")
                    .bind(id)
                    .bind(app::domain::workflow::Status::InNotice.key())
                    .execute(&mut *tx)
                    .await?;
                if in_notice.rows_affected() != 1 {
                    return Ok(Outcome::NoticeOver);
                }
                let (recent, earlier): (i64, i64) = sqlx::query_as(
                    "SELECT (SELECT COUNT(*) FROM objections WHERE application_id = $1 AND created_at >= $2),
                            (SELECT COUNT(*) FROM objections WHERE application_id = $1)",
                )
                .bind(id)
                .bind(limit.since)
                .fetch_one(&mut *tx)
                .await?;
                if recent >= i64::from(limit.max) {
                    return Ok(Outcome::EntryLimitReached);
                }
                let (change, outcome) = if earlier == 0 { (reopen, Outcome::Reopened) } else { (grouped, Outcome::Grouped) };
                sqlx::query("UPDATE applications SET status = $1 WHERE id = $2")
                    .bind(change.event.status.key())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO objections (application_id, reason, contact_sealed, receipt_hash, created_at)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(&objection.reason)
                .bind(&objection.contact_sealed)
                .bind(&objection.receipt_hash)
                .bind(objection.created_at)
                .execute(&mut *tx)
                .await?;
                shared_insert_case_files(&mut tx, id, "objection", &objection.files, objection.created_at).await?;
                let e = &change.event;
                shared_insert_event(&mut tx, id, e).await?;
                if let Some(payload) = &change.notify {
                    shared_queue_sms(&mut tx, payload, e.at).await?;
                }
                shared_append_audit(&mut tx, &change.audit).await?;
                self.commit(tx).await?;
                Ok(outcome)
            }

            async fn objections(&self, application_id: i64) -> Result<Vec<app::store::Objection>, StoreError> {
                let rows: Vec<(String, Option<String>, i64)> = sqlx::query_as(
                    "SELECT reason, contact_sealed, created_at FROM objections WHERE application_id = $1 ORDER BY id",
                )
                .bind(application_id)
                .fetch_all(&mut *self.reads().await?)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(reason, contact_sealed, created_at)| app::store::Objection { reason, contact_sealed, created_at })
                    .collect())
            }
        }

        #[async_trait::async_trait]
        impl app::store::OutboxStore for $store {
            async fn claim_due_sms(
                &self,
                now: i64,
                lease_until: i64,
                limit: u32,
            ) -> Result<Vec<app::store::QueuedSms>, StoreError> {
                // One statement: the conditions are repeated outside the subquery so that a worker
                // that waited for another's row lock (PostgreSQL re-reads the row) skips what the
                // other just claimed; SQLite runs one writer at a time.
                let rows: Vec<(i64, String, i32)> = sqlx::query_as(
                    "UPDATE sms_queue SET next_attempt_at = $2
                     WHERE id IN (SELECT id FROM sms_queue WHERE sent_at IS NULL AND next_attempt_at <= $1
                                  ORDER BY id LIMIT $3)
                       AND sent_at IS NULL AND next_attempt_at <= $1
                     RETURNING id, payload_sealed, attempts",
                )
                .bind(now)
                .bind(lease_until)
                .bind(i64::from(limit))
                .fetch_all(&mut *self.writes().await?)
                .await?;
                self.written().await?;
                let mut claimed: Vec<app::store::QueuedSms> = rows
                    .into_iter()
                    .map(|(id, payload_sealed, attempts)| app::store::QueuedSms {
                        id,
                        payload_sealed,
                        attempts: u32::try_from(attempts).unwrap_or(0),
                    })
                    .collect();
                // RETURNING gives no order on either back end.
                claimed.sort_by_key(|m| m.id);
                Ok(claimed)
            }

            async fn sms_sent(&self, id: i64, now: i64) -> Result<(), StoreError> {
                sqlx::query("UPDATE sms_queue SET sent_at = $1, attempts = attempts + 1 WHERE id = $2")
                    .bind(now)
                    .bind(id)
                    .execute(&mut *self.writes().await?)
                    .await?;
                self.written().await?;
                Ok(())
            }

            async fn sms_failed(&self, id: i64, next_attempt_at: i64, error: &str) -> Result<(), StoreError> {
                sqlx::query(
                    "UPDATE sms_queue SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2 WHERE id = $3",
                )
                .bind(next_attempt_at)
                .bind(error)
                .bind(id)
                .execute(&mut *self.writes().await?)
                .await?;
                self.written().await?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl app::store::StatisticsStore for $store {
            async fn statistics_facts_after(
                &self,
                after_id: i64,
                limit: u32,
            ) -> Result<Vec<(i64, app::domain::stats::CaseFacts)>, StoreError> {
                let rows: Vec<shared::FactsRow> = sqlx::query_as(
                    "SELECT a.id, a.township_code, a.status, a.types, a.submitted_at,
                        (SELECT MAX(e.at) FROM case_events e
                         WHERE e.application_id = a.id AND e.action IN ('approve', 'refuse')) AS decided_at
                     FROM applications a WHERE a.id > $1 ORDER BY a.id LIMIT $2",
                )
                .bind(after_id)
                .bind(i64::from(limit))
                .fetch_all(&mut *self.reads().await?)
                .await?;
                rows.into_iter().map(shared::statistics_from_row).collect()
            }

            async fn statistics_snapshot(&self) -> Result<Option<(i64, String)>, StoreError> {
                sqlx::query_as(crate::store::page_queries::STATISTICS_SNAPSHOT)
                    .fetch_optional(&mut *self.reads().await?)
                    .await
                    .map_err(StoreError::from)
            }

            async fn save_statistics_snapshot(&self, computed_at: i64, body: &str) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO statistics_snapshot (id, computed_at, body) VALUES (1, $1, $2)
                     ON CONFLICT (id) DO UPDATE SET computed_at = excluded.computed_at, body = excluded.body",
                )
                .bind(computed_at)
                .bind(body)
                .execute(&mut *self.writes().await?)
                .await?;
                self.written().await?;
                Ok(())
            }
        }
    };
}
