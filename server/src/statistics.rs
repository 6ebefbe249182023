//! Keeps the published statistics fresh: each instance recomputes the snapshot once per refresh period
//! (the first time at start-up), so no public request pays for reading every application.

use app::services::Services;
use std::time::Duration;

/// Recomputes the statistics every `every` until the task is aborted.
pub fn spawn(services: Services, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let started = std::time::Instant::now();
            match app::features::statistics::refresh(&services, services.now()).await {
                Ok(_) => {
                    tracing::info!(took_ms = started.elapsed().as_millis() as u64, "statistics refreshed")
                }
                Err(e) => tracing::error!(error = %e, "statistics refresh"),
            }
        }
    })
}
