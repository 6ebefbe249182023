//! The global per-IP request budget (tower_governor). Routes that need tighter limits (SMS codes, receipt
//! checks) add their own on top.

use super::client::{ClientAddr, ClientKeyExtractor};
use super::static_pages::{internal_error, too_many_requests};
use crate::config::Config;
use axum::{
    body::Body,
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use governor::clock::Clock;
use governor::{clock::QuantaInstant, middleware::NoOpMiddleware};
use std::num::NonZeroU32;
use std::{sync::Arc, time::Duration};
use tower_governor::{governor::GovernorConfigBuilder, GovernorError, GovernorLayer};

pub type PerIpLayer = GovernorLayer<ClientKeyExtractor, NoOpMiddleware<QuantaInstant>, Body>;

/// Builds the limiter once at start-up and starts the task that forgets idle addresses, so that memory
/// does not grow with every visitor. Needs `client::identify` in front.
pub fn per_ip_layer(config: &Config) -> PerIpLayer {
    layer(config.rate_limit_burst, config.rate_limit_refill_ms)
}

/// Requests for SMS codes cost money and can be used to pester someone: a tight per-IP budget on top of
/// the per-phone limits.
pub fn sms_per_ip_layer(config: &Config) -> PerIpLayer {
    layer(config.sms_ip_burst, config.sms_ip_refill_seconds * 1000)
}

/// A budget of requests per client address, kept in memory only (the report flow must not store
/// addresses). Idle addresses are forgotten every minute so memory does not grow with every visitor.
pub type IpBudget = Budget<ClientAddr>;

/// A budget of requests per key (a client address, an API credential), in memory, per instance.
#[derive(Clone)]
pub struct Budget<K: std::hash::Hash + Eq + Clone + Send + Sync + 'static>(
    Arc<governor::DefaultKeyedRateLimiter<K>>,
);

impl<K: std::hash::Hash + Eq + Clone + Send + Sync + 'static> Budget<K> {
    /// `burst` requests at once, refilled at one per `period / burst`.
    pub fn new(burst: u32, period: Duration) -> Self {
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        let quota = governor::Quota::with_period(period / burst.get())
            .unwrap_or_else(|| governor::Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst);
        let limiter = Arc::new(governor::RateLimiter::keyed(quota));
        let idle = limiter.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                idle.retain_recent();
            }
        });
        Self(limiter)
    }

    /// Spends one request; `Err(seconds to wait)` when the budget is used up.
    pub fn spend(&self, key: K) -> Result<(), u64> {
        self.0.check_key(&key).map_err(|not_until| {
            not_until.wait_time_from(governor::clock::DefaultClock::default().now()).as_secs().max(1)
        })
    }
}

/// The public lists of named (masked) households: a page costs nothing to serve but the list must
/// not be copied in bulk, so each address gets a small budget of list pages.
#[derive(Clone)]
pub struct ListLimiter(IpBudget);

/// The paths that serve list pages (the page and the server function behind it).
const LIST_PATHS: [&str; 2] = ["/notices/recipients", "/api/public-recipients"];

impl ListLimiter {
    pub fn new(config: &Config) -> Self {
        Self(IpBudget::new(config.list_pages_per_minute, Duration::from_secs(60)))
    }
}

pub async fn limit_lists(
    State(limiter): State<ListLimiter>,
    client: ClientAddr,
    request: Request,
    next: Next,
) -> Response {
    if LIST_PATHS.contains(&request.uri().path()) {
        if let Err(wait) = limiter.0.spend(client) {
            return too_many_requests(wait);
        }
    }
    next.run(request).await
}

fn layer(burst: u32, refill_ms: u64) -> PerIpLayer {
    let governor = GovernorConfigBuilder::default()
        .key_extractor(ClientKeyExtractor)
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
