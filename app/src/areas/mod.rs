//! One module per product area; each keeps its pages and server functions together.

pub mod admin;
pub mod announcements;
pub mod application;
pub mod apply;
pub mod cases;
pub mod contact;
pub mod declaration;
pub mod emergency;
pub mod guide;
pub mod home;
pub mod households;
pub mod identity;
pub mod monitoring;
pub mod not_found;
pub mod notices;
pub mod referrals;
pub mod register;
pub mod report;
pub mod report_handling;
pub mod review;
pub mod staff_accounts;
pub mod stats;
pub mod status;

/// A page's read that failed: the cause goes to the log under `area`, the page says `message`.
#[cfg(feature = "ssr")]
pub fn read_failed(
    area: &str,
    message: &str,
    cause: impl std::fmt::Display,
) -> leptos::prelude::ServerFnError {
    leptos::logging::error!("{area}: {cause}");
    leptos::prelude::ServerFnError::new(message)
}
