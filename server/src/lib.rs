//! The portal's server: configuration, start-up, HTTP plumbing and the storage back ends.

pub mod audit_anchor;
pub mod backup;
pub mod cli;
pub mod config;
pub mod documents;
pub mod key_rotation;
pub mod notifications;
pub mod serving;
pub mod sms;
pub mod startup;
pub mod statistics;
pub mod store;
pub mod telemetry;
pub mod uploads;
pub mod web;
