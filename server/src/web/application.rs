//! The application form's posts: each step is checked, saved into the resident's sealed draft, and
//! answered with a redirect to the next page (or back with the errors and what was typed). The final
//! post submits: checked again, stored in one transaction, idempotent.

use super::respond::{back_with, disk_full, failure, redirect, NOTHING_TYPED};
use super::sessions::{identity_expired, resident, ResidentSession};
use crate::startup::AppState;
use crate::uploads::is_disk_full;
use crate::uploads::{discard, read_form, PostedForm};
use app::domain::application::{
    check_account, check_assets, check_income, check_member, check_place, check_spending, check_submission,
    check_types, reference_number, Applicant, Draft, Place, Posted, Relationship, Step,
};
use app::domain::calendar::{Calendar, Date};
use app::domain::consent::AgreedWording;
use app::domain::documents::{DocumentKind, DraftDocument, MAX_DOCUMENTS};
use app::domain::helper::Helper;
use app::domain::id_number::BirthDate;
use app::domain::region::Township;
use app::domain::upload::DRAFT_UPLOADS_PER_DAY;
use app::domain::workflow::Status;
use app::store::{
    uploads_refused, working_calendar, ApplicationRecord, CaseEvent, NewApplication, StoreError, StoredFile,
};
use axum::{
    extract::{Multipart, Path, State},
    http::HeaderMap,
    response::Response,
    Form,
};
use rand::RngCore;

fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buffer);
    hex::encode(buffer)
}

/// Saves the draft, sealed.
async fn save(state: &AppState, phone_key: &str, draft: &Draft) -> Result<(), Response> {
    let services = &state.services;
    services
        .store
        .save_draft(phone_key, &services.sealer.seal(draft), state.services.now())
        .await
        .map_err(|e| failure("saving a draft failed", e))
}

async fn load(state: &AppState, phone_key: &str) -> Result<Option<Draft>, Response> {
    let sealed =
        state.services.store.draft(phone_key).await.map_err(|e| failure("reading a draft failed", e))?;
    let Some(sealed) = sealed else { return Ok(None) };
    match state.services.sealer.open(&sealed) {
        Ok(draft) => Ok(Some(draft)),
        Err(e) => Err(failure("a draft does not open", e)),
    }
}

/// After the SMS check: the draft of this phone with the checked name and ID number, or a new one; and who
/// is filling it in (the resident, or a helper the resident agreed to).
pub async fn start_or_resume_draft(
    state: &AppState,
    phone_key: &str,
    applicant: Applicant,
    helper: Option<Helper>,
) -> Result<(), Response> {
    let mut draft = match load(state, phone_key).await? {
        Some(mut draft) => {
            draft.set_applicant(applicant);
            draft
        }
        None => Draft::new(random_hex(16), applicant),
    };
    draft.filed_by = helper;
    save(state, phone_key, &draft).await
}

/// POST /apply/form/{step}
pub async fn save_step(
    State(state): State<AppState>,
    ResidentSession(resident): ResidentSession,
    Path(slug): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let Some(step) = Step::from_slug(&slug).filter(|s| *s != Step::Check) else {
        return redirect("/apply", &[]);
    };
    let mut draft = match load(&state, &resident.sub).await {
        Ok(Some(draft)) => draft,
        Ok(None) => return identity_expired(&state).await,
        Err(response) => return response,
    };
    let posted = Posted(pairs);
    let page = step.path();
    let mut next = if posted.get("return") == "check" { Step::Check.path() } else { step.next().path() };
    let result = match step {
        Step::Types => check_types(&posted).map(|(types, emergency)| {
            draft.types = types;
            draft.emergency = emergency;
        }),
        Step::Place => {
            let townships: Vec<Township> = state
                .services
                .divisions
                .iter()
                .flat_map(|(_, townships)| townships.iter().cloned())
                .collect();
            check_place(&posted, &townships).map(|place| draft.place = Some(place))
        }
        Step::Household => {
            let outcome = household(&mut draft, &posted, BirthDate::today_in_china(state.services.now()));
            if posted.get("op") != "continue" {
                next = page.clone();
            }
            outcome
        }
        Step::Income => check_income(&posted).map(|income| draft.income = Some(income)),
        Step::Assets => check_assets(&posted).map(|assets| draft.assets = Some(assets)),
        Step::Spending => check_spending(&posted).map(|spending| draft.spending = Some(spending)),
        Step::Account => check_account(&posted).map(|account| draft.account = Some(account)),
        Step::Check => unreachable!("filtered above"),
    };
    if let Err(problems) = result {
        return back_with(&state, &page, &posted.0, &problems).await;
    }
    if let Err(response) = save(&state, &resident.sub, &draft).await {
        return response;
    }
    redirect(&next, &[])
}

/// POST /apply/documents: a document photographed or chosen on the check page. Checked by its content,
/// cleaned of metadata, stored under its hash and named in the draft; the page lists what is still missing.
pub async fn upload_document(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let page = Step::Check.path();
    let Some(resident) = resident(&state, &headers) else {
        discard(multipart).await;
        return identity_expired(&state).await;
    };
    let mut draft = match load(&state, &resident.sub).await {
        Ok(Some(draft)) => draft,
        Ok(None) => {
            discard(multipart).await;
            return identity_expired(&state).await;
        }
        Err(response) => return response,
    };
    let form = match read_form(multipart, "document").await {
        Ok(form) => form,
        Err(incomplete) => {
            return back_with(&state, &page, NOTHING_TYPED, &[("document", incomplete.to_string())]).await
        }
    };
    let typed = [("kind", form.value("kind"))];
    let kind = match document_kind(&form, draft.documents.len()) {
        Ok(kind) => kind,
        Err(problem) => return back_with(&state, &page, &typed, &[problem]).await,
    };
    let subject = format!("draft:{}", resident.sub);
    let store = state.services.store.as_ref();
    match uploads_refused(store, &subject, form.files.len(), DRAFT_UPLOADS_PER_DAY, state.services.now())
        .await
    {
        Ok(None) => {}
        Ok(Some(message)) => {
            let message = message + "，其余材料可以交给乡镇（街道）工作人员";
            return back_with(&state, &page, &typed, &[("document", message)]).await;
        }
        Err(e) => return failure("counting uploads failed", e),
    }
    let saved = match state.evidence.save_all(&form).await {
        Ok(saved) => saved,
        Err(e) if is_disk_full(&e) => {
            return back_with(&state, &page, &typed, &[disk_full("document")]).await
        }
        Err(e) => return failure("saving a document failed", e),
    };
    for (sha256, content_type, size) in saved {
        draft.documents.push(DraftDocument { kind, sha256, content_type, size });
    }
    if let Err(response) = save(&state, &resident.sub, &draft).await {
        return response;
    }
    redirect(&format!("{page}#documents"), &[])
}

/// The kind of document posted with its files, or what is wrong (`already`: documents in the draft).
fn document_kind(form: &PostedForm, already: usize) -> Result<DocumentKind, (&'static str, String)> {
    match (DocumentKind::from_key(form.value("kind")), form.file_problem()) {
        (None, _) => Err(("kind", "请选择上传的是什么材料".to_string())),
        (Some(_), Some(problem)) => Err(("document", problem)),
        (Some(_), None) if form.files.is_empty() => Err(("document", "请拍照或选择要上传的文件".to_string())),
        (Some(_), None) if already + form.files.len() > MAX_DOCUMENTS => {
            Err(("document", format!("最多上传{MAX_DOCUMENTS}个文件，其余材料可以交给乡镇（街道）工作人员")))
        }
        (Some(kind), None) => Ok(kind),
    }
}

/// POST /apply/documents/remove: takes a document out of the draft (the resident chose the wrong file).
pub async fn remove_document(
    State(state): State<AppState>,
    ResidentSession(resident): ResidentSession,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let mut draft = match load(&state, &resident.sub).await {
        Ok(Some(draft)) => draft,
        Ok(None) => return identity_expired(&state).await,
        Err(response) => return response,
    };
    let index = Posted(pairs).get("index").parse::<usize>().ok().filter(|i| *i < draft.documents.len());
    if let Some(index) = index {
        draft.documents.remove(index);
        if let Err(response) = save(&state, &resident.sub, &draft).await {
            return response;
        }
    }
    redirect(&format!("{}#documents", Step::Check.path()), &[])
}

/// The household page has small forms: add a member, remove one, the applicant's own situation, and
/// "continue" once the list is complete.
fn household(
    draft: &mut Draft,
    posted: &Posted,
    today: BirthDate,
) -> Result<(), Vec<(&'static str, String)>> {
    match posted.get("op") {
        "add" => {
            let member = check_member(posted, &draft.members, today)?;
            draft.members.push(member);
        }
        "remove" => {
            let index: usize = posted.get("index").parse().unwrap_or(0);
            if index > 0 && index < draft.members.len() {
                draft.members.remove(index);
            }
        }
        "self" => {
            if let Some(me) = draft.members.iter_mut().find(|m| m.relationship == Relationship::Applicant) {
                me.disabled = posted.get("disabled") == "yes";
                me.seriously_ill = posted.get("seriously_ill") == "yes";
                me.in_school = posted.get("in_school") == "yes";
                me.working = posted.get("working") == "yes";
            }
        }
        _ => draft.household_confirmed = true,
    }
    Ok(())
}

/// POST /apply/submit
pub async fn submit(
    State(state): State<AppState>,
    ResidentSession(resident): ResidentSession,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let posted = Posted(pairs);
    let check_page = Step::Check.path();
    let store = &state.services.store;
    let mut draft = match load(&state, &resident.sub).await {
        Ok(Some(draft)) => draft,
        Ok(None) => {
            // Submitted already (a double click or a repeated post): show that application.
            let key = posted.get("submission_key");
            return match store.application_by_submission_key(key).await {
                Ok(Some(reference)) => redirect(&format!("/apply/submitted/{reference}"), &[]),
                Ok(None) => identity_expired(&state).await,
                Err(e) => failure("looking up a submission failed", e),
            };
        }
        Err(response) => return response,
    };
    if let Err(problems) = check_submission(&draft, &posted) {
        return back_with(&state, &check_page, &posted.0, &problems).await;
    }
    let Some(place) = draft.place.clone() else { return identity_expired(&state).await };
    let calendar = match working_calendar(state.services.store.as_ref()).await {
        Ok(calendar) => calendar,
        Err(e) => return failure("reading the calendar failed", e),
    };
    let now = state.services.now();
    draft.agreed = Some(AgreedWording::current(now));
    let record = new_record(&state, &resident.sub, place, &draft, &calendar, now);
    store_with_reference(&state, record, &draft).await
}

/// The application as it enters the township's queue (its reference drawn when it is stored).
fn new_record(
    state: &AppState,
    phone_key: &str,
    place: Place,
    draft: &Draft,
    calendar: &Calendar,
    now: i64,
) -> ApplicationRecord {
    let today = Date::today_in_china(now);
    let limits = &state.services.time_limits;
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
        sealed: state.services.sealer.seal(draft),
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

/// Stores the application under a new reference number and shows it. A number drawn twice is
/// astronomically rare; draw again rather than fail.
async fn store_with_reference(state: &AppState, mut record: ApplicationRecord, draft: &Draft) -> Response {
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
        let audit = app::audit::AuditEvent::at(
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
        match state.services.store.submit_application(&new).await {
            Ok(submitted) => return redirect(&format!("/apply/submitted/{}", submitted.reference), &[]),
            Err(StoreError::Conflict(_)) => continue,
            Err(e) => return failure("storing an application failed", e),
        }
    }
    failure("storing an application failed", "no free reference number")
}
