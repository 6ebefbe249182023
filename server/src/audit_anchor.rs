//! Anchors the audit chain's head while the server runs (see `app::audit::AuditAnchor`): every
//! `audit_anchor_seconds`, and once at start, each instance writes a signed copy of the head when it
//! moved, so that deleting the newest entries is found by `server verify-audit`.

use crate::config::Secret;
use app::services::Services;
use std::time::Duration;

pub fn spawn(services: Services, key: Secret, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(e) = services.store.anchor_audit_head(key.expose(), services.now()).await {
                tracing::error!(error = %e, "anchoring the audit log failed");
            }
        }
    })
}
