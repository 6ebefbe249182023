//! 进度查询 without an account: the reference number, then the SMS code sent to the phone the
//! application was made with. The answer does not say whether a reference exists (a code is sent only
//! if it does), so references cannot be enumerated; per-IP limits guard both posts and the per-phone
//! code limits guard each application.

use super::respond::{back_with, disk_full, failure, not_this_form, redirect, NOTHING_TYPED};
use super::sessions::StatusSession;
use super::sms_codes::{self, CodeProblem};
use crate::startup::AppState;
use crate::uploads::is_disk_full;
use crate::uploads::{discard, read_form, PostedForm, SavedFile};
use app::audit::AuditEvent;
use app::auth::{
    cookie, issue_status_token, status_from_token, StatusClaims, STATUS_COOKIE, STATUS_LOOKUP_SECONDS,
    STATUS_SESSION_SECONDS,
};
use app::auth::{cookie_in, SameSite};
use app::domain::application::{parse_reference, Draft};
use app::domain::otp::CodePurpose;
use app::domain::phone::MobileNumber;
use app::domain::workflow::{transition, Action, Actor, Facts, Status};
use app::sms::SmsMessage;
use app::store::{ApplicationRecord, CaseChange, CaseEvent};
use axum::{
    extract::{Multipart, State},
    http::HeaderMap,
    response::Response,
    Form,
};

const START: &str = "/status";
const CODE_STEP: &str = "/status?step=code";
const VIEW: &str = app::routes::STATUS_VIEW;

/// The key codes are recorded under, and the phone to send them to: the application's, or for an
/// unknown reference a key of its own and no phone.
async fn lookup_key(state: &AppState, reference: &str) -> Result<(String, Option<MobileNumber>), Response> {
    let case = state
        .services
        .store
        .application_by_reference(reference)
        .await
        .map_err(|e| failure("status lookup failed", e))?;
    let Some(case) = case else {
        return Ok((state.services.hasher.digest("unknown reference", reference), None));
    };
    let draft: Draft =
        state.services.sealer.open(&case.sealed).map_err(|e| failure("a case does not open", e))?;
    let phone = MobileNumber::parse(&draft.applicant.phone).ok();
    Ok((case.phone_key, phone))
}

#[derive(serde::Deserialize)]
pub struct ReferenceForm {
    #[serde(default)]
    reference: String,
}

/// POST /status/code
pub async fn send_code(State(state): State<AppState>, Form(form): Form<ReferenceForm>) -> Response {
    let typed = [("reference", form.reference.as_str())];
    let Some(reference) = parse_reference(&form.reference) else {
        let message =
            "申请编号格式不对，应为 ZY 加8位日期、短横线和6位字母数字，例如 ZY20261129-7K3M9Q".to_string();
        return back_with(&state, START, &typed, &[("reference", message)]).await;
    };
    let (key, phone) = match lookup_key(&state, &reference).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let purpose = CodePurpose::StatusOf(&reference);
    match sms_codes::send(&state, phone.as_ref(), &key, purpose, |code| SmsMessage::VerificationCode { code })
        .await
    {
        Ok(()) => {}
        Err(CodeProblem::Refused(message)) => {
            return back_with(&state, START, &typed, &[("reference", message)]).await
        }
        Err(CodeProblem::Failed(response)) => return response,
    }
    let claims =
        StatusClaims { reference, verified: false, exp: state.services.now() + STATUS_LOOKUP_SECONDS };
    let token = issue_status_token(state.config.session_secret.expose(), &claims);
    let secure = state.config.secure_cookies;
    redirect(CODE_STEP, &[cookie(STATUS_COOKIE, &token, STATUS_LOOKUP_SECONDS, SameSite::Lax, secure)])
}

#[derive(serde::Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

pub(super) fn lookup(state: &AppState, headers: &HeaderMap) -> Option<StatusClaims> {
    cookie_in(headers, STATUS_COOKIE).and_then(|token| {
        status_from_token(state.config.session_secret.expose(), &token, state.services.now())
    })
}

/// POST /status/verify
pub async fn verify(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let Some(claims) = lookup(&state, &headers) else {
        let message = "查询已过期，请重新填写申请编号".to_string();
        return back_with(&state, START, NOTHING_TYPED, &[("reference", message)]).await;
    };
    if form.code.trim().is_empty() {
        return back_with(&state, CODE_STEP, NOTHING_TYPED, &[("code", "请填写短信验证码".to_string())])
            .await;
    }
    let (key, phone) = match lookup_key(&state, &claims.reference).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    match sms_codes::check(&state, &key, CodePurpose::StatusOf(&claims.reference), &form.code).await {
        Ok(()) if phone.is_some() => {}
        Ok(()) => {
            return back_with(&state, CODE_STEP, NOTHING_TYPED, &[("code", "验证码不正确".to_string())]).await
        }
        Err(CodeProblem::Refused(message)) => {
            return back_with(&state, CODE_STEP, NOTHING_TYPED, &[("code", message)]).await
        }
        Err(CodeProblem::Failed(response)) => return response,
    }
    let verified =
        StatusClaims { verified: true, exp: state.services.now() + STATUS_SESSION_SECONDS, ..claims };
    let token = issue_status_token(state.config.session_secret.expose(), &verified);
    let secure = state.config.secure_cookies;
    redirect(VIEW, &[cookie(STATUS_COOKIE, &token, STATUS_SESSION_SECONDS, SameSite::Lax, secure)])
}

const CHANGED_MEANWHILE: &str = "案件状态已变化，请刷新页面后再试";

/// How the audit log names the applicant: the start of their phone number's keyed hash.
fn resident(case: &app::store::ApplicationRecord) -> String {
    format!("resident:{}", &case.phone_key[..12])
}

/// POST /status/withdraw: the applicant withdraws an application that is not decided yet.
pub async fn withdraw(State(state): State<AppState>, StatusSession(claims): StatusSession) -> Response {
    let store = &state.services.store;
    let case = match store.application_by_reference(&claims.reference).await {
        Ok(Some(case)) => case,
        Ok(None) => return redirect(START, &[]),
        Err(e) => return failure("status lookup failed", e),
    };
    let next = match transition(case.status, Action::Withdraw, Actor::Applicant, Facts::default()) {
        Ok(next) => next,
        Err(refused) => {
            return back_with(&state, VIEW, NOTHING_TYPED, &[("withdraw", refused.to_string())]).await
        }
    };
    let now = state.services.now();
    let change = CaseChange {
        register: None,
        household: None,
        event: CaseEvent {
            at: now,
            actor: "申请人".into(),
            action: Action::Withdraw.key().into(),
            status: next,
            note: String::new(),
        },
        monthly_amount: None,
        notice: None,
        notify: None, // the applicant is on the page and sees the result at once
        recheck_drawn: None,
        files: Vec::new(),
        referrals: Vec::new(),
        audit: AuditEvent::at(
            now,
            resident(&case),
            "application.withdrawn",
            &case.reference,
            "by the applicant",
        ),
    };
    match store.record_transition(case.id, case.status, &change).await {
        Ok(true) => redirect(VIEW, &[]),
        Ok(false) => {
            back_with(&state, VIEW, NOTHING_TYPED, &[("withdraw", CHANGED_MEANWHILE.to_string())]).await
        }
        Err(e) => failure("withdrawal failed", e),
    }
}

/// Longest note the applicant may add to the material they hand in.
const MATERIAL_NOTE_MAX_CHARS: usize = 200;

/// POST /status/material: the applicant hands in the material the township asked for (photos or PDFs,
/// metadata removed); the case returns to the township's queue in the same transaction.
pub async fn provide_material(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let Some(claims) = lookup(&state, &headers).filter(|c| c.verified) else {
        discard(multipart).await;
        return redirect(START, &[]);
    };
    let form = match read_form(multipart, "material").await {
        Ok(form) => form,
        Err(incomplete) => {
            return back_with(&state, VIEW, NOTHING_TYPED, &[("material", incomplete.to_string())]).await
        }
    };
    let Some(fields) = form.fields_as::<MaterialForm>() else { return not_this_form() };
    let note = fields.material_note.trim().to_string();
    let typed = [("material_note", note.as_str())];
    let problem = material_problem(&form, &note);
    if let Some(message) = problem {
        return back_with(&state, VIEW, &typed, &[("material", message)]).await;
    }
    let store = &state.services.store;
    let case = match store.application_by_reference(&claims.reference).await {
        Ok(Some(case)) => case,
        Ok(None) => return redirect(START, &[]),
        Err(e) => return failure("status lookup failed", e),
    };
    let next = match transition(case.status, Action::ProvideMaterial, Actor::Applicant, Facts::default()) {
        Ok(next) => next,
        Err(refused) => return back_with(&state, VIEW, &typed, &[("material", refused.to_string())]).await,
    };
    let files = match state.evidence.save_all(&form).await {
        Ok(files) => files,
        Err(e) if is_disk_full(&e) => return back_with(&state, VIEW, &typed, &[disk_full("material")]).await,
        Err(e) => return failure("saving material failed", e),
    };
    let change = material_handed_in(&case, next, &note, files, state.services.now());
    match store.record_transition(case.id, case.status, &change).await {
        Ok(true) => redirect(&format!("{VIEW}?material=sent"), &[]),
        Ok(false) => back_with(&state, VIEW, &typed, &[("material", CHANGED_MEANWHILE.to_string())]).await,
        Err(e) => failure("storing material failed", e),
    }
}

/// The note that goes with material handed in (the files come beside it).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct MaterialForm {
    material_note: String,
}

/// What is wrong with the material handed in, if anything.
fn material_problem(form: &PostedForm, note: &str) -> Option<String> {
    match (form.file_problem(), form.files.is_empty()) {
        (Some(message), _) => Some(message),
        (None, true) => Some("请选择要上传的照片或文件".to_string()),
        (None, false) if note.chars().count() > MATERIAL_NOTE_MAX_CHARS => {
            Some(format!("说明最多{MATERIAL_NOTE_MAX_CHARS}个字"))
        }
        (None, false) => None,
    }
}

/// The case's step back to the township's queue with the applicant's files.
fn material_handed_in(
    case: &ApplicationRecord,
    next: Status,
    note: &str,
    files: Vec<SavedFile>,
    now: i64,
) -> CaseChange {
    let described = if note.is_empty() { String::new() } else { format!("：{note}") };
    CaseChange {
        register: None,
        household: None,
        event: CaseEvent {
            at: now,
            actor: "申请人".into(),
            action: Action::ProvideMaterial.key().into(),
            status: next,
            note: format!("上传材料{}个{described}", files.len()),
        },
        monthly_amount: None,
        notice: None,
        notify: None, // the applicant is on the page and sees the result at once
        recheck_drawn: None,
        files,
        referrals: Vec::new(),
        audit: AuditEvent::at(
            now,
            resident(case),
            "application.material_provided",
            &case.reference,
            "files handed in",
        ),
    }
}
