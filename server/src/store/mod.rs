//! Storage back ends behind `app::store::Store`: SQLite (embedded default) and PostgreSQL, chosen by the
//! scheme of the database URL. Each has its own migrations under `migrations/<backend>/`.

mod postgres;
pub mod seed;
mod sqlite;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

use app::store::{Store, StoreError};
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

fn query_error(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            StoreError::Unavailable(e.to_string())
        }
        other => StoreError::Query(other.to_string()),
    }
}
