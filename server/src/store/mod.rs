//! Storage back ends behind `app::store::Store`: SQLite (embedded default) and PostgreSQL, chosen by the
//! scheme of the database URL. Each has its own migrations under `migrations/<backend>/`.

#[macro_use]
mod shared;
#[macro_use]
mod admin;
#[macro_use]
mod audit;
#[macro_use]
mod emergency;
#[macro_use]
mod files;
#[macro_use]
mod monitoring;
#[macro_use]
mod referrals;
#[macro_use]
mod staff;
#[macro_use]
mod reports;
#[macro_use]
mod register;
#[macro_use]
mod sealed;
#[macro_use]
mod store_queries;
pub mod page_queries;
mod postgres;
pub mod seed;
mod sqlite;
mod sqlite_connections;
mod wal_sync;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

use app::audit::{AuditEvent, AuditRecord};
use app::domain::eligibility::LocalStandards;
use app::domain::guide::GuidePage;
use app::domain::staff::{Role, StaffIdentity};
use app::store::{StaffAccount, Store, StoreError};
use std::{path::Path, sync::Arc};

/// Opens the database named by `url`, applies pending migrations and seeds the reference data.
pub async fn open(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    let store: Arc<dyn Store> = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Arc::new(PostgresStore::connect(url).await?)
    } else if url.starts_with("sqlite:") {
        Arc::new(SqliteStore::connect(url).await?)
    } else {
        return Err(StoreError::Unavailable("DATABASE_URL must start with sqlite:// or postgres://".into()));
    };
    let (counties, townships) = seed::zhangye_divisions()?;
    let added = store.seed_divisions(&counties, &townships).await?;
    if added > 0 {
        tracing::info!(added, "seeded township reference data");
    }
    let added = store.seed_standards(&seed::default_standards()?).await?;
    if added > 0 {
        tracing::warn!(
            added,
            "seeded unconfirmed default local standards: an administrator must confirm them"
        );
    }
    let added = store.seed_calendar(&seed::calendar_days()?).await?;
    if added > 0 {
        tracing::info!(added, "seeded the holiday calendar");
    }
    let added = store.seed_guide(&seed::guide_pages()?).await?;
    if added > 0 {
        tracing::info!(added, "seeded policy guide pages");
    }
    Ok(store)
}

/// Creates the folder that will hold a SQLite file, so that a first start needs no manual step.
fn ensure_parent_dir(file: &Path) -> Result<(), StoreError> {
    match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Unavailable(format!("cannot create {}: {e}", dir.display()))),
        _ => Ok(()),
    }
}

/// The local standards with their county's name; a statement adds its `WHERE` or `ORDER BY`.
const STANDARDS_SELECT: &str = "SELECT s.county_code, c.name AS county_name, s.dibao_urban_monthly,
        s.dibao_rural_monthly, s.disposable_income_urban_yearly, s.disposable_income_rural_yearly,
        s.rigid_spending_share_percent, s.confirmed
     FROM local_standards s JOIN counties c ON c.code = s.county_code";

#[derive(sqlx::FromRow)]
struct StandardsRow {
    county_code: String,
    county_name: String,
    dibao_urban_monthly: i32,
    dibao_rural_monthly: i32,
    disposable_income_urban_yearly: i32,
    disposable_income_rural_yearly: i32,
    rigid_spending_share_percent: i32,
    confirmed: bool,
}

fn standards_from_row(row: StandardsRow) -> LocalStandards {
    let amount = |v: i32| u32::try_from(v).unwrap_or(0);
    LocalStandards {
        county_code: row.county_code,
        county_name: row.county_name,
        dibao_urban_monthly: amount(row.dibao_urban_monthly),
        dibao_rural_monthly: amount(row.dibao_rural_monthly),
        disposable_income_urban_yearly: amount(row.disposable_income_urban_yearly),
        disposable_income_rural_yearly: amount(row.disposable_income_rural_yearly),
        rigid_spending_share_percent: amount(row.rigid_spending_share_percent),
        confirmed: row.confirmed,
    }
}

#[derive(sqlx::FromRow)]
struct GuideRow {
    slug: String,
    title: String,
    summary: String,
    body_markdown: String,
    sort_order: i32,
}

fn guide_from_row(row: GuideRow) -> GuidePage {
    let GuideRow { slug, title, summary, body_markdown, sort_order } = row;
    GuidePage { slug, title, summary, body_markdown, sort_order }
}

const STAFF_COLUMNS: &str =
    "SELECT id, username, display_name, role, scope, password_hash, session_version FROM staff_accounts";

/// A staff account as `STAFF_COLUMNS` and `staff::STAFF_BY_SESSION` select it.
#[derive(sqlx::FromRow)]
struct StaffRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    scope: String,
    password_hash: String,
    session_version: i64,
}

fn staff_from_row(row: StaffRow) -> Result<StaffAccount, StoreError> {
    let StaffRow { id, username, display_name, role, scope, password_hash, session_version } = row;
    let role =
        Role::from_key(&role).ok_or_else(|| StoreError::InvalidData(format!("unknown staff role {role}")))?;
    Ok(StaffAccount {
        identity: StaffIdentity { id, username, display_name, role, scope },
        password_hash,
        session_version,
    })
}

/// A unique-key violation means the name is taken; anything else is a query failure.
fn unique_violation(e: sqlx::Error, what: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what.to_string()),
        _ => StoreError::from(e),
    }
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: i64,
    actor: String,
    action: String,
    subject: String,
    detail: String,
    prev_hash: String,
    hash: String,
}

fn audit_from_row(row: AuditRow) -> AuditRecord {
    let AuditRow { id, at, actor, action, subject, detail, prev_hash, hash } = row;
    AuditRecord { id, event: AuditEvent { at, actor, action, subject, detail }, prev_hash, hash }
}
