//! Anchors the audit chain's head while the server runs (see `app::audit::AuditAnchor`): every
//! `audit_anchor_seconds`, and once at start, each instance writes a signed copy of the head when it
//! moved, so that deleting the newest entries is found by `server verify-audit`.

use crate::config::Secret;
use app::store::Store;
use std::{sync::Arc, time::Duration};

pub fn spawn(store: Arc<dyn Store>, key: Secret, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(e) = store.anchor_audit_head(key.expose(), app::services::unix_now()).await {
                tracing::error!(error = %e, "anchoring the audit log failed");
            }
        }
    })
}
