//! The integration tests over real HTTP and the store suite, as one test binary: one link instead of one
//! per file. `durability.rs` stays a binary of its own: it runs the release server as a process and
//! its long run is asked for by name (`--test durability`); so does `memory.rs`, which reads its own
//! process's memory and must not count the tests running beside it.

mod admin;
mod application;
mod apply;
mod audit;
mod backup;
mod cases;
mod common;
mod emergency;
mod exchange;
mod guide;
mod identity;
mod instances;
mod notices;
mod referrals;
mod register;
mod reports;
mod review;
mod site;
mod sms_gateway;
mod stalls;
mod stats;
mod status;
mod store;
