//! 公开统计 as a use case: the statistics are computed from every application in batches, stored as one
//! snapshot, and the public pages read the snapshot, so a page costs the same at any number of
//! applications. Every instance refreshes the snapshot in the background; the figures are at most one
//! refresh period old, and the page says when they were computed.

use crate::domain::stats::{Statistics, Tallies};
use crate::services::Services;
use crate::store::StoreError;

/// Applications read per query while computing.
const BATCH: u32 = 5_000;

/// The published statistics and when they were computed (seconds since the epoch).
#[derive(Clone, Debug)]
pub struct Published {
    pub statistics: Statistics,
    pub computed_at: i64,
}

/// Computes the statistics from every application.
pub async fn compute(services: &Services) -> Result<Statistics, StoreError> {
    let calendar = services.working_calendar().await?;
    let mut tallies = Tallies::default();
    let mut after = 0;
    loop {
        let batch = services.store.statistics_facts_after(after, BATCH).await?;
        let Some((last, _)) = batch.last() else { break };
        after = *last;
        for (_, facts) in &batch {
            tallies.add(facts, &calendar);
        }
    }
    let today = crate::domain::calendar::Date::today_in_china(services.now());
    let register = services.store.register_tallies(today).await?;
    for (township, category, state, _, count) in &register {
        tallies.add_register(township, category, state, *count);
    }
    let mut statistics = tallies.statistics(&services.divisions);
    statistics.register = crate::domain::stats::register_summary(&register);
    statistics.monitored = crate::domain::stats::monitored_summary(&services.store.monitored_counts().await?);
    Ok(statistics)
}

/// Computes the statistics and stores them as the published snapshot.
pub async fn refresh(services: &Services, now: i64) -> Result<Published, StoreError> {
    let statistics = compute(services).await?;
    let body = serde_json::to_string(&statistics).expect("statistics serialise to JSON");
    services.store.save_statistics_snapshot(now, &body).await?;
    Ok(Published { statistics, computed_at: now })
}

/// What `/stats` and `/stats.csv` show: the snapshot, or fresh figures when there is none yet or when
/// the refresh period is 0.
pub async fn published(services: &Services, now: i64) -> Result<Published, StoreError> {
    if services.statistics_refresh_seconds > 0 {
        if let Some((computed_at, body)) = services.store.statistics_snapshot().await? {
            let statistics = serde_json::from_str(&body)
                .map_err(|e| StoreError::InvalidData(format!("statistics snapshot: {e}")))?;
            return Ok(Published { statistics, computed_at });
        }
    }
    refresh(services, now).await
}
