//! PostgreSQL back end, for deployments that outgrow one machine: several server processes on one
//! database. The queries are written once for both back ends (the `*_queries!` macros); this file holds
//! only what differs: the pool, the write transaction and the audit chain's lock across processes.

use super::emergency;
use super::files;
use super::monitoring;
use super::referrals;
use super::register;
use super::reports;
use super::sealed;
use super::shared;
use super::staff;
use super::{
    audit_from_row, guide_from_row, staff_from_row, standards_from_row, unique_violation, AuditRow, GuideRow,
    StaffRow, StandardsRow, STAFF_COLUMNS, STANDARDS_SELECT,
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
use sqlx::postgres::{PgPool, PgPoolOptions};
use std::time::Duration;

pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Unavailable(format!("migration failed: {e}")))?;
        Ok(Self { pool })
    }
}

impl PostgresStore {
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.pool.begin().await
    }

    /// Commits a write transaction (PostgreSQL flushes its log at commit, grouping simultaneous commits).
    async fn commit(&self, tx: sqlx::Transaction<'static, sqlx::Postgres>) -> Result<(), StoreError> {
        tx.commit().await.map_err(StoreError::from)
    }

    /// Where a read runs.
    async fn reads(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, StoreError> {
        self.pool.acquire().await.map_err(StoreError::from)
    }

    /// Where a write of one statement runs (it commits on its own); `written` acknowledges it.
    async fn writes(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, StoreError> {
        self.pool.acquire().await.map_err(StoreError::from)
    }

    /// Nothing to wait for: PostgreSQL flushed the statement's commit before answering it.
    async fn written(&self) -> Result<(), StoreError> {
        Ok(())
    }

    /// One writer of the audit chain at a time across every server process, until the transaction ends.
    async fn lock_audit_chain(tx: &mut sqlx::Transaction<'_, sqlx::Postgres>) -> Result<(), StoreError> {
        sqlx::query("SELECT pg_advisory_xact_lock(7271)").execute(&mut **tx).await?;
        Ok(())
    }

    async fn close_connections(&self) {
        self.pool.close().await;
    }
}

impl shared::HasDatabase for PostgresStore {
    type Db = sqlx::Postgres;
    type WriteTx = sqlx::Transaction<'static, sqlx::Postgres>;
}

admin_queries!(PostgresStore);
audit_queries!(PostgresStore);
shared_queries!(PostgresStore);
report_queries!(PostgresStore);
referral_queries!(PostgresStore);
register_queries!(PostgresStore);
emergency_queries!(PostgresStore);
file_queries!(PostgresStore);
monitoring_queries!(PostgresStore);
staff_queries!(PostgresStore);
sealed_queries!(PostgresStore);
store_queries!(PostgresStore);
