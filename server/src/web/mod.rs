//! HTTP plumbing around the Leptos pages: middleware, small handlers and the plain error pages.

pub mod admin;
pub mod api;
pub mod application;
pub mod cases;
pub mod client;
pub mod declaration;
mod downloads;
pub mod emergency;
pub mod form_bodies;
#[cfg(test)]
mod form_properties;
pub mod health;
pub mod identity;
pub mod imports;
pub mod ledgers;
pub mod monitoring;
pub mod notices;
pub mod overload;
pub mod page_cache;
pub mod papers;
pub mod preferences;
pub mod rate_limit;
pub mod register;
pub mod reports;
pub mod respond;
pub mod review;
pub mod security;
pub mod sessions;
pub mod sms_codes;
pub mod static_pages;
pub mod stats;
pub mod status;
