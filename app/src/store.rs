//! The storage interface. The server crate implements it for SQLite (the embedded default) and PostgreSQL;
//! server functions only ever see this trait.

use crate::audit::{AuditEvent, AuditRecord};
use crate::domain::assistance::AssistanceType;
use crate::domain::calendar::{Date, DayKind};
use crate::domain::eligibility::LocalStandards;
use crate::domain::guide::GuidePage;
use crate::domain::otp::IssuedCode;
use crate::domain::region::{County, Hotline, Township};
use crate::domain::report::{ReportStatus, Suspicion};
use crate::domain::staff::{Role, StaffIdentity};
use crate::domain::workflow::Status;
use async_trait::async_trait;

/// A staff account as stored, with what sign-in needs.
#[derive(Clone, Debug)]
pub struct StaffAccount {
    pub identity: StaffIdentity,
    pub password_hash: String,
    /// Bumped by a password change, which ends every session signed in before it.
    pub session_version: i64,
}

/// What creating an account needs; the password is already hashed.
#[derive(Clone, Debug)]
pub struct NewStaff {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub scope: String,
}

/// An application as the queues and the status page see it. Personal data stays in `sealed`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplicationRecord {
    pub id: i64,
    pub reference: String,
    /// Keyed hash of the applicant's phone number.
    pub phone_key: String,
    pub county_code: String,
    pub township_code: String,
    pub village: String,
    pub types: Vec<AssistanceType>,
    pub emergency: bool,
    pub household_size: u32,
    pub status: Status,
    pub submitted_at: i64,
    pub acceptance_due: Date,
    pub decision_due: Date,
    /// The sealed `domain::application::Draft` as submitted.
    pub sealed: String,
    /// The applicant's name masked (`masking::mask_name`), kept beside the draft so that the status page
    /// unseals nothing; `None` for applications submitted before it was kept.
    pub applicant_masked: Option<String>,
    /// 元 per month: proposed by the township, then as approved.
    pub monthly_amount: Option<u32>,
    /// Last day of the public notice, once published.
    pub notice_until: Option<Date>,
    /// Drawn for the county's re-check home visit.
    pub recheck_drawn: bool,
}

/// A public notice entry: only what may be published, already masked.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NoticeEntry {
    pub application_id: i64,
    pub county_code: String,
    pub township_code: String,
    pub village: String,
    pub head_name_masked: String,
    pub household_size: u32,
    pub types: Vec<AssistanceType>,
    pub monthly_amount: u32,
    pub published_from: Date,
    pub published_until: Date,
}

/// An objection to a notice entry, as filed.
#[derive(Clone, Debug)]
pub struct NewObjection {
    pub application_id: i64,
    pub reason: String,
    /// Sealed name and phone, when the objector chose to leave them.
    pub contact_sealed: Option<String>,
    pub receipt_hash: String,
    pub created_at: i64,
    /// (SHA-256, content type, size) of the evidence files, already on disk.
    pub files: Vec<(String, String, u64)>,
}

/// An objection as staff see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Objection {
    pub reason: String,
    pub contact_sealed: Option<String>,
    pub created_at: i64,
}

/// What the public recipient list is asked for: one township, optionally narrowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecipientQuery {
    pub township_code: String,
    /// The day the list is for: a phase-out that ended before it is not listed.
    pub today: Date,
    /// Part of the village or community name.
    pub village: String,
    /// A masked name exactly as listed (张*三).
    pub masked_name: String,
    /// An assistance type key.
    pub kind: String,
    pub offset: u32,
    pub limit: u32,
}

/// Whose cases a queue holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueueScope {
    Township(String),
    County(String),
}

/// A reviewer's queue as filtered on the page.
#[derive(Clone, Debug)]
pub struct QueueQuery {
    pub scope: QueueScope,
    /// A status key, or empty for every status.
    pub status: String,
    /// An assistance type key, or empty for every type.
    pub kind: String,
    /// Only open cases due on or before this day (the overdue ones).
    pub due_by: Option<Date>,
    pub page: Page,
}

/// One page of a list: the rows after the first `offset`, at most `limit` of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub offset: u32,
    pub limit: u32,
}

impl Page {
    /// Page `number` (from 1; 0 is read as 1) of pages of `size` rows.
    pub fn numbered(number: u32, size: u32) -> Self {
        Self { offset: number.max(1).saturating_sub(1).saturating_mul(size), limit: size }
    }
}

/// A transition to store: the event (with the new status) and what it sets.
#[derive(Clone, Debug)]
pub struct CaseChange {
    pub event: CaseEvent,
    pub monthly_amount: Option<u32>,
    pub notice: Option<NoticeEntry>,
    /// A sealed text message to queue in the same transaction (see `QueuedSms`).
    pub notify: Option<String>,
    /// Set when the case reaches the county: drawn for a re-check visit or not.
    pub recheck_drawn: Option<bool>,
    /// (SHA-256, content type, size) of files handed in with this step (already on disk); stored as
    /// case files named after the event's action.
    pub files: Vec<(String, String, u64)>,
    /// Departments (keys of `domain::staff::DEPARTMENTS`) the case is referred to with this step; a
    /// department it was already referred to is skipped.
    pub referrals: Vec<String>,
    /// The audit entry of the step, appended in the same transaction.
    pub audit: crate::audit::AuditEvent,
    /// The household's record in the register, created by an approval in the same transaction.
    pub register: Option<AssistanceRecord>,
    /// The household entering the monitoring register (低收入人口数据库) with an approval, in the same
    /// transaction; its audit entry is `monitoring.household_registered`.
    pub household: Option<HouseholdLead>,
}

/// A case referred to a department for special assistance, with what the department's queue shows of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Referral {
    pub id: i64,
    pub application_id: i64,
    pub department: String,
    pub referred_at: i64,
    pub outcome: Option<crate::domain::referral::ReferralOutcome>,
    pub answered_at: Option<i64>,
    pub reference: String,
    pub township_code: String,
    pub village: String,
    pub types: Vec<AssistanceType>,
    pub case_status: Status,
}

/// A queued text message; `payload_sealed` holds the recipient and the words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedSms {
    pub id: i64,
    pub payload_sealed: String,
    pub attempts: u32,
}

/// The audit entry of a change whose subject or detail the store only learns inside the change's
/// transaction (the new row's id, how many rows were new): made from that value there, and written in the
/// same transaction as the change.
pub type AuditOf<'a, T> = &'a (dyn Fn(T) -> AuditEvent + Send + Sync);

/// What the failed-form table keeps: nothing made before `expire_before`, at most the newest
/// `keep_last` entries, and at most `total_bytes` of sealed text.
#[derive(Clone, Copy, Debug)]
pub struct FlashBounds {
    pub expire_before: i64,
    pub keep_last: i64,
    pub total_bytes: i64,
}

/// At most `max` objections to one entry since `since` (unix seconds), from everyone together.
#[derive(Clone, Copy, Debug)]
pub struct ObjectionLimit {
    pub since: i64,
    pub max: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectionOutcome {
    /// The case's first objection: the investigation is open again.
    Reopened,
    /// Added to the earlier objections for the township, which decides whether to reinvestigate.
    Grouped,
    /// The entry is no longer in notice.
    NoticeOver,
    /// The entry has had its objections for now.
    EntryLimitReached,
}

/// What submitting stores; `submission_key` makes a repeated submission a no-op.
#[derive(Clone, Debug)]
pub struct NewApplication {
    pub record: ApplicationRecord,
    pub submission_key: String,
    /// The first event of the case history.
    pub event: CaseEvent,
    /// Documents uploaded with the draft (already on disk): (source such as `document:hukou`,
    /// (SHA-256, content type, size)); stored as case files in the same transaction.
    pub files: Vec<(String, (String, String, u64))>,
    /// Written with the application, not when the submission was a repeat.
    pub audit: AuditEvent,
}

/// One step in a case's history: who did what, when and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseEvent {
    pub at: i64,
    pub actor: String,
    pub action: String,
    /// The status after the event.
    pub status: Status,
    pub note: String,
}

/// The outcome of a submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submitted {
    pub reference: String,
    /// False when the same submission had already been stored.
    pub created: bool,
}

/// An evidence file kept outside the database, named by its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
    pub id: i64,
    /// What brought the file: `report`, `objection`, `provide_material`.
    pub source: String,
    pub sha256: String,
    pub content_type: String,
    pub size: u64,
    /// The message it came with; `None` for files sent with the report itself.
    pub message_id: Option<i64>,
}

impl StoredFile {
    /// "照片（12KB）": what staff see in a list of files.
    pub fn describe(&self) -> String {
        let kind = crate::domain::upload::FileKind::from_content_type(&self.content_type);
        format!("{}（{}KB）", kind.map(|k| k.label()).unwrap_or("文件"), self.size.div_ceil(1024))
    }

    /// The `source` of a document filed with the application.
    pub fn document_source(kind: crate::domain::documents::DocumentKind) -> String {
        format!("document:{}", kind.key())
    }

    /// "申请材料·户口簿", "入户调查照片": where a case file came from, in words.
    pub fn origin(&self) -> String {
        use crate::domain::documents::DocumentKind;
        if let Some(kind) = self.source.strip_prefix("document:").and_then(DocumentKind::from_key) {
            return format!("申请材料·{}", kind.label());
        }
        match self.source.as_str() {
            "objection" => "异议证据",
            "record_visit" => "入户调查照片",
            "record_consent" => "签字的授权书和承诺书",
            "record_recheck" => "县级复核照片",
            _ => "申请人补充",
        }
        .to_string()
    }
}

/// A report of suspected fraud as filed. What the reporter wrote is in `sealed`
/// (`domain::report::ReportContent`); no network address or browser is recorded.
#[derive(Clone, Debug)]
pub struct NewReport {
    pub county_code: String,
    pub township_code: String,
    /// The public notice or recipient entry picked as the subject.
    pub picked_entry: Option<i64>,
    pub suspicion: Suspicion,
    pub sealed: String,
    /// Keyed hash of `domain::report::grouping_key`.
    pub grouping_key: String,
    /// Keyed hash of the receipt's lookup part.
    pub receipt_lookup: String,
    /// Slow (argon2id) hash of the whole receipt code.
    pub receipt_hash: String,
    pub created_at: i64,
    /// Reports about the same household filed since then join the earlier report's group.
    pub group_since: i64,
    /// (SHA-256, content type, size) of the evidence files, already on disk.
    pub files: Vec<(String, String, u64)>,
}

/// A report as the officer and the reporter's receipt see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportRecord {
    pub id: i64,
    /// The first report about the same household.
    pub group_id: i64,
    pub county_code: String,
    pub township_code: String,
    pub picked_entry: Option<i64>,
    pub suspicion: Suspicion,
    pub status: ReportStatus,
    pub sealed: String,
    pub receipt_hash: String,
    /// The case the officer linked the report to.
    pub linked_application_id: Option<i64>,
    /// The short outcome told to the reporter.
    pub outcome: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One message between the handling officer and the reporter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportMessage {
    pub id: i64,
    pub from_officer: bool,
    pub body_sealed: String,
    pub at: i64,
}

/// A message to add, with its files; a question from the officer moves a new report to "verifying".
#[derive(Clone, Debug)]
pub struct NewReportMessage {
    pub report_id: i64,
    pub from_officer: bool,
    pub body_sealed: String,
    pub at: i64,
    pub files: Vec<(String, String, u64)>,
    pub audit: AuditEvent,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("already exists: {0}")]
    Conflict(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database query failed: {0}")]
    Query(String),
    #[error("invalid reference data: {0}")]
    InvalidData(String),
}

/// The one conversion of a database error: the connection gone (the pool closed or timed out, the socket
/// broken) is `Unavailable`, anything else a failed query. A taken unique key is told apart where it means
/// something (`server/src/store/mod.rs`, `unique_violation`).
#[cfg(feature = "ssr")]
impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(e.to_string())
            }
            other => StoreError::Query(other.to_string()),
        }
    }
}

/// Everything the portal keeps, one trait per aggregate (cases, drafts, notices, reports, staff, …), so
/// that a feature's code names the part it uses; the back ends (`server/src/store/`) implement them all.
#[async_trait]
pub trait Store:
    CaseStore
    + DraftStore
    + NoticeStore
    + OutboxStore
    + StatisticsStore
    + ReportStore
    + ReferralStore
    + RegisterStore
    + EmergencyStore
    + StaffStore
    + CodeStore
    + AuditStore
    + ReferenceStore
    + ContentStore
    + FileStore
    + MonitoringStore
    + SealedStore
    + Send
    + Sync
    + 'static
{
    /// Waits for running queries and closes the connections (SQLite checkpoints its journal).
    async fn close(&self);

    /// Succeeds when the database answers a trivial query (readiness probe).
    async fn ping(&self) -> Result<(), StoreError>;
}

/// What a resident typed and has not submitted: the sealed draft of an application and the state of a
/// failed form, kept between requests.
#[async_trait]
pub trait DraftStore: Send + Sync {
    /// Saves a resident's draft (sealed). A step of the form is the portal's most frequent write, so it
    /// is lighter than the others: it survives the server being killed at once, but on SQLite it reaches
    /// the disk with the next acknowledged write (within milliseconds under load), not before the answer,
    /// so a power cut may lose the last steps of a draft, never a submitted application. Drafts past their
    /// retention go with the sweep's leftovers (`purge_leftovers`).
    async fn save_draft(&self, phone_key: &str, sealed: &str, now: i64) -> Result<(), StoreError>;

    /// Saves the draft a resident starts (or resumes) after the identity check, with the check's audit
    /// entry, in one transaction.
    async fn start_draft(
        &self,
        phone_key: &str,
        sealed: &str,
        now: i64,
        checked: &crate::audit::AuditEvent,
    ) -> Result<(), StoreError>;

    /// The sealed draft of a phone, if one is kept.
    async fn draft(&self, phone_key: &str) -> Result<Option<String>, StoreError>;

    /// Keeps the sealed state of a failed form under `token`; in the same transaction drops the entries
    /// beyond `bounds`, oldest first.
    async fn put_flash(
        &self,
        token: &str,
        sealed: &str,
        now: i64,
        bounds: FlashBounds,
    ) -> Result<(), StoreError>;

    /// Removes and returns the sealed state kept under `token`, unless it was made before `not_before`.
    async fn take_flash(&self, token: &str, not_before: i64) -> Result<Option<String>, StoreError>;
}

/// Applications and their cases: submission, the review queue, status changes, history and files.
#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Stores an application, its first event and removes the draft, in one transaction. A second
    /// submission with the same key changes nothing and returns the first reference. A reference number
    /// already taken is a `Conflict` (the caller draws another).
    async fn submit_application(&self, new: &NewApplication) -> Result<Submitted, StoreError>;

    /// The reference number of the application stored under a submission key.
    async fn application_by_submission_key(&self, key: &str) -> Result<Option<String>, StoreError>;

    async fn application_by_id(&self, id: i64) -> Result<Option<ApplicationRecord>, StoreError>;

    async fn application_by_reference(
        &self,
        reference: &str,
    ) -> Result<Option<ApplicationRecord>, StoreError>;

    /// One page of a reviewer's queue, filtered: open emergencies first, then open cases, then closed
    /// ones, each by decision deadline; and how many cases match in all.
    async fn review_queue(&self, query: &QueueQuery) -> Result<(Vec<ApplicationRecord>, u64), StoreError>;

    /// Open cases of a county due on or before `due_by`, counted per township (the most first).
    async fn overdue_by_township(
        &self,
        county_code: &str,
        due_by: Date,
    ) -> Result<Vec<(String, u64)>, StoreError>;

    /// Stores a transition if the case is still in `from` (another reviewer may have acted meanwhile);
    /// false when it was not. Status, amount, notice and event are written in one transaction.
    async fn record_transition(&self, id: i64, from: Status, change: &CaseChange)
        -> Result<bool, StoreError>;

    /// A case by reference and its history in order, read together (a status page needs both).
    async fn case_with_events(
        &self,
        reference: &str,
    ) -> Result<Option<(ApplicationRecord, Vec<CaseEvent>)>, StoreError>;

    /// A case's history in order.
    async fn case_events(&self, application_id: i64) -> Result<Vec<CaseEvent>, StoreError>;

    /// The files of a case (`StoredFile::message_id` is unused here).
    async fn case_files(&self, application_id: i64) -> Result<Vec<StoredFile>, StoreError>;

    /// The case file with this id and the case it belongs to.
    async fn case_file(&self, file_id: i64) -> Result<Option<(i64, StoredFile)>, StoreError>;
}

/// The public notices (公示), the recipient lists and the objections filed against a notice entry.
#[async_trait]
pub trait NoticeStore: Send + Sync {
    /// One page of the notices whose period includes `today`, optionally for one county or township,
    /// newest first; and how many there are in all.
    async fn current_notices(
        &self,
        today: Date,
        county_code: Option<&str>,
        township_code: Option<&str>,
        page: Page,
    ) -> Result<(Vec<NoticeEntry>, u64), StoreError>;

    /// One notice entry if it is on public display on `today`.
    async fn current_notice(
        &self,
        application_id: i64,
        today: Date,
    ) -> Result<Option<NoticeEntry>, StoreError>;

    /// Current monthly recipients of one township on `query.today`: records in force or in their
    /// phase-out (never ended ones, one-off sums or recognitions), masked as in the notice, with the
    /// amount paid now; and how many match in all.
    async fn recipients(&self, query: &RecipientQuery) -> Result<(Vec<Recipient>, u64), StoreError>;

    /// Files an objection to an entry still in notice, in one transaction that the case's row
    /// serialises: refused when the entry has had `limit.max` objections since `limit.since`; the case's
    /// first objection reopens it with `reopen`, later ones are added to it with `grouped` (the status
    /// stays). Nothing is stored unless the outcome is `Reopened` or `Grouped`.
    async fn file_objection(
        &self,
        objection: &NewObjection,
        reopen: &CaseChange,
        grouped: &CaseChange,
        limit: ObjectionLimit,
    ) -> Result<ObjectionOutcome, StoreError>;

    /// The objections to a case, oldest first.
    async fn objections(&self, application_id: i64) -> Result<Vec<Objection>, StoreError>;
}

/// The SMS outbox: messages claimed by one worker at a time, sent or retried later.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Claims up to `limit` queued messages due at `now`, oldest first, for one worker: each claimed
    /// message is not due again before `lease_until`, so that other workers (other instances of the
    /// server) pass it by, and a worker that dies before marking it sent or failed only delays it.
    async fn claim_due_sms(
        &self,
        now: i64,
        lease_until: i64,
        limit: u32,
    ) -> Result<Vec<QueuedSms>, StoreError>;

    /// Marks a queued message as sent.
    async fn sms_sent(&self, id: i64, now: i64) -> Result<(), StoreError>;

    /// Records a failed attempt and when to try again.
    async fn sms_failed(&self, id: i64, next_attempt_at: i64, error: &str) -> Result<(), StoreError>;
}

/// The published statistics: the facts they are computed from and the last computed snapshot.
#[async_trait]
pub trait StatisticsStore: Send + Sync {
    /// What the public statistics count (nothing personal) of up to `limit` applications with an id
    /// above `after_id`, in id order, with their ids: the statistics read every application in batches.
    async fn statistics_facts_after(
        &self,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<(i64, crate::domain::stats::CaseFacts)>, StoreError>;

    /// The published statistics (JSON of `domain::stats::Statistics`) and when they were computed.
    async fn statistics_snapshot(&self) -> Result<Option<(i64, String)>, StoreError>;

    /// Replaces the published statistics.
    async fn save_statistics_snapshot(&self, computed_at: i64, body: &str) -> Result<(), StoreError>;
}

/// Verification codes sent by SMS: their sending times, the latest code and its tries.
#[async_trait]
pub trait CodeStore: Send + Sync {
    /// When codes were sent to a phone (by its keyed hash) since `since`.
    async fn otp_send_times(&self, phone_key: &str, since: i64) -> Result<Vec<i64>, StoreError>;

    /// The latest code sent to a phone, with its keyed hash.
    async fn latest_otp(&self, phone_key: &str) -> Result<Option<(IssuedCode, String)>, StoreError>;

    /// Records a sent code (old codes go with the sweep's leftovers: `purge_leftovers`).
    async fn insert_otp(&self, phone_key: &str, code_hash: &str, now: i64) -> Result<i64, StoreError>;

    /// Counts a try against the latest code sent to a phone (by its keyed hash) before it is compared, in
    /// one conditional update, so that simultaneous guesses cannot pass the limit; returns the code with
    /// this try counted and its keyed hash, or `None` when no code was sent or `max_attempts` tries were
    /// already made.
    async fn claim_otp_attempt(
        &self,
        phone_key: &str,
        max_attempts: u32,
    ) -> Result<Option<(IssuedCode, String)>, StoreError>;

    /// Marks a code as used.
    async fn use_otp(&self, id: i64) -> Result<(), StoreError>;
}

/// Reference data: the divisions, the local standards, the working-day calendar and the hotlines.
#[async_trait]
pub trait ReferenceStore: Send + Sync {
    /// Inserts the counties and townships that are not there yet; existing rows are kept as they are.
    /// Returns how many townships were added.
    async fn seed_divisions(&self, counties: &[County], townships: &[Township]) -> Result<u64, StoreError>;

    async fn counties(&self) -> Result<Vec<County>, StoreError>;

    async fn townships_in(&self, county_code: &str) -> Result<Vec<Township>, StoreError>;

    async fn township_count(&self) -> Result<u64, StoreError>;

    /// The hotlines in display order: the city line first, then the counties'.
    async fn hotlines(&self) -> Result<Vec<Hotline>, StoreError>;

    /// Adds a hotline at the end of its group (city-wide when `county_code` is `None`). `audit` gets the
    /// new hotline's id.
    async fn add_hotline(
        &self,
        county_code: Option<&str>,
        label: &str,
        number: &str,
        audit: AuditOf<'_, i64>,
    ) -> Result<i64, StoreError>;

    /// Removes a hotline; false (and no audit entry) if there was none with that id.
    async fn remove_hotline(&self, id: i64, audit: &AuditEvent) -> Result<bool, StoreError>;

    /// Inserts default local standards for counties that have none; rows already there (possibly edited
    /// by an administrator) are kept. Returns how many were added.
    async fn seed_standards(&self, defaults: &[LocalStandards]) -> Result<u64, StoreError>;

    /// The local standards of one county, with the county's name.
    async fn local_standards(&self, county_code: &str) -> Result<Option<LocalStandards>, StoreError>;

    /// Every county's standards, in county order.
    async fn all_standards(&self) -> Result<Vec<LocalStandards>, StoreError>;

    /// Replaces a county's figures and marks them confirmed; false (no audit entry) for an unknown county.
    async fn confirm_standards(
        &self,
        standards: &LocalStandards,
        audit: &AuditEvent,
    ) -> Result<bool, StoreError>;

    /// Inserts calendar days not there yet; returns how many were added.
    async fn seed_calendar(&self, days: &[(Date, DayKind, String)]) -> Result<u64, StoreError>;

    /// The days that differ from the Monday-to-Friday rhythm.
    async fn calendar(&self) -> Result<Vec<(Date, DayKind, String)>, StoreError>;

    /// Sets a day of the holiday calendar (a holiday or a worked weekend day), replacing what was there.
    async fn set_calendar_day(
        &self,
        day: Date,
        kind: DayKind,
        note: &str,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;

    /// Makes a day ordinary again; false (no audit entry) when it was not in the calendar.
    async fn remove_calendar_day(&self, day: Date, audit: &AuditEvent) -> Result<bool, StoreError>;
}

/// What the portal publishes besides cases: the policy guide and the announcements.
#[async_trait]
pub trait ContentStore: Send + Sync {
    /// Inserts the guide pages whose slug is not there yet; pages already there are kept as edited.
    async fn seed_guide(&self, pages: &[GuidePage]) -> Result<u64, StoreError>;

    /// All guide pages in reading order.
    async fn guide_pages(&self) -> Result<Vec<GuidePage>, StoreError>;

    async fn guide_page(&self, slug: &str) -> Result<Option<GuidePage>, StoreError>;

    /// Replaces a guide page's text; false (no audit entry) for an unknown slug.
    async fn update_guide_page(&self, page: &GuidePage, audit: &AuditEvent) -> Result<bool, StoreError>;

    /// Announcements for a county (with the city-wide ones), or all of them for `None`; newest first.
    async fn announcements(
        &self,
        county_code: Option<&str>,
    ) -> Result<Vec<crate::domain::announcement::Announcement>, StoreError>;

    async fn announcement(
        &self,
        id: i64,
    ) -> Result<Option<crate::domain::announcement::Announcement>, StoreError>;

    /// Publishes an announcement (its `id` is ignored); returns the new id, which `audit` gets too.
    async fn add_announcement(
        &self,
        announcement: &crate::domain::announcement::Announcement,
        audit: AuditOf<'_, i64>,
    ) -> Result<i64, StoreError>;

    /// Takes an announcement down; false (no audit entry) when there was none.
    async fn remove_announcement(&self, id: i64, audit: &AuditEvent) -> Result<bool, StoreError>;
}

/// The audit chain: entries linked by hash, and the anchors that pin its head.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends an event to the hash-chained audit log; returns its id.
    async fn append_audit(&self, event: &AuditEvent) -> Result<i64, StoreError>;

    /// The whole audit log in order, for verification.
    async fn audit_records(&self) -> Result<Vec<AuditRecord>, StoreError>;

    /// Writes an anchor of the chain's head signed with `anchor_key` when the head is newer than the
    /// last anchor; returns the anchored id, `None` when nothing was new.
    async fn anchor_audit_head(&self, anchor_key: &str, now: i64) -> Result<Option<i64>, StoreError>;

    /// Every anchor in the order written.
    async fn audit_anchors(&self) -> Result<Vec<crate::audit::AuditAnchor>, StoreError>;
}

/// The reports of suspected fraud (`areas::report`), a part of `Store` kept apart for readability.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// Stores a report and its file records; returns (id, group id), which `audit` gets too. A report
    /// joins the group of an earlier report with the same grouping key filed since `group_since`.
    async fn file_report(
        &self,
        report: &NewReport,
        audit: AuditOf<'_, (i64, i64)>,
    ) -> Result<(i64, i64), StoreError>;

    /// The report whose receipt lookup hash is `lookup`.
    async fn report_by_lookup(&self, lookup: &str) -> Result<Option<ReportRecord>, StoreError>;

    async fn report(&self, id: i64) -> Result<Option<ReportRecord>, StoreError>;

    /// Reports about households in a county (all counties for `None`), newest group first.
    async fn reports(&self, county_code: Option<&str>) -> Result<Vec<ReportRecord>, StoreError>;

    /// The reports of one group, oldest first.
    async fn reports_in_group(&self, group_id: i64) -> Result<Vec<ReportRecord>, StoreError>;

    async fn report_messages(&self, report_id: i64) -> Result<Vec<ReportMessage>, StoreError>;

    async fn report_files(&self, report_id: i64) -> Result<Vec<StoredFile>, StoreError>;

    /// The file with this id and the report it belongs to.
    async fn report_file(&self, file_id: i64) -> Result<Option<(i64, StoredFile)>, StoreError>;

    async fn add_report_message(&self, message: &NewReportMessage) -> Result<(), StoreError>;

    /// Sets the status, the outcome and the linked case.
    async fn update_report(
        &self,
        id: i64,
        status: ReportStatus,
        outcome: &str,
        linked_application_id: Option<i64>,
        now: i64,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;

    /// How many reports are linked to a case (shown to county staff only).
    async fn reports_linked_to(&self, application_id: i64) -> Result<u64, StoreError>;

    /// A public entry (current notice or current recipient) by its case id, for picking it in a report.
    async fn public_entry(&self, application_id: i64, today: Date)
        -> Result<Option<NoticeEntry>, StoreError>;
}

/// Special assistance referrals (`domain::referral`), a part of `Store` kept apart for readability.
/// Referrals are created by `Store::record_transition` (`CaseChange::referrals`).
#[async_trait]
pub trait ReferralStore: Send + Sync {
    /// A department's referrals: open ones first, then the oldest first.
    async fn referrals_to(&self, department: &str) -> Result<Vec<Referral>, StoreError>;

    /// The referrals of one case, in the order they were made.
    async fn referrals_of(&self, application_id: i64) -> Result<Vec<Referral>, StoreError>;

    /// Records the department's answer and, in the same transaction, the case event that shows it in the
    /// history and the `audit` entry; false when the referral was already answered (nothing is stored).
    async fn answer_referral(
        &self,
        referral_id: i64,
        outcome: crate::domain::referral::ReferralOutcome,
        event: &CaseEvent,
        application_id: i64,
        audit: &crate::audit::AuditEvent,
    ) -> Result<bool, StoreError>;
}

/// A household's record in the register of assisted households (`domain::register`), created by the
/// approval of its case.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AssistanceRecord {
    pub application_id: i64,
    /// The case's reference (read from the case; not stored twice).
    pub reference: String,
    pub county_code: String,
    pub township_code: String,
    pub village: String,
    pub category: crate::domain::register::Category,
    pub grant: crate::domain::register::GrantKind,
    /// 元 a month, or the one-off sum.
    pub amount: Option<u32>,
    /// As a person last decided; see `domain::register::state_on` for the state on a given day.
    pub state: crate::domain::register::RecordState,
    pub started_on: Date,
    pub ends_on: Option<Date>,
    pub review_due: Option<Date>,
    pub review_deadline: Option<Date>,
    /// A review outcome waiting for the county's confirmation.
    pub proposal: Option<crate::domain::register::ReviewDecision>,
    pub end_reason: Option<crate::domain::register::EndReason>,
    pub version: i64,
}

/// A change of a record with the case event that shows it, stored in one transaction.
#[derive(Clone, Debug)]
pub struct RecordChange {
    /// The record as it must be after the change (`version` is the one read before it).
    pub record: AssistanceRecord,
    pub event: CaseEvent,
    /// Files handed in with the step (see `CaseChange::files`).
    pub files: Vec<(String, String, u64)>,
    pub notify: Option<String>,
    pub audit: crate::audit::AuditEvent,
}

/// A record on the public recipient list.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Recipient {
    pub entry: NoticeEntry,
    /// The last day paid, for a household in its phase-out (渐退).
    pub phase_out_until: Option<Date>,
}

/// Which records a review queue holds: those due for review on or before `due_by` and those with an
/// outcome waiting for the county; only the overdue ones (deadline on or before `overdue_through`) if set.
#[derive(Clone, Debug)]
pub struct ReviewQueueQuery {
    pub scope: QueueScope,
    pub due_by: Date,
    pub overdue_through: Option<Date>,
    pub page: Page,
}

/// A change declared by a household (`domain::declaration`), as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declaration {
    pub id: i64,
    pub application_id: i64,
    /// The case's reference and village (read from the case).
    pub reference: String,
    pub village: String,
    pub township_code: String,
    pub kind: crate::domain::declaration::ChangeKind,
    pub occurred_on: Date,
    /// The sealed `DeclarationDraft` as submitted.
    pub sealed: String,
    pub created_at: i64,
    pub handled_at: Option<i64>,
}

/// A declaration to store, with what it does in the same transaction: the case event, the evidence
/// files, the audit entry, and the household's record brought up for review.
#[derive(Clone, Debug)]
pub struct NewDeclaration {
    pub application_id: i64,
    pub township_code: String,
    pub kind: crate::domain::declaration::ChangeKind,
    pub occurred_on: Date,
    pub sealed: String,
    pub event: CaseEvent,
    pub files: Vec<(String, String, u64)>,
    pub audit: crate::audit::AuditEvent,
    /// The record falls due for review on this day (unless it is due earlier) with this deadline.
    pub review_due: Date,
    pub review_deadline: Date,
}

/// The register of assisted households, a part of `Store` kept apart for readability. Records are
/// created by `Store::record_transition` (`CaseChange::register`).
#[async_trait]
pub trait RegisterStore: Send + Sync {
    /// The record created by the approval of a case.
    async fn assistance_record(&self, application_id: i64) -> Result<Option<AssistanceRecord>, StoreError>;

    /// Stores a changed record, its case event, files, status message and audit entry in one
    /// transaction, and marks the household's open declarations handled when the event is a review;
    /// false (nothing stored) when the record changed since `change.record.version` was read.
    async fn change_record(&self, change: &RecordChange) -> Result<bool, StoreError>;

    /// A review queue page: outcomes waiting for the county first, then by deadline; with the total.
    async fn review_due(&self, query: &ReviewQueueQuery) -> Result<(Vec<AssistanceRecord>, u64), StoreError>;

    /// Per township of a county, the reviews past their deadline (`overdue_through`), most first.
    async fn overdue_reviews_by_township(
        &self,
        county_code: &str,
        overdue_through: Date,
    ) -> Result<Vec<(String, u64)>, StoreError>;

    /// Keeps a household's declaration in progress (sealed `DeclarationDraft`).
    async fn save_declaration_draft(
        &self,
        application_id: i64,
        sealed: &str,
        now: i64,
    ) -> Result<(), StoreError>;

    async fn declaration_draft(&self, application_id: i64) -> Result<Option<String>, StoreError>;

    /// Stores the declaration in the draft's place, in one transaction with its event, files and audit
    /// entry, and brings the household's record up for review; `None` when there is no draft any more
    /// (submitted twice).
    async fn submit_declaration(&self, new: &NewDeclaration) -> Result<Option<i64>, StoreError>;

    /// A township's declarations not yet handled by a review, oldest first; with the total.
    async fn open_declarations(
        &self,
        township_code: &str,
        page: Page,
    ) -> Result<(Vec<Declaration>, u64), StoreError>;

    /// Every declaration of a case, in order.
    async fn declarations_of(&self, application_id: i64) -> Result<Vec<Declaration>, StoreError>;

    /// Counts of records by township, category, state on `today` and end reason, for statistics.
    async fn register_tallies(
        &self,
        today: Date,
    ) -> Result<Vec<crate::domain::stats::RegisterCount>, StoreError>;
}

/// The referral of a case to the staff member's department: what lets a department officer read the case.
pub async fn referral_for(
    store: &dyn Store,
    staff: &StaffIdentity,
    application_id: i64,
) -> Result<Option<Referral>, StoreError> {
    if staff.role != Role::DepartmentOfficer {
        return Ok(None);
    }
    let referrals = store.referrals_of(application_id).await?;
    Ok(referrals.into_iter().find(|r| staff.may_handle_referral(&r.department)))
}

/// The working-day calendar as the administrator maintains it.
pub async fn working_calendar(store: &dyn Store) -> Result<crate::domain::calendar::Calendar, StoreError> {
    let days = store.calendar().await?;
    Ok(crate::domain::calendar::Calendar::new(days.into_iter().map(|(day, kind, _)| (day, kind))))
}

/// "甘州区东街街道": the county and township names of a township code; empty when it is unknown.
pub fn place_name(divisions: &[(County, Vec<Township>)], township_code: &str) -> String {
    divisions
        .iter()
        .flat_map(|(c, ts)| ts.iter().map(move |t| (c, t)))
        .find(|(_, t)| t.code == township_code)
        .map(|(c, t)| format!("{}{}", c.name, t.name))
        .unwrap_or_default()
}

/// Every county with its townships, in the official order.
pub async fn divisions(store: &dyn Store) -> Result<Vec<(County, Vec<Township>)>, StoreError> {
    let mut out = Vec::new();
    for county in store.counties().await? {
        let townships = store.townships_in(&county.code).await?;
        out.push((county, townships));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::StoredFile;
    use crate::domain::documents::DocumentKind;

    fn file(source: String, content_type: &str, size: u64) -> StoredFile {
        StoredFile {
            id: 1,
            source,
            sha256: String::new(),
            content_type: content_type.into(),
            size,
            message_id: None,
        }
    }

    #[test]
    fn a_case_file_says_where_it_came_from_and_what_it_is() {
        let hukou = file(StoredFile::document_source(DocumentKind::Hukou), "image/jpeg", 2048);
        assert_eq!(format!("{}：{}", hukou.origin(), hukou.describe()), "申请材料·户口簿：照片（2KB）");
        assert_eq!(file("record_visit".into(), "image/png", 1).origin(), "入户调查照片");
        assert_eq!(file("record_recheck".into(), "image/png", 1).origin(), "县级复核照片");
        assert_eq!(file("objection".into(), "application/pdf", 1).describe(), "PDF 文件（1KB）");
        assert_eq!(file("provide_material".into(), "image/jpeg", 1).origin(), "申请人补充");
        assert_eq!(file("document:unknown".into(), "image/jpeg", 1).origin(), "申请人补充");
    }
}

/// 先行救助 given on a case (see `domain::emergency`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmergencyGrant {
    pub application_id: i64,
    pub county_code: String,
    pub township_code: String,
    /// 元, one sum.
    pub amount: u32,
    pub granted_on: Date,
    /// The last day for the township's file.
    pub file_due: Date,
    pub answer: Option<crate::domain::emergency::CountyAnswer>,
    pub answered_on: Option<Date>,
}

/// An unanswered grant on a reviewer's list, with what the list shows of its case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenEmergency {
    pub grant: EmergencyGrant,
    pub reference: String,
    pub village: String,
    pub status: Status,
}

/// A grant or the county's answer to it, stored with its case event, status message and audit entry.
pub struct EmergencyChange {
    /// The grant as it must be after the change.
    pub grant: EmergencyGrant,
    pub event: CaseEvent,
    pub notify: Option<String>,
    pub audit: AuditEvent,
}

/// Help given first on urgent cases, a part of `Store` kept apart like the register.
#[async_trait]
pub trait EmergencyStore: Send + Sync {
    async fn emergency_grant(&self, application_id: i64) -> Result<Option<EmergencyGrant>, StoreError>;

    /// Stores a new grant in one transaction with its event, message and audit entry; false (nothing
    /// stored) when the case already has one or the township's opinion was given meanwhile.
    async fn grant_emergency(&self, change: &EmergencyChange) -> Result<bool, StoreError>;

    /// Stores the county's answer likewise; false when it was answered meanwhile or the file is not
    /// complete.
    async fn answer_emergency(&self, change: &EmergencyChange) -> Result<bool, StoreError>;

    /// The unanswered grants of a township or county, earliest deadline first, at most `limit`; with
    /// how many there are.
    async fn open_emergency_grants(
        &self,
        scope: &QueueScope,
        limit: u32,
    ) -> Result<(Vec<OpenEmergency>, u64), StoreError>;
}

/// A password try as counted before the password is compared (`domain::staff::delay_after`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TryClaim {
    /// The try may go ahead; it is the n-th in a row without success from this client.
    Counted(i32),
    /// Too soon after the last one: the client may try again at this time (unix seconds).
    Wait { until: i64 },
}

/// Staff accounts and the register of their relatives; sign-in: password tries per username and
/// client, and sessions on the server that signing out ends. Each change that is audited writes its
/// entry in the same transaction.
#[async_trait]
pub trait StaffStore: Send + Sync {
    /// Creates a staff account; a taken username is a `Conflict`. `audit` gets the new account's id.
    async fn create_staff(
        &self,
        new: &NewStaff,
        now: i64,
        audit: AuditOf<'_, i64>,
    ) -> Result<i64, StoreError>;

    async fn staff_by_username(&self, username: &str) -> Result<Option<StaffAccount>, StoreError>;

    async fn staff_by_id(&self, id: i64) -> Result<Option<StaffAccount>, StoreError>;

    /// Registers ID-number hashes of staff and their close relatives; returns how many were new, which
    /// `audit` gets too.
    async fn add_staff_relatives(
        &self,
        id_hashes: &[String],
        now: i64,
        audit: AuditOf<'_, u64>,
    ) -> Result<u64, StoreError>;

    /// Whether any of these ID-number hashes is registered as staff or a close relative.
    async fn any_staff_relative(&self, id_hashes: &[String]) -> Result<bool, StoreError>;

    async fn staff_relative_count(&self) -> Result<u64, StoreError>;

    /// Counts a try of `username` from `client` at `now`, atomically, unless the client must wait.
    async fn claim_sign_in_try(&self, username: &str, client: &str, now: i64)
        -> Result<TryClaim, StoreError>;

    /// A successful sign-in: forgets the client's tries, starts session `session` until `expires_at`
    /// (dropping sessions expired by `now`) and writes the audit entry.
    async fn start_staff_session(
        &self,
        start: &StaffSessionStart,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;

    /// Ends a session (signing out) with its audit entry; ending an ended session changes nothing.
    async fn end_staff_session(&self, session: &str, now: i64, audit: &AuditEvent) -> Result<(), StoreError>;

    /// The account of a session that has not ended or expired.
    async fn staff_by_session(&self, session: &str, now: i64) -> Result<Option<StaffAccount>, StoreError>;

    /// Replaces the password hash, ends every session of the account and starts `start` in its place,
    /// with the audit entry; returns the new session version.
    async fn change_password(
        &self,
        password_hash: &str,
        start: &StaffSessionStart,
        audit: &AuditEvent,
    ) -> Result<i64, StoreError>;
}

/// What the uploaded files on disk are counted against, and what still refers to them
/// (`server/src/uploads.rs` writes and sweeps the files themselves).
#[async_trait]
pub trait FileStore: Send + Sync {
    /// Counts `files` more uploads for `subject` on `day` (`crate::domain::upload::allowance_day`),
    /// atomically, unless the day's count would pass `limit`; returns whether they were counted (no files
    /// always are).
    async fn spend_upload_allowance(
        &self,
        subject: &str,
        day: i64,
        files: u32,
        limit: u32,
    ) -> Result<bool, StoreError>;

    /// Those of `hashes` that a case or a report refers to.
    async fn files_in_use(&self, hashes: &[String]) -> Result<Vec<String>, StoreError>;

    /// Deletes what the hourly sweep lets go of (see `Leftovers`).
    async fn purge_leftovers(&self, before: &Leftovers) -> Result<(), StoreError>;

    /// Up to `limit` sealed application drafts whose key follows `after`, in key order, with their keys.
    async fn sealed_drafts_after(&self, after: &str, limit: u32)
        -> Result<Vec<(String, String)>, StoreError>;
}

/// The cut-offs of the hourly sweep: drafts last saved before `drafts`, upload counts of days before
/// `allowance_day`, verification codes sent before `codes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leftovers {
    pub drafts: i64,
    pub allowance_day: i64,
    pub codes: i64,
}

/// Counts `files` uploads at `now` against `subject`'s allowance of `limit` a day: the message to show
/// next to the file field when the day's allowance is spent, `None` when they were counted.
pub async fn uploads_refused(
    store: &dyn FileStore,
    subject: &str,
    files: usize,
    limit: u32,
    now: i64,
) -> Result<Option<String>, StoreError> {
    use crate::domain::upload::{allowance_day, allowance_spent};
    let files = u32::try_from(files).unwrap_or(u32::MAX);
    let counted = store.spend_upload_allowance(subject, allowance_day(now), files, limit).await?;
    Ok((!counted).then(|| allowance_spent(limit)))
}

/// A household heard of for the monitoring register (低收入人口数据库).
#[derive(Clone, Debug)]
pub struct HouseholdLead {
    pub county_code: String,
    pub township_code: String,
    pub village: String,
    pub category: Option<crate::domain::register::Category>,
    /// `application`, `visit`, `import` or `department:<key>`.
    pub source: String,
    /// Keyed hashes of the members' ID numbers; at least one.
    pub member_hashes: Vec<String>,
    /// The members' names and ID numbers, sealed.
    pub sealed: String,
    pub now: i64,
}

/// A visit (走访) being stored: who went, when, and what they saw (a sealed `monitoring::VisitRecord`).
#[derive(Clone, Debug)]
pub struct NewVisit {
    /// `staff:<id>`.
    pub visited_by: String,
    pub at: i64,
    pub sealed: String,
    /// Photos taken on the visit, kept already.
    pub photos: Vec<crate::features::cases::StoredFileRef>,
}

/// A household of the monitoring register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonitoredHousehold {
    pub id: i64,
    pub county_code: String,
    pub township_code: String,
    pub village: String,
    pub category: Option<crate::domain::register::Category>,
    pub source: String,
    pub sealed: String,
}

/// A risk signal as received, with the warning it raises (already weighed by the use case).
#[derive(Clone, Debug)]
pub struct NewSignal {
    /// Who sent it (`department:<key>`, `visit:<staff>`) and its reference there: a signal is stored once.
    pub sender: String,
    pub reference_id: String,
    pub household_id: i64,
    pub kind: crate::domain::monitoring::SignalKind,
    /// What was observed, sealed.
    pub sealed: String,
    pub received_at: i64,
    pub warning: Option<crate::domain::monitoring::OpenWarning>,
}

/// What storing a signal did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignalRecorded {
    /// The same sender and reference had been stored before: nothing changed.
    Duplicate,
    /// Stored; it raises no warning.
    NoWarning,
    /// Stored; warning `id` opened.
    Raised(i64),
    /// Stored; merged into the open warning `id` of its kind.
    Merged(i64),
}

/// An open warning in a township's queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WarningRow {
    pub id: i64,
    pub household_id: i64,
    pub township_code: String,
    pub village: String,
    pub kind: crate::domain::monitoring::SignalKind,
    pub warning: crate::domain::monitoring::OpenWarning,
    pub raised_at: i64,
}

/// A household referred to a department after a warning's visit (分类推送).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseholdReferral {
    pub id: i64,
    pub department: String,
    pub township_code: String,
    pub village: String,
    pub kind: crate::domain::monitoring::SignalKind,
    pub referred_at: i64,
    pub answered_at: Option<i64>,
}

/// A signal as the household's file lists it: what, from whom, when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignalLine {
    pub kind: crate::domain::monitoring::SignalKind,
    /// `department:<key>` or `visit:<staff>`.
    pub sender: String,
    pub received_at: i64,
}

/// A warning of the household, open or closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WarningHistory {
    pub id: i64,
    pub kind: crate::domain::monitoring::SignalKind,
    pub warning: crate::domain::monitoring::OpenWarning,
    pub raised_at: i64,
    pub closed_at: Option<i64>,
    /// The sealed `monitoring::WarningOutcome` of a closed warning.
    pub outcome_sealed: Option<String>,
}

/// A visit to the household with who made it and its photos.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitLine {
    pub id: i64,
    /// The warning it closed; `None` for a household found at the door.
    pub warning_id: Option<i64>,
    pub at: i64,
    /// The visitor's display name (their `staff:<id>` if the account is gone).
    pub visitor: String,
    /// The sealed `monitoring::VisitRecord`.
    pub sealed: String,
    pub photos: Vec<StoredFile>,
}

/// 户档案: a register household and what happened to it, newest first, each list at most the limit
/// asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseholdFile {
    pub household: MonitoredHousehold,
    pub registered_at: i64,
    pub signals: Vec<SignalLine>,
    pub warnings: Vec<WarningHistory>,
    pub visits: Vec<VisitLine>,
    pub referrals: Vec<HouseholdReferral>,
}

/// A department's credential for the API (`/api/v1`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiCredential {
    pub id: i64,
    /// A key of `domain::staff::DEPARTMENTS`.
    pub department: String,
    pub label: String,
    pub scopes: Vec<crate::domain::monitoring::ApiScope>,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// The monitoring register, its signals and warnings, and the departments' credentials.
#[async_trait]
pub trait MonitoringStore: Send + Sync {
    /// The household whose member has this keyed ID-number hash.
    async fn member_household(&self, id_hash: &str) -> Result<Option<MonitoredHousehold>, StoreError>;

    /// Stores a new credential (`id` and `revoked_at` of `credential` are ignored) with the audit entry
    /// made from its id; returns the id.
    async fn create_api_credential(
        &self,
        credential: &ApiCredential,
        created_by: &str,
        audit: AuditOf<'_, i64>,
    ) -> Result<i64, StoreError>;

    async fn api_credential(&self, id: i64) -> Result<Option<ApiCredential>, StoreError>;

    /// Every credential, newest first (a county has a handful).
    async fn api_credentials(&self) -> Result<Vec<ApiCredential>, StoreError>;

    /// Revokes a credential with the audit entry; `false` when it was unknown or already revoked.
    async fn revoke_api_credential(&self, id: i64, now: i64, audit: &AuditEvent) -> Result<bool, StoreError>;

    /// The household one of the lead's members already belongs to (members not yet known are added to
    /// it), or a new household from the lead; `true` when it was created. One household per member,
    /// whatever runs at once. A known household takes the lead's category when it is stronger
    /// (`monitoring::raised_category`). The audit entry (made from the household's id) is written when the
    /// register changed.
    async fn register_household(
        &self,
        lead: &HouseholdLead,
        audit: AuditOf<'_, i64>,
    ) -> Result<(MonitoredHousehold, bool), StoreError>;

    /// Stores the signal once (by sender and reference) and opens its warning, or merges it into the open
    /// warning of its kind, with the audit entry, in one transaction.
    async fn record_signal(
        &self,
        signal: &NewSignal,
        audit: &AuditEvent,
    ) -> Result<SignalRecorded, StoreError>;

    /// Registers the households of an imported roll as `register_household` does, all in one transaction
    /// with one audit entry; answers whether each was new, in the order of `leads`.
    async fn register_households(
        &self,
        leads: &[HouseholdLead],
        audit: &AuditEvent,
    ) -> Result<Vec<bool>, StoreError>;

    /// Registers a household a worker found at the door (matched like any lead) with the visit, and the
    /// audit entry, in one transaction.
    async fn register_visited_household(
        &self,
        lead: &HouseholdLead,
        visit: &NewVisit,
        audit: AuditOf<'_, i64>,
    ) -> Result<(MonitoredHousehold, bool), StoreError>;

    /// The register's households per category key (`None`: not settled), for the public statistics
    /// (computed in the background, never while a page waits).
    async fn monitored_counts(&self) -> Result<Vec<(Option<String>, u64)>, StoreError>;

    /// Stores each signal as `record_signal` does, all in one transaction with one audit entry (an
    /// upload of a department's file: nothing of it is stored if anything fails). The answers are in the
    /// order of `signals`.
    async fn record_signals(
        &self,
        signals: &[NewSignal],
        audit: &AuditEvent,
    ) -> Result<Vec<SignalRecorded>, StoreError>;

    /// Up to `limit` open warnings of a township, earliest deadline first; of one village (as trimmed)
    /// when `village` is not empty.
    async fn open_warnings(
        &self,
        township_code: &str,
        village: &str,
        limit: u32,
    ) -> Result<Vec<WarningRow>, StoreError>;

    /// One open warning.
    async fn open_warning(&self, id: i64) -> Result<Option<WarningRow>, StoreError>;

    /// A county's open warnings per township: (township code, open, overdue: due before `today`).
    async fn warning_counts(
        &self,
        county_code: &str,
        today: Date,
    ) -> Result<Vec<(String, u64, u64)>, StoreError>;

    /// Closes an open warning with the visit that found its outcome (sealed), the referral to
    /// `referred_to` (a department key) when the outcome is one, and the audit entry, in one transaction;
    /// `false` when it was not open.
    async fn close_warning(
        &self,
        warning: &WarningRow,
        visit: &NewVisit,
        outcome_sealed: &str,
        referred_to: Option<&str>,
        audit: &AuditEvent,
    ) -> Result<bool, StoreError>;

    /// A household's file with at most `limit` lines of each kind.
    async fn household_file(&self, id: i64, limit: u32) -> Result<Option<HouseholdFile>, StoreError>;

    /// Up to `limit` households of a township (of one village when `village` is not empty) with an id
    /// below `before`, newest first: the register's pages.
    async fn register_page(
        &self,
        township_code: &str,
        village: &str,
        before: i64,
        limit: u32,
    ) -> Result<Vec<MonitoredHousehold>, StoreError>;

    /// A visit photo and the household it belongs to.
    async fn visit_photo(&self, id: i64) -> Result<Option<(i64, StoredFile)>, StoreError>;

    /// A department's referred households waiting for its answer, oldest first, at most `limit`.
    async fn open_household_referrals(
        &self,
        department: &str,
        limit: u32,
    ) -> Result<Vec<HouseholdReferral>, StoreError>;

    /// One referred household with what the department needs to help: the household's sealed members and
    /// the sealed visit that closed the warning.
    async fn household_referral(
        &self,
        id: i64,
    ) -> Result<Option<(HouseholdReferral, String, String)>, StoreError>;

    /// Records the department's sealed answer with the audit entry, in one transaction; `false` when the
    /// referral is not the department's or was answered already.
    async fn answer_household_referral(
        &self,
        id: i64,
        department: &str,
        answer_sealed: &str,
        answered_by: &str,
        now: i64,
        audit: &AuditEvent,
    ) -> Result<bool, StoreError>;
}

/// A session being started after a good password.
#[derive(Clone, Debug)]
pub struct StaffSessionStart {
    /// Random, named in the signed token.
    pub session: String,
    pub account_id: i64,
    /// The username and client whose tries are forgotten.
    pub username: String,
    pub client: String,
    pub now: i64,
    pub expires_at: i64,
}

/// Every column that holds sealed values (`crate::sealing`), for sealing them again under a new key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SealedColumn {
    ApplicationDrafts,
    Applications,
    Objections,
    SmsQueue,
    Reports,
    ReportMessages,
    FormFlash,
    DeclarationDrafts,
    Declarations,
    MonitoredHouseholds,
    MonitoringSignals,
    MonitoringVisits,
}

impl SealedColumn {
    pub const ALL: [SealedColumn; 12] = [
        Self::ApplicationDrafts,
        Self::Applications,
        Self::Objections,
        Self::SmsQueue,
        Self::Reports,
        Self::ReportMessages,
        Self::FormFlash,
        Self::DeclarationDrafts,
        Self::Declarations,
        Self::MonitoredHouseholds,
        Self::MonitoringSignals,
        Self::MonitoringVisits,
    ];

    /// (table, key column, sealed column): fixed names, never from input.
    pub fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::ApplicationDrafts => ("application_drafts", "phone_key", "sealed"),
            Self::Applications => ("applications", "id", "sealed"),
            Self::Objections => ("objections", "id", "contact_sealed"),
            Self::SmsQueue => ("sms_queue", "id", "payload_sealed"),
            Self::Reports => ("reports", "id", "sealed"),
            Self::ReportMessages => ("report_messages", "id", "body_sealed"),
            Self::FormFlash => ("form_flash", "id", "sealed"),
            Self::DeclarationDrafts => ("declaration_drafts", "application_id", "sealed"),
            Self::Declarations => ("declarations", "id", "sealed"),
            Self::MonitoredHouseholds => ("monitored_households", "id", "sealed"),
            Self::MonitoringSignals => ("monitoring_signals", "id", "sealed"),
            Self::MonitoringVisits => ("monitoring_visits", "id", "sealed"),
        }
    }

    /// The key before every other, to start a walk in key order.
    pub fn first_key(self) -> SealedKey {
        match self {
            Self::ApplicationDrafts => SealedKey::Text(String::new()),
            _ => SealedKey::Id(i64::MIN),
        }
    }
}

/// The row of a sealed value: most tables are keyed by a number, drafts by the phone number's hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SealedKey {
    Id(i64),
    Text(String),
}

/// A sealed value to replace, unless it changed since it was read.
pub struct Resealed {
    pub key: SealedKey,
    pub old: String,
    pub new: String,
}

#[async_trait]
pub trait SealedStore: Send + Sync {
    /// Up to `limit` (key, sealed value) pairs of `column` after `after`, in key order (empty values
    /// left out: an objection may have no contact).
    async fn sealed_values(
        &self,
        column: SealedColumn,
        after: &SealedKey,
        limit: u32,
    ) -> Result<Vec<(SealedKey, String)>, StoreError>;

    /// Replaces each value still equal to its `old` (a value written meanwhile is newer and left alone),
    /// with `audit` in the same transaction; returns how many were replaced.
    async fn replace_sealed(
        &self,
        column: SealedColumn,
        values: &[Resealed],
        audit: &AuditEvent,
    ) -> Result<u64, StoreError>;
}
