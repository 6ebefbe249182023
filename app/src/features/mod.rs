//! Use cases, one module per product feature. Who may do what, loading, workflow and audit are written
//! here once; the pages' server functions (reads) and the server's form handlers (writes) both call them
//! and only translate between HTTP and these typed operations.

pub mod administration;
pub mod application;
pub mod case_papers;
pub mod cases;
pub mod declaration;
pub mod emergency;
pub mod exchange;
pub mod households;
pub mod ledgers;
pub mod monitoring;
pub mod objections;
pub mod receipts;
pub mod register;
pub mod rolls;
pub mod sign_in;
pub mod staff_accounts;
pub mod statistics;
