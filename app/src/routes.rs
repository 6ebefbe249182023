//! The paths that both crates name: the server's routes for form posts and files, and the pages' forms
//! and links to them, written once. (A page's own route is a literal in `app/src/lib.rs`: Leptos' `path!`
//! takes literals only.)

pub const ADMIN_ANNOUNCEMENTS: &str = "/admin/announcements";
pub const ADMIN_ANNOUNCEMENTS_REMOVE: &str = "/admin/announcements/remove";
pub const ADMIN_API_CREDENTIALS: &str = "/admin/api-credentials";
pub const ADMIN_API_CREDENTIALS_REVOKE: &str = "/admin/api-credentials/revoke";
pub const ADMIN_CALENDAR: &str = "/admin/calendar";
pub const ADMIN_CALENDAR_REMOVE: &str = "/admin/calendar/remove";
pub const ADMIN_EVENTS_IMPORT: &str = "/admin/events-import";
pub const ADMIN_GUIDE: &str = "/admin/guide";
pub const ADMIN_HOTLINES: &str = "/admin/hotlines";
pub const ADMIN_HOTLINES_REMOVE: &str = "/admin/hotlines/remove";
pub const ADMIN_ROLL_IMPORT: &str = "/admin/roll-import";
pub const ADMIN_STAFF: &str = "/admin/staff";
pub const ADMIN_STAFF_RELATIVES: &str = "/admin/staff-relatives";
pub const ADMIN_STANDARDS: &str = "/admin/standards";
pub const API_V1_OPENAPI_JSON: &str = "/api/v1/openapi.json";
pub const APPLY_DOCUMENTS: &str = "/apply/documents";
pub const APPLY_DOCUMENTS_REMOVE: &str = "/apply/documents/remove";
pub const APPLY_HELPER_CODE: &str = "/apply/helper/code";
pub const APPLY_IDENTITY_CODE: &str = "/apply/identity/code";
pub const APPLY_IDENTITY_VERIFY: &str = "/apply/identity/verify";
pub const APPLY_SUBMIT: &str = "/apply/submit";
pub const PREFERENCES_ELDER_MODE: &str = "/preferences/elder-mode";
pub const REPORT: &str = "/report";
pub const REPORT_CHECK: &str = "/report/check";
pub const REPORT_CONFIRM: &str = "/report/confirm";
pub const REPORT_LEAVE: &str = "/report/leave";
pub const REPORT_REPLY: &str = "/report/reply";
pub const REVIEW_LOGIN: &str = "/review/login";
pub const REVIEW_LOGOUT: &str = "/review/logout";
pub const REVIEW_PASSWORD: &str = "/review/password";
pub const REVIEW_VISITS: &str = "/review/visits";
pub const STATS_CSV: &str = "/stats.csv";
pub const STATUS_CHANGE_DETAILS: &str = "/status/change/details";
pub const STATUS_CHANGE_KIND: &str = "/status/change/kind";
pub const STATUS_CHANGE_SUBMIT: &str = "/status/change/submit";
pub const STATUS_CODE: &str = "/status/code";
pub const STATUS_MATERIAL: &str = "/status/material";
pub const STATUS_VERIFY: &str = "/status/verify";
pub const STATUS_VIEW: &str = "/status/view";
pub const STATUS_WITHDRAW: &str = "/status/withdraw";
