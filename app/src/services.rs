//! What the server hands to pages and server functions through Leptos' context.

use crate::domain::calendar::Calendar;
use crate::domain::region::{County, Hotline, Township};
use crate::domain::workflow::TimeLimits;
use crate::flash::FlashStore;
use crate::keyed_hash::KeyedHasher;
use crate::sealing::Sealer;
use crate::sms::SmsSender;
use crate::store::Store;
use leptos::prelude::*;
use std::sync::Arc;

#[derive(Clone)]
pub struct Services {
    pub store: Arc<dyn Store>,
    /// Every county with its townships, read once at start-up: they change only with a new seed.
    pub divisions: Arc<[(County, Vec<Township>)]>,
    /// Signs staff session tokens.
    pub session_secret: Arc<str>,
    /// Whether cookies carry the `Secure` flag.
    pub secure_cookies: bool,
    /// Failed forms' typed values and errors, kept in the database between a post and the next page.
    pub flash: Arc<FlashStore>,
    pub hasher: Arc<KeyedHasher>,
    /// Seals personal data before it is stored.
    pub sealer: Arc<Sealer>,
    pub time_limits: TimeLimits,
    /// Review periods and phase-out limits of the register of assisted households.
    pub review_rules: crate::domain::register::ReviewRules,
    /// The township's limit for 先行救助 and the working days it has to complete the file.
    pub emergency_rules: crate::domain::emergency::EmergencyRules,
    /// Thresholds and visit deadlines of the monitoring's warnings.
    pub warning_rules: crate::domain::monitoring::WarningRules,
    /// How often the published statistics are recomputed; 0: on every request.
    pub statistics_refresh_seconds: u64,
    pub sms: Arc<dyn SmsSender>,
    /// The hotlines of every page's footer, read once per period instead of on every page.
    pub hotlines: Arc<Kept<Vec<Hotline>>>,
    /// The working-day calendar, read once per period instead of for every deadline.
    pub calendar: Arc<Kept<Arc<Calendar>>>,
    /// The time every page, handler and background job reads.
    pub clock: Arc<dyn Clock>,
}

impl Services {
    /// Seconds since the Unix epoch, by the services' clock.
    pub fn now(&self) -> i64 {
        self.clock.unix_now()
    }

    /// The footer's hotlines.
    pub async fn hotlines(&self) -> Result<Vec<Hotline>, crate::store::StoreError> {
        self.hotlines.get(|| self.store.hotlines()).await
    }

    /// The working-day calendar as the administrator maintains it, which every deadline is counted on.
    pub async fn working_calendar(&self) -> Result<Arc<Calendar>, crate::store::StoreError> {
        self.calendar
            .get(|| async { Ok(Arc::new(crate::store::working_calendar(self.store.as_ref()).await?)) })
            .await
    }
}

/// Where the portal reads the time. A trait so that tests can move time forward (a notice period
/// ending, a review falling due, a code expiring) without writing dates into the database.
pub trait Clock: Send + Sync {
    /// Seconds since the Unix epoch.
    fn unix_now(&self) -> i64;
}

/// The machine's clock: the one the server runs on.
pub struct SystemClock;

impl Clock for SystemClock {
    fn unix_now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }
}

/// A value read from the store and kept for `lifetime` (the page cache's period: other instances show an
/// administrator's change within it, this one at once through `forget`): the footer's hotlines, read for
/// every page, and the working-day calendar, read for every deadline. Hand-written: one value and a time,
/// nothing a cache crate would add.
pub struct Kept<T> {
    lifetime: std::time::Duration,
    kept: std::sync::Mutex<KeptValue<T>>,
}

/// The value and when it was read; `forgotten` counts the changes, so that a read that began before a
/// change is not kept after it (it may hold the value from before).
struct KeptValue<T> {
    forgotten: u64,
    value: Option<(std::time::Instant, T)>,
}

impl<T: Clone> Kept<T> {
    pub fn new(lifetime: std::time::Duration) -> Self {
        Self { lifetime, kept: std::sync::Mutex::new(KeptValue { forgotten: 0, value: None }) }
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, KeptValue<T>> {
        self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The kept value while it is fresh, without reading it.
    pub fn fresh(&self) -> Option<T> {
        self.fresh_in(&self.kept())
    }

    fn fresh_in(&self, kept: &KeptValue<T>) -> Option<T> {
        let (at, value) = kept.value.as_ref()?;
        (at.elapsed() < self.lifetime).then(|| value.clone())
    }

    /// The kept value while it is fresh; otherwise what `read` reads, kept from now.
    pub async fn get<F>(&self, read: impl FnOnce() -> F) -> Result<T, crate::store::StoreError>
    where
        F: std::future::Future<Output = Result<T, crate::store::StoreError>>,
    {
        let forgotten = {
            let kept = self.kept();
            if let Some(value) = self.fresh_in(&kept) {
                return Ok(value);
            }
            kept.forgotten
        };
        let value = read().await?;
        let mut kept = self.kept();
        if kept.forgotten == forgotten {
            kept.value = Some((std::time::Instant::now(), value.clone()));
        }
        Ok(value)
    }

    /// After a change on this instance: the next use reads the value again.
    pub fn forget(&self) {
        let mut kept = self.kept();
        kept.forgotten += 1;
        kept.value = None;
    }
}

/// The services of the running server; a missing context is a wiring bug, reported as a server error.
pub fn services() -> Result<Services, ServerFnError> {
    use_context::<Services>().ok_or_else(|| ServerFnError::new("services missing from context"))
}
