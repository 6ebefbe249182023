//! The global per-IP request budget (tower_governor). Routes that need tighter limits (SMS codes, receipt
//! checks) add their own on top.

use super::static_pages::{internal_error, too_many_requests};
use crate::config::Config;
use axum::body::Body;
use governor::{clock::QuantaInstant, middleware::NoOpMiddleware};
use std::{sync::Arc, time::Duration};
use tower_governor::{
    governor::GovernorConfigBuilder, key_extractor::PeerIpKeyExtractor, GovernorError, GovernorLayer,
};

pub type PerIpLayer = GovernorLayer<PeerIpKeyExtractor, NoOpMiddleware<QuantaInstant>, Body>;

/// Builds the limiter once at start-up and starts the task that forgets idle addresses, so that memory
/// does not grow with every visitor. Needs `into_make_service_with_connect_info::<SocketAddr>()`.
pub fn per_ip_layer(config: &Config) -> PerIpLayer {
    layer(config.rate_limit_burst, config.rate_limit_refill_ms)
}

/// Requests for SMS codes cost money and can be used to pester someone: a tight per-IP budget on top of
/// the per-phone limits.
pub fn sms_per_ip_layer(config: &Config) -> PerIpLayer {
    layer(config.sms_ip_burst, config.sms_ip_refill_seconds * 1000)
}

fn layer(burst: u32, refill_ms: u64) -> PerIpLayer {
    let governor = GovernorConfigBuilder::default()
        .per_millisecond(refill_ms)
        .burst_size(burst)
        .finish()
        .expect("limits are checked positive when the configuration is loaded");
    let governor = Arc::new(governor);
    let limiter = governor.limiter().clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            limiter.retain_recent();
        }
    });
    GovernorLayer::new(governor).error_handler(|error| match error {
        GovernorError::TooManyRequests { wait_time, .. } => too_many_requests(wait_time.max(1)),
        other => {
            tracing::error!(error = %other, "rate limiter could not identify the client");
            internal_error()
        }
    })
}
