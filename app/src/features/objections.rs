//! Objections to a public notice entry (公示异议). Anyone may object, anonymously by default; the objection
//! is stored for the township's staff. A case's first objection reopens the investigation
//! (`domain::workflow`); later ones are grouped with it for the township, so that objecting in a loop
//! cannot hold a case up. Each entry takes a limit a day (the per-client budgets are the handler's). The
//! objector gets a receipt code, stored only as a keyed hash.

use super::cases::FileVault;
use crate::audit::AuditEvent;
use crate::domain::application::Draft;
use crate::domain::calendar::Date;
use crate::domain::notice::{receipt_code, ObjectionInput, GROUPED_OBJECTION_EVENT};
use crate::domain::workflow::{next_step, transition, Action, Actor, Facts, Status};
use crate::services::Services;
use crate::store::{CaseChange, CaseEvent, NewObjection, ObjectionLimit, ObjectionOutcome, StoreError};
use rand::RngCore;

#[derive(Debug, thiserror::Error)]
pub enum ObjectionError {
    /// The entry is not in notice (any more): 404 公示已结束.
    #[error("the entry is not in notice")]
    Gone,
    /// Back to the form with this message next to the field, what was typed kept.
    #[error("refused: {1}")]
    Refused(&'static str, String),
    /// The entry took its objections for the day: back to the form keeping nothing.
    #[error("the entry took its objections for the day")]
    EntryLimitReached,
    /// The database, the file store or a sealed case failed (500, cause logged).
    #[error("{0}")]
    Failed(String),
}

impl From<StoreError> for ObjectionError {
    fn from(e: StoreError) -> Self {
        Self::Failed(e.to_string())
    }
}

/// What the objector is told when the entry took its objections for the day.
pub const ENTRY_LIMIT_MESSAGE: &str =
    "这条公示近一天已收到较多异议，乡镇正在逐条核实；如有新的情况，请拨打下方的监督电话反映";

/// Succeeds while entry `id` is in notice today.
pub async fn entry_in_notice(services: &Services, id: i64) -> Result<(), ObjectionError> {
    let today = Date::today_in_china(services.now());
    match services.store.current_notice(id, today).await? {
        Some(_) => Ok(()),
        None => Err(ObjectionError::Gone),
    }
}

/// An objection as posted (its evidence files come beside it, read by the server).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ObjectionForm {
    pub reason: String,
    pub contact_name: String,
    pub contact_phone: String,
}

/// Files a checked objection with its evidence against at most `per_entry_per_day` a day for the entry;
/// returns the receipt code shown once.
pub async fn file(
    services: &Services,
    files: &dyn FileVault,
    id: i64,
    input: ObjectionInput,
    evidence: &[(&'static str, Vec<u8>)],
    per_entry_per_day: u32,
) -> Result<String, ObjectionError> {
    let kept = files.keep(evidence).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::StorageFull => {
            ObjectionError::Refused("evidence", crate::domain::upload::DISK_FULL_MESSAGE.to_string())
        }
        _ => ObjectionError::Failed(e.to_string()),
    })?;
    let store = services.store.as_ref();
    let case = store.application_by_id(id).await?.ok_or(ObjectionError::Gone)?;
    let next = transition(case.status, Action::Object, Actor::Public, Facts::default())
        .map_err(|_| ObjectionError::Gone)?;
    let now = services.now();
    let mut random = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut random);
    let receipt = receipt_code(random);
    let objection = NewObjection {
        application_id: id,
        reason: input.reason,
        contact_sealed: input.contact.map(|contact| services.sealer.seal(&contact)),
        receipt_hash: services.hasher.digest("objection receipt", &receipt),
        created_at: now,
        files: kept,
    };
    let draft: Draft =
        services.sealer.open(&case.sealed).map_err(|e| ObjectionError::Failed(e.to_string()))?;
    let notify =
        crate::sms::seal_status(&services.sealer, &draft.applicant.phone, next.label(), next_step(next));
    let reopen = reopening(&case.reference, next, now, notify);
    let grouped = grouping(&case.reference, case.status, now);
    let limit = ObjectionLimit { since: now - 86_400, max: per_entry_per_day };
    match store.file_objection(&objection, &reopen, &grouped, limit).await? {
        ObjectionOutcome::Reopened | ObjectionOutcome::Grouped => Ok(receipt),
        ObjectionOutcome::NoticeOver => Err(ObjectionError::Gone),
        ObjectionOutcome::EntryLimitReached => Err(ObjectionError::EntryLimitReached),
    }
}

/// The change of a case's first objection: the investigation opens again and the applicant is told.
/// The history names the objection, never the objector.
fn reopening(reference: &str, next: Status, now: i64, notify: String) -> CaseChange {
    CaseChange {
        register: None,
        household: None,
        event: CaseEvent {
            at: now,
            actor: "公众".into(),
            action: Action::Object.key().into(),
            status: next,
            note: "公示期内收到异议，重新调查核实".into(),
        },
        monthly_amount: None,
        notice: None,
        notify: Some(notify),
        recheck_drawn: None,
        files: Vec::new(),
        referrals: Vec::new(),
        audit: AuditEvent::at(now, "public", "notice.objection", reference, "investigation reopened"),
    }
}

/// The change of a later objection: added for the township, the case stays in notice.
fn grouping(reference: &str, status: Status, now: i64) -> CaseChange {
    CaseChange {
        event: CaseEvent {
            at: now,
            actor: "公众".into(),
            action: GROUPED_OBJECTION_EVENT.into(),
            status,
            note: "公示期又收到异议，请乡镇核实是否需要重新调查".into(),
        },
        notify: None,
        audit: AuditEvent::at(
            now,
            "public",
            "notice.objection_grouped",
            reference,
            "added to earlier objections",
        ),
        ..reopening(reference, status, now, String::new())
    }
}
