//! 网上申请: the resident's sealed draft (started after the SMS check, filled one question page at a
//! time, with documents) and the submission that turns it into an application in its township's queue,
//! stored in one transaction with its first history line and audit entry, idempotent on the draft's key.
//! The question pages' forms are serde structs (`domain::application::StepForm`); their checks are pure
//! and live in the domain, beside the draft they fill.

use crate::audit::AuditEvent;
use crate::domain::application::{
    check_submission, reference_number, Applicant, Draft, Moved, Place, Problems, StepContext, StepForm,
    SubmitForm,
};
use crate::domain::calendar::{Calendar, Date};
use crate::domain::consent::AgreedWording;
use crate::domain::documents::DraftDocument;
use crate::domain::helper::Helper;
use crate::domain::id_number::BirthDate;
use crate::domain::workflow::Status;
use crate::services::Services;
use crate::store::{ApplicationRecord, CaseEvent, NewApplication, StoreError, StoredFile};
use rand::RngCore;

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// No draft for this phone: the identity check has expired (or was never done). Answered by sending
    /// the resident back to the identity check; nothing typed is lost, the draft is kept by phone.
    #[error("no draft: the identity check is to be done again")]
    NoDraft,
    /// Back to the form with these messages next to their fields and what was typed.
    #[error("the answers were refused: {0:?}")]
    Refused(Problems),
    /// 500, with the cause logged.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buffer);
    hex::encode(buffer)
}

/// The draft of this phone, if there is one. A draft that does not open (a key no longer configured) is
/// an error, not an empty form: the resident's answers must not silently disappear.
pub async fn draft(services: &Services, phone_key: &str) -> Result<Option<Draft>, ApplyError> {
    let Some(sealed) = services.store.draft(phone_key).await? else { return Ok(None) };
    let unreadable = |e: crate::sealing::SealError| StoreError::InvalidData(format!("a draft: {e}"));
    Ok(Some(services.sealer.open(&sealed).map_err(unreadable)?))
}

async fn open_draft(services: &Services, phone_key: &str) -> Result<Draft, ApplyError> {
    draft(services, phone_key).await?.ok_or(ApplyError::NoDraft)
}

/// Keeps the draft, sealed.
pub async fn keep(services: &Services, phone_key: &str, draft: &Draft) -> Result<(), ApplyError> {
    Ok(services.store.save_draft(phone_key, &services.sealer.seal(draft), services.now()).await?)
}

/// After the SMS check: the draft of this phone with the checked name and ID number, or a new one; and who
/// is filling it in (the resident, or a helper the resident agreed to). Kept with the check's audit entry.
pub async fn start_or_resume(
    services: &Services,
    phone_key: &str,
    applicant: Applicant,
    helper: Option<Helper>,
) -> Result<(), ApplyError> {
    let how = match helper {
        Some(_) => "level 1 (SMS to the resident), 代办 by a helper",
        None => "level 1 (SMS)",
    };
    let mut draft = match draft(services, phone_key).await? {
        Some(mut draft) => {
            draft.set_applicant(applicant);
            draft
        }
        None => Draft::new(random_hex(16), applicant),
    };
    draft.filed_by = helper;
    let now = services.now();
    let actor = format!("resident:{}", &phone_key[..12]);
    let checked = AuditEvent::at(now, actor.clone(), "resident.identity_verified", actor, how);
    Ok(services.store.start_draft(phone_key, &services.sealer.seal(&draft), now, &checked).await?)
}

/// A question page's answers, checked and kept in the draft.
pub async fn answer<F: StepForm>(services: &Services, phone_key: &str, form: F) -> Result<Moved, ApplyError> {
    let mut draft = open_draft(services, phone_key).await?;
    let context =
        StepContext { divisions: &services.divisions, today: BirthDate::today_in_china(services.now()) };
    let moved = form.answer(&mut draft, &context).map_err(ApplyError::Refused)?;
    keep(services, phone_key, &draft).await?;
    Ok(moved)
}

/// Documents already stored (under their hashes) named in the draft the upload was checked against
/// (read once by the caller, which counted its documents).
pub async fn add_documents(
    services: &Services,
    phone_key: &str,
    mut draft: Draft,
    documents: Vec<DraftDocument>,
) -> Result<(), ApplyError> {
    draft.documents.extend(documents);
    keep(services, phone_key, &draft).await
}

/// Takes a document out of the draft (the resident chose the wrong file); an index not in the list is
/// ignored (the page was old).
pub async fn remove_document(services: &Services, phone_key: &str, index: usize) -> Result<(), ApplyError> {
    let mut draft = open_draft(services, phone_key).await?;
    if index < draft.documents.len() {
        draft.documents.remove(index);
        keep(services, phone_key, &draft).await?;
    }
    Ok(())
}

/// Submits the draft: checked again, stored under a new reference number in one transaction with its
/// first history line and audit entry. A repeated post (a double click) finds the application the draft
/// became. Returns the reference number.
pub async fn submit(services: &Services, phone_key: &str, form: SubmitForm) -> Result<String, ApplyError> {
    let store = services.store.as_ref();
    let Some(mut draft) = draft(services, phone_key).await? else {
        let submitted = store.application_by_submission_key(&form.submission_key).await?;
        return submitted.ok_or(ApplyError::NoDraft);
    };
    check_submission(&draft, &form).map_err(ApplyError::Refused)?;
    let Some(place) = draft.place.clone() else { return Err(ApplyError::NoDraft) };
    let calendar = services.working_calendar().await?;
    let now = services.now();
    draft.agreed = Some(AgreedWording::current(now));
    let record = new_record(services, phone_key, place, &draft, &calendar, now);
    store_with_reference(services, record, &draft).await
}

/// The application as it enters the township's queue (its reference drawn when it is stored).
fn new_record(
    services: &Services,
    phone_key: &str,
    place: Place,
    draft: &Draft,
    calendar: &Calendar,
    now: i64,
) -> ApplicationRecord {
    let today = Date::today_in_china(now);
    let limits = &services.time_limits;
    ApplicationRecord {
        id: 0,
        reference: String::new(),
        phone_key: phone_key.to_string(),
        county_code: place.county_code,
        township_code: place.township_code,
        village: place.village,
        types: draft.types.clone(),
        emergency: draft.emergency,
        household_size: u32::try_from(draft.household_size()).unwrap_or(u32::MAX),
        status: Status::Submitted,
        submitted_at: now,
        acceptance_due: calendar.add_working_days(today, limits.acceptance),
        decision_due: calendar.add_working_days(today, limits.decision(&draft.types, draft.emergency)),
        sealed: services.sealer.seal(draft),
        applicant_masked: Some(crate::domain::masking::mask_name(&draft.applicant.name)),
        monthly_amount: None,
        notice_until: None,
        recheck_drawn: false,
    }
}

/// The first line of the case's history: who submitted, and what they agreed to.
fn submission_event(draft: &Draft, now: i64) -> CaseEvent {
    let (actor, note) = match &draft.filed_by {
        Some(helper) => (
            format!("代办人{}（手机 {}）", helper.describe(), helper.phone),
            "网上代办提交申请，申请人以短信验证码确认同意代办，同意核对家庭经济状况".to_string(),
        ),
        None => ("申请人".to_string(), "网上提交申请，同意核对家庭经济状况".to_string()),
    };
    CaseEvent { at: now, actor, action: "submit".into(), status: Status::Submitted, note }
}

/// Stores the application under a new reference number. A number drawn twice is astronomically rare;
/// draw again rather than fail.
async fn store_with_reference(
    services: &Services,
    mut record: ApplicationRecord,
    draft: &Draft,
) -> Result<String, ApplyError> {
    let today = Date::today_in_china(record.submitted_at);
    let event = submission_event(draft, record.submitted_at);
    let files: Vec<(String, (String, String, u64))> = draft
        .documents
        .iter()
        .map(|d| (StoredFile::document_source(d.kind), (d.sha256.clone(), d.content_type.clone(), d.size)))
        .collect();
    for _ in 0..5 {
        let mut random = [0u8; 6];
        rand::rngs::OsRng.fill_bytes(&mut random);
        record.reference = reference_number(today, random);
        let audit = AuditEvent::at(
            record.submitted_at,
            format!("resident:{}", &record.phone_key[..12]),
            "application.submitted",
            record.reference.clone(),
            "consent to the household economic check recorded",
        );
        let new = NewApplication {
            record: record.clone(),
            submission_key: draft.submission_key.clone(),
            event: event.clone(),
            files: files.clone(),
            audit,
        };
        match services.store.submit_application(&new).await {
            Ok(submitted) => return Ok(submitted.reference),
            Err(StoreError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::Conflict("no free reference number after five draws".into()).into())
}
