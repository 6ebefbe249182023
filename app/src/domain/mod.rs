//! Pure domain rules: no I/O, no framework types. Shared by the server and the browser.

pub mod announcement;
pub mod application;
pub mod assistance;
pub mod calendar;
pub mod declaration;
pub mod documents;
pub mod eligibility;
pub mod emergency;
pub mod guide;
pub mod helper;
pub mod id_number;
pub mod masking;
pub mod monitoring;
pub mod notice;
pub mod otp;
pub mod person_name;
pub mod phone;
pub mod preferences;
pub mod referral;
pub mod region;
pub mod register;
pub mod report;
pub mod staff;
pub mod stats;
pub mod upload;
pub mod workflow;
