//! SQLite back end: one file under the data folder, WAL journal. Readers share a pool; every write goes
//! through one writer connection, queued in order (SQLite takes one writer at a time, and writers that
//! meet its lock sleep in its busy handler instead of waiting their turn). A write is acknowledged once the
//! log is on disk (`wal_sync`), so it survives a crash or a power cut.

use super::emergency;
use super::files;
use super::monitoring;
use super::referrals;
use super::register;
use super::reports;
use super::sealed;
use super::shared;
use super::sqlite_connections::{Connections, Taken, WriteTx};
use super::staff;
use super::wal_sync::WalSync;
use super::{
    audit_from_row, ensure_parent_dir, guide_from_row, query_error, staff_from_row, standards_from_row,
    unique_violation, AuditRow, GuideRow, StaffRow, StandardsRow, STAFF_COLUMNS,
};
use app::audit::{AuditEvent, AuditRecord};
use app::domain::calendar::{Date, DayKind};
use app::domain::eligibility::LocalStandards;
use app::domain::guide::GuidePage;
use app::domain::otp::IssuedCode;
use app::domain::region::{County, Hotline, Township};
use app::store::{
    ApplicationRecord, AuditOf, CaseEvent, NewApplication, NewStaff, StaffAccount, Store, StoreError,
    Submitted,
};
use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::{str::FromStr, time::Duration};

pub struct SqliteStore {
    /// Reads. Every write goes through `writer` (`begin_write`, `commit`).
    readers: Connections,
    /// The one connection that writes, committing into the log; `wal` flushes the log before acknowledging.
    writer: Connections,
    wal: WalSync,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Unavailable(e.to_string()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        if !options.get_filename().as_os_str().is_empty() {
            ensure_parent_dir(options.get_filename())?;
        }
        let unavailable = |e: sqlx::Error| StoreError::Unavailable(e.to_string());
        // Migrations on a pool of their own, closed after: on a bare connection their future is not `Send`
        // for every lifetime, and the store is opened inside spawned tasks.
        let migrating = SqlitePoolOptions::new().max_connections(1).connect_with(options.clone()).await;
        let migrating = migrating.map_err(unavailable)?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&migrating)
            .await
            .map_err(|e| StoreError::Unavailable(format!("migration failed: {e}")))?;
        migrating.close().await;
        let writing = options.clone().synchronous(SqliteSynchronous::Normal);
        let writer = Connections::open(&writing, 1).await.map_err(unavailable)?;
        let readers = Connections::open(&options, 8).await.map_err(unavailable)?;
        let wal = WalSync::new(options.get_filename());
        Ok(Self { readers, writer, wal })
    }
}

impl SqliteStore {
    /// A write transaction that takes the write lock at once (`BEGIN IMMEDIATE`). A deferred transaction
    /// that reads first and writes later fails with "database is locked" when another connection wrote
    /// in between, and waiting does not help; taking the lock first makes it wait its turn instead.
    /// Waits for the writer connection in turn (another process, such as a backup, may hold the lock too).
    async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        self.writer.begin().await
    }

    /// Commits a write transaction and returns once it is on disk.
    async fn commit(&self, tx: WriteTx) -> Result<(), StoreError> {
        tx.commit().await.map_err(query_error)?;
        self.written().await
    }

    /// Where a read runs.
    async fn reads(&self) -> Result<Taken, StoreError> {
        self.readers.take().await.map_err(query_error)
    }

    /// Where a write of one statement runs (it commits on its own); `written` acknowledges it.
    async fn writes(&self) -> Result<Taken, StoreError> {
        self.writer.take().await.map_err(query_error)
    }

    /// Returns once the writes committed so far are on disk.
    async fn written(&self) -> Result<(), StoreError> {
        self.wal.flush_after_commit().await
    }

    /// Nothing to do: a write transaction (`begin_write`) already holds the database's only write lock,
    /// so no other entry can be appended before this one commits.
    async fn lock_audit_chain(_tx: &mut WriteTx) -> Result<(), StoreError> {
        Ok(())
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn close(&self) {
        self.readers.close().await;
        self.writer.close().await;
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&mut *self.reads().await?).await.map_err(query_error)?;
        Ok(())
    }

    async fn seed_divisions(&self, counties: &[County], townships: &[Township]) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await.map_err(query_error)?;
        for county in counties {
            sqlx::query("INSERT INTO counties (code, name) VALUES (?, ?) ON CONFLICT (code) DO NOTHING")
                .bind(&county.code)
                .bind(&county.name)
                .execute(&mut *tx)
                .await
                .map_err(query_error)?;
        }
        let mut added = 0;
        for township in townships {
            added += sqlx::query(
                "INSERT INTO townships (code, name, county_code) VALUES (?, ?, ?) ON CONFLICT (code) DO NOTHING",
            )
            .bind(&township.code)
            .bind(&township.name)
            .bind(&township.county_code)
            .execute(&mut *tx)
            .await
            .map_err(query_error)?
            .rows_affected();
        }
        self.commit(tx).await?;
        Ok(added)
    }

    async fn counties(&self) -> Result<Vec<County>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as("SELECT code, name FROM counties ORDER BY code")
            .fetch_all(&mut *self.reads().await?)
            .await
            .map_err(query_error)?;
        Ok(rows.into_iter().map(|(code, name)| County { code, name }).collect())
    }

    async fn townships_in(&self, county_code: &str) -> Result<Vec<Township>, StoreError> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT code, name, county_code FROM townships WHERE county_code = ? ORDER BY code",
        )
        .bind(county_code)
        .fetch_all(&mut *self.reads().await?)
        .await
        .map_err(query_error)?;
        Ok(rows.into_iter().map(|(code, name, county_code)| Township { code, name, county_code }).collect())
    }

    async fn township_count(&self) -> Result<u64, StoreError> {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM townships")
            .fetch_one(&mut *self.reads().await?)
            .await
            .map_err(query_error)?;
        Ok(count as u64)
    }

    async fn hotlines(&self) -> Result<Vec<Hotline>, StoreError> {
        let rows: Vec<(i64, Option<String>, String, String)> = sqlx::query_as(
            "SELECT id, county_code, label, number FROM hotlines
             ORDER BY county_code IS NOT NULL, county_code, sort_order, id",
        )
        .fetch_all(&mut *self.reads().await?)
        .await
        .map_err(query_error)?;
        Ok(rows
            .into_iter()
            .map(|(id, county_code, label, number)| Hotline { id, county_code, label, number })
            .collect())
    }

    async fn seed_standards(&self, defaults: &[LocalStandards]) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await.map_err(query_error)?;
        let mut added = 0;
        for s in defaults {
            added += sqlx::query(
                "INSERT INTO local_standards (county_code, dibao_urban_monthly, dibao_rural_monthly,
                     disposable_income_urban_yearly, disposable_income_rural_yearly,
                     rigid_spending_share_percent, confirmed)
                 VALUES (?, ?, ?, ?, ?, ?, FALSE) ON CONFLICT (county_code) DO NOTHING",
            )
            .bind(&s.county_code)
            .bind(s.dibao_urban_monthly as i32)
            .bind(s.dibao_rural_monthly as i32)
            .bind(s.disposable_income_urban_yearly as i32)
            .bind(s.disposable_income_rural_yearly as i32)
            .bind(s.rigid_spending_share_percent as i32)
            .execute(&mut *tx)
            .await
            .map_err(query_error)?
            .rows_affected();
        }
        self.commit(tx).await?;
        Ok(added)
    }

    async fn local_standards(&self, county_code: &str) -> Result<Option<LocalStandards>, StoreError> {
        let row: Option<StandardsRow> = sqlx::query_as(
            "SELECT s.county_code, c.name, s.dibao_urban_monthly, s.dibao_rural_monthly,
                    s.disposable_income_urban_yearly, s.disposable_income_rural_yearly,
                    s.rigid_spending_share_percent, s.confirmed
             FROM local_standards s JOIN counties c ON c.code = s.county_code
             WHERE s.county_code = ?",
        )
        .bind(county_code)
        .fetch_optional(&mut *self.reads().await?)
        .await
        .map_err(query_error)?;
        Ok(row.map(standards_from_row))
    }

    async fn seed_guide(&self, pages: &[GuidePage]) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await.map_err(query_error)?;
        let mut added = 0;
        for page in pages {
            added += sqlx::query(
                "INSERT INTO guide_pages (slug, title, summary, body_markdown, sort_order)
                 VALUES (?, ?, ?, ?, ?) ON CONFLICT (slug) DO NOTHING",
            )
            .bind(&page.slug)
            .bind(&page.title)
            .bind(&page.summary)
            .bind(&page.body_markdown)
            .bind(page.sort_order)
            .execute(&mut *tx)
            .await
            .map_err(query_error)?
            .rows_affected();
        }
        self.commit(tx).await?;
        Ok(added)
    }

    async fn guide_pages(&self) -> Result<Vec<GuidePage>, StoreError> {
        let rows: Vec<GuideRow> = sqlx::query_as(
            "SELECT slug, title, summary, body_markdown, sort_order FROM guide_pages ORDER BY sort_order, slug",
        )
        .fetch_all(&mut *self.reads().await?)
        .await
        .map_err(query_error)?;
        Ok(rows.into_iter().map(guide_from_row).collect())
    }

    async fn guide_page(&self, slug: &str) -> Result<Option<GuidePage>, StoreError> {
        let row: Option<GuideRow> = sqlx::query_as(
            "SELECT slug, title, summary, body_markdown, sort_order FROM guide_pages WHERE slug = ?",
        )
        .bind(slug)
        .fetch_optional(&mut *self.reads().await?)
        .await
        .map_err(query_error)?;
        Ok(row.map(guide_from_row))
    }

    async fn create_staff(
        &self,
        new: &NewStaff,
        now: i64,
        audit: AuditOf<'_, i64>,
    ) -> Result<i64, StoreError> {
        admin_create_staff(self, new, now, audit).await
    }

    async fn staff_by_username(&self, username: &str) -> Result<Option<StaffAccount>, StoreError> {
        let row: Option<StaffRow> = sqlx::query_as(&format!("{STAFF_COLUMNS} WHERE username = ?"))
            .bind(username)
            .fetch_optional(&mut *self.reads().await?)
            .await
            .map_err(query_error)?;
        row.map(staff_from_row).transpose()
    }

    async fn staff_by_id(&self, id: i64) -> Result<Option<StaffAccount>, StoreError> {
        let row: Option<StaffRow> = sqlx::query_as(&format!("{STAFF_COLUMNS} WHERE id = ?"))
            .bind(id)
            .fetch_optional(&mut *self.reads().await?)
            .await
            .map_err(query_error)?;
        row.map(staff_from_row).transpose()
    }

    async fn otp_send_times(&self, phone_key: &str, since: i64) -> Result<Vec<i64>, StoreError> {
        let rows: Vec<(i64,)> =
            sqlx::query_as("SELECT created_at FROM otp_codes WHERE phone_key = ? AND created_at >= ?")
                .bind(phone_key)
                .bind(since)
                .fetch_all(&mut *self.reads().await?)
                .await
                .map_err(query_error)?;
        Ok(rows.into_iter().map(|(t,)| t).collect())
    }

    async fn latest_otp(&self, phone_key: &str) -> Result<Option<(IssuedCode, String)>, StoreError> {
        let row: Option<(i64, i64, i32, bool, String)> = sqlx::query_as(
            "SELECT id, created_at, attempts, used, code_hash FROM otp_codes
             WHERE phone_key = ? ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .bind(phone_key)
        .fetch_optional(&mut *self.reads().await?)
        .await
        .map_err(query_error)?;
        Ok(row.map(|(id, created_at, attempts, used, hash)| {
            (IssuedCode { id, created_at, attempts: u32::try_from(attempts).unwrap_or(u32::MAX), used }, hash)
        }))
    }

    async fn append_audit(&self, event: &AuditEvent) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await.map_err(query_error)?;
        let id = shared_append_audit(&mut tx, event).await?;
        self.commit(tx).await?;
        Ok(id)
    }

    async fn audit_records(&self) -> Result<Vec<AuditRecord>, StoreError> {
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT id, at, actor, action, subject, detail, prev_hash, hash FROM audit_log ORDER BY id",
        )
        .fetch_all(&mut *self.reads().await?)
        .await
        .map_err(query_error)?;
        Ok(rows.into_iter().map(audit_from_row).collect())
    }

    async fn anchor_audit_head(&self, anchor_key: &str, now: i64) -> Result<Option<i64>, StoreError> {
        audit_anchor_head(self, anchor_key, now).await
    }

    async fn audit_anchors(&self) -> Result<Vec<app::audit::AuditAnchor>, StoreError> {
        audit_all_anchors(self).await
    }

    async fn add_hotline(
        &self,
        county_code: Option<&str>,
        label: &str,
        number: &str,
        audit: AuditOf<'_, i64>,
    ) -> Result<i64, StoreError> {
        admin_add_hotline(self, county_code, label, number, audit).await
    }

    async fn remove_hotline(&self, id: i64, audit: &AuditEvent) -> Result<bool, StoreError> {
        admin_remove_hotline(self, id, audit).await
    }

    async fn all_standards(&self) -> Result<Vec<LocalStandards>, StoreError> {
        let rows: Vec<StandardsRow> = sqlx::query_as(
            "SELECT s.county_code, c.name, s.dibao_urban_monthly, s.dibao_rural_monthly,
                    s.disposable_income_urban_yearly, s.disposable_income_rural_yearly,
                    s.rigid_spending_share_percent, s.confirmed
             FROM local_standards s JOIN counties c ON c.code = s.county_code
             ORDER BY s.county_code",
        )
        .fetch_all(&mut *self.reads().await?)
        .await
        .map_err(query_error)?;
        Ok(rows.into_iter().map(standards_from_row).collect())
    }

    async fn confirm_standards(&self, s: &LocalStandards, audit: &AuditEvent) -> Result<bool, StoreError> {
        admin_confirm_standards(self, s, audit).await
    }

    async fn update_guide_page(&self, page: &GuidePage, audit: &AuditEvent) -> Result<bool, StoreError> {
        admin_update_guide_page(self, page, audit).await
    }
}

impl shared::HasDatabase for SqliteStore {
    type Db = sqlx::Sqlite;
    type WriteTx = WriteTx;
}

admin_queries!(SqliteStore);
audit_queries!(SqliteStore);
shared_queries!(SqliteStore);
report_queries!(SqliteStore);
referral_queries!(SqliteStore);
register_queries!(SqliteStore);
emergency_queries!(SqliteStore);
file_queries!(SqliteStore);
monitoring_queries!(SqliteStore);
sign_in_queries!(SqliteStore);
sealed_queries!(SqliteStore);
