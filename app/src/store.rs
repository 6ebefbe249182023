//! The storage interface. The server crate implements it for SQLite (the embedded default) and PostgreSQL;
//! server functions only ever see this trait.

use crate::domain::eligibility::LocalStandards;
use crate::domain::guide::GuidePage;
use crate::domain::region::{County, Hotline, Township};
use async_trait::async_trait;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database query failed: {0}")]
    Query(String),
    #[error("invalid reference data: {0}")]
    InvalidData(String),
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Waits for running queries and closes the connections (SQLite checkpoints its journal).
    async fn close(&self);

    /// Succeeds when the database answers a trivial query (readiness probe).
    async fn ping(&self) -> Result<(), StoreError>;

    /// Inserts the counties and townships that are not there yet; existing rows are kept as they are.
    /// Returns how many townships were added.
    async fn seed_divisions(&self, counties: &[County], townships: &[Township]) -> Result<u64, StoreError>;

    async fn counties(&self) -> Result<Vec<County>, StoreError>;

    async fn townships_in(&self, county_code: &str) -> Result<Vec<Township>, StoreError>;

    async fn township_count(&self) -> Result<u64, StoreError>;

    /// The hotlines in display order: the city line first, then the counties'.
    async fn hotlines(&self) -> Result<Vec<Hotline>, StoreError>;

    /// Inserts default local standards for counties that have none; rows already there (possibly edited
    /// by an administrator) are kept. Returns how many were added.
    async fn seed_standards(&self, defaults: &[LocalStandards]) -> Result<u64, StoreError>;

    /// The local standards of one county, with the county's name.
    async fn local_standards(&self, county_code: &str) -> Result<Option<LocalStandards>, StoreError>;

    /// Inserts the guide pages whose slug is not there yet; pages already there are kept as edited.
    async fn seed_guide(&self, pages: &[GuidePage]) -> Result<u64, StoreError>;

    /// All guide pages in reading order.
    async fn guide_pages(&self) -> Result<Vec<GuidePage>, StoreError>;

    async fn guide_page(&self, slug: &str) -> Result<Option<GuidePage>, StoreError>;
}
