//! `ReportStore` for both back ends, written once (`$1`-style parameters work in both); see `shared.rs`.

use app::domain::report::{ReportStatus, Suspicion};
use app::store::{ReportRecord, StoreError, StoredFile};

pub(super) const REPORT_COLUMNS: &str = "SELECT id, group_id, county_code, township_code, picked_entry,
    suspicion, status, sealed, receipt_hash, linked_application_id, outcome, created_at, updated_at FROM reports";

#[derive(sqlx::FromRow)]
pub(super) struct ReportRow {
    id: i64,
    group_id: Option<i64>,
    county_code: String,
    township_code: String,
    picked_entry: Option<i64>,
    suspicion: String,
    status: String,
    sealed: String,
    receipt_hash: String,
    linked_application_id: Option<i64>,
    outcome: String,
    created_at: i64,
    updated_at: i64,
}

pub(super) fn report_from_row(row: ReportRow) -> Result<ReportRecord, StoreError> {
    let invalid = |what: &str, v: &str| StoreError::InvalidData(format!("unknown {what} {v}"));
    Ok(ReportRecord {
        id: row.id,
        group_id: row.group_id.unwrap_or(row.id),
        county_code: row.county_code,
        township_code: row.township_code,
        picked_entry: row.picked_entry,
        suspicion: Suspicion::from_key(&row.suspicion).ok_or_else(|| invalid("suspicion", &row.suspicion))?,
        status: ReportStatus::from_key(&row.status).ok_or_else(|| invalid("report status", &row.status))?,
        sealed: row.sealed,
        receipt_hash: row.receipt_hash,
        linked_application_id: row.linked_application_id,
        outcome: row.outcome,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

#[derive(sqlx::FromRow)]
pub(super) struct FileRow {
    id: i64,
    message_id: Option<i64>,
    sha256: String,
    content_type: String,
    size: i64,
}

/// A file with the report it belongs to.
#[derive(sqlx::FromRow)]
pub(super) struct ReportFileRow {
    pub report_id: i64,
    #[sqlx(flatten)]
    pub file: FileRow,
}

pub(super) fn file_from_row(row: FileRow) -> StoredFile {
    let FileRow { id, message_id, sha256, content_type, size } = row;
    let size = u64::try_from(size).unwrap_or(0);
    StoredFile { id, source: "report".into(), sha256, content_type, size, message_id }
}

/// `impl ReportStore` for a store type with a `pool` field and a `begin_write` method.
macro_rules! report_queries {
    ($store:ty) => {
        /// Records a message's or a report's files inside the caller's transaction.
        async fn insert_report_files(
            tx: &mut <$store as shared::HasDatabase>::WriteTx,
            report_id: i64,
            message_id: Option<i64>,
            files: &[(String, String, u64)],
        ) -> Result<(), StoreError> {
            for (sha256, content_type, size) in files {
                sqlx::query(
                    "INSERT INTO report_files (report_id, message_id, sha256, content_type, size)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(report_id)
                .bind(message_id)
                .bind(sha256)
                .bind(content_type)
                .bind(i64::try_from(*size).unwrap_or(i64::MAX))
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        }

        #[async_trait::async_trait]
        impl app::store::ReportStore for $store {
            async fn file_report(
                &self,
                r: &app::store::NewReport,
                audit: app::store::AuditOf<'_, (i64, i64)>,
            ) -> Result<(i64, i64), StoreError> {
                let mut tx = self.begin_write().await?;
                let earlier: Option<(i64, Option<i64>)> = sqlx::query_as(
                    "SELECT id, group_id FROM reports WHERE grouping_key = $1 AND created_at >= $2
                     ORDER BY id LIMIT 1",
                )
                .bind(&r.grouping_key)
                .bind(r.group_since)
                .fetch_optional(&mut *tx)
                .await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO reports (group_id, county_code, township_code, picked_entry, suspicion, status,
                        sealed, grouping_key, receipt_lookup, receipt_hash, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
                )
                .bind(earlier.map(|(id, group)| group.unwrap_or(id)))
                .bind(&r.county_code)
                .bind(&r.township_code)
                .bind(r.picked_entry)
                .bind(r.suspicion.key())
                .bind(app::domain::report::ReportStatus::Received.key())
                .bind(&r.sealed)
                .bind(&r.grouping_key)
                .bind(&r.receipt_lookup)
                .bind(&r.receipt_hash)
                .bind(r.created_at)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| unique_violation(e, "receipt code"))?;
                let group = match earlier {
                    Some((first, group)) => group.unwrap_or(first),
                    None => {
                        sqlx::query("UPDATE reports SET group_id = $1 WHERE id = $1")
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        id
                    }
                };
                insert_report_files(&mut tx, id, None, &r.files).await?;
                shared_append_audit(&mut tx, &audit((id, group))).await?;
                self.commit(tx).await?;
                Ok((id, group))
            }

            async fn report_by_lookup(&self, lookup: &str) -> Result<Option<app::store::ReportRecord>, StoreError> {
                let row: Option<reports::ReportRow> =
                    sqlx::query_as(&format!("{} WHERE receipt_lookup = $1", reports::REPORT_COLUMNS))
                        .bind(lookup)
                        .fetch_optional(&mut *self.reads().await?)
                        .await?;
                row.map(reports::report_from_row).transpose()
            }

            async fn report(&self, id: i64) -> Result<Option<app::store::ReportRecord>, StoreError> {
                let row: Option<reports::ReportRow> =
                    sqlx::query_as(&format!("{} WHERE id = $1", reports::REPORT_COLUMNS))
                        .bind(id)
                        .fetch_optional(&mut *self.reads().await?)
                        .await?;
                row.map(reports::report_from_row).transpose()
            }

            async fn reports(&self, county_code: Option<&str>) -> Result<Vec<app::store::ReportRecord>, StoreError> {
                let rows: Vec<reports::ReportRow> = sqlx::query_as(&format!(
                    "{} WHERE ($1 = '' OR county_code = $1) ORDER BY group_id DESC, id",
                    reports::REPORT_COLUMNS
                ))
                .bind(county_code.unwrap_or(""))
                .fetch_all(&mut *self.reads().await?)
                .await?;
                rows.into_iter().map(reports::report_from_row).collect()
            }

            async fn reports_in_group(&self, group_id: i64) -> Result<Vec<app::store::ReportRecord>, StoreError> {
                let rows: Vec<reports::ReportRow> = sqlx::query_as(&format!(
                    "{} WHERE group_id = $1 ORDER BY id",
                    reports::REPORT_COLUMNS
                ))
                .bind(group_id)
                .fetch_all(&mut *self.reads().await?)
                .await?;
                rows.into_iter().map(reports::report_from_row).collect()
            }

            async fn report_messages(&self, report_id: i64) -> Result<Vec<app::store::ReportMessage>, StoreError> {
                let rows: Vec<(i64, bool, String, i64)> = sqlx::query_as(
                    "SELECT id, from_officer, body_sealed, at FROM report_messages WHERE report_id = $1 ORDER BY id",
                )
                .bind(report_id)
                .fetch_all(&mut *self.reads().await?)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, from_officer, body_sealed, at)| app::store::ReportMessage {
                        id,
                        from_officer,
                        body_sealed,
                        at,
                    })
                    .collect())
            }

            async fn report_files(&self, report_id: i64) -> Result<Vec<app::store::StoredFile>, StoreError> {
                let rows: Vec<reports::FileRow> = sqlx::query_as(
                    "SELECT id, message_id, sha256, content_type, size FROM report_files WHERE report_id = $1
                     ORDER BY id",
                )
                .bind(report_id)
                .fetch_all(&mut *self.reads().await?)
                .await?;
                Ok(rows.into_iter().map(reports::file_from_row).collect())
            }

            async fn report_file(&self, file_id: i64) -> Result<Option<(i64, app::store::StoredFile)>, StoreError> {
                let row: Option<reports::ReportFileRow> = sqlx::query_as(
                    "SELECT report_id, id, message_id, sha256, content_type, size FROM report_files WHERE id = $1",
                )
                .bind(file_id)
                .fetch_optional(&mut *self.reads().await?)
                .await?;
                Ok(row.map(|row| (row.report_id, reports::file_from_row(row.file))))
            }

            async fn add_report_message(&self, m: &app::store::NewReportMessage) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO report_messages (report_id, from_officer, body_sealed, at) VALUES ($1, $2, $3, $4)
                     RETURNING id",
                )
                .bind(m.report_id)
                .bind(m.from_officer)
                .bind(&m.body_sealed)
                .bind(m.at)
                .fetch_one(&mut *tx)
                .await?;
                insert_report_files(&mut tx, m.report_id, Some(id), &m.files).await?;
                // A question from the officer means the report is being verified.
                let status = if m.from_officer { "verifying" } else { "" };
                sqlx::query(
                    "UPDATE reports SET updated_at = $1,
                        status = CASE WHEN $2 <> '' AND status = 'received' THEN $2 ELSE status END
                     WHERE id = $3",
                )
                .bind(m.at)
                .bind(status)
                .bind(m.report_id)
                .execute(&mut *tx)
                .await?;
                shared_append_audit(&mut tx, &m.audit).await?;
                self.commit(tx).await
            }

            async fn update_report(
                &self,
                id: i64,
                status: app::domain::report::ReportStatus,
                outcome: &str,
                linked_application_id: Option<i64>,
                now: i64,
                audit: &app::audit::AuditEvent,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(
                    "UPDATE reports SET status = $1, outcome = $2, linked_application_id = $3, updated_at = $4
                     WHERE id = $5",
                )
                .bind(status.key())
                .bind(outcome)
                .bind(linked_application_id)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                commit_if_changed(self, tx, done.rows_affected() == 1, audit).await.map(|_| ())
            }

            async fn reports_linked_to(&self, application_id: i64) -> Result<u64, StoreError> {
                let (count,): (i64,) =
                    sqlx::query_as("SELECT COUNT(*) FROM reports WHERE linked_application_id = $1")
                        .bind(application_id)
                        .fetch_one(&mut *self.reads().await?)
                        .await?;
                Ok(u64::try_from(count).unwrap_or(0))
            }

            async fn public_entry(
                &self,
                application_id: i64,
                today: app::domain::calendar::Date,
            ) -> Result<Option<app::store::NoticeEntry>, StoreError> {
                let row: Option<shared::NoticeRow> = sqlx::query_as(
                    "SELECT n.application_id, n.county_code, n.township_code, n.village, n.head_name_masked,
                        n.household_size, n.types, COALESCE(a.monthly_amount, n.monthly_amount) AS monthly_amount,
                        n.published_from, n.published_until
                     FROM notices n JOIN applications a ON a.id = n.application_id
                     WHERE n.application_id = $2 AND (a.status = 'approved'
                        OR (a.status = 'in_notice' AND n.published_from <= $1 AND n.published_until >= $1))
                     LIMIT 1",
                )
                .bind(today.to_string())
                .bind(application_id)
                .fetch_optional(&mut *self.reads().await?)
                .await?;
                row.map(shared::notice_from_row).transpose()
            }
        }
    };
}
