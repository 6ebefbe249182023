//! SQLite back end: one file under the data folder, WAL journal. Reads take one of a fixed set of
//! connections; every write goes through one writer connection, queued in order (SQLite takes one writer at
//! a time, and writers that meet its lock sleep in its busy handler instead of waiting their turn). A write
//! is acknowledged once the log is on disk (`wal_sync`), so it survives a crash or a power cut. The queries
//! are written once for both back ends (the `*_queries!` macros).

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
    audit_from_row, ensure_parent_dir, guide_from_row, staff_from_row, standards_from_row, unique_violation,
    AuditRow, GuideRow, StaffRow, StandardsRow, STAFF_COLUMNS, STANDARDS_SELECT,
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
        tx.commit().await?;
        self.written().await
    }

    /// Where a read runs.
    async fn reads(&self) -> Result<Taken, StoreError> {
        self.readers.take().await.map_err(StoreError::from)
    }

    /// Where a write of one statement runs (it commits on its own); `written` acknowledges it.
    async fn writes(&self) -> Result<Taken, StoreError> {
        self.writer.take().await.map_err(StoreError::from)
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

    async fn close_connections(&self) {
        self.readers.close().await;
        self.writer.close().await;
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
staff_queries!(SqliteStore);
sealed_queries!(SqliteStore);
store_queries!(SqliteStore);
