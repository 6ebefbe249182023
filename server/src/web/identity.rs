//! Identity level 1 for residents: a mobile number, the SMS code sent to it, then the name and ID number.
//! For 代办 a helper first says who they are; the code then goes to the resident's phone with the helper
//! named, and the resident reading it out is their consent. Plain form posts answered by redirects; a
//! failed post keeps what was typed through the flash store (`?flash=…`), never in the address.

use super::respond::{self, back_with, redirect, shape_problems};
use super::sms_codes::{self, CodeProblem};
use crate::startup::AppState;
use app::auth::{
    cookie, issue_pending_phone, issue_resident_token, pending_phone_from_token, resident_from_token,
    PendingCode, ResidentClaims, PENDING_PHONE_COOKIE, PENDING_PHONE_SECONDS, RESIDENT_COOKIE,
    RESIDENT_SESSION_SECONDS,
};
use app::auth::{cookie_in, SameSite};
use app::domain::application::Applicant;
use app::domain::helper::{check_helper, Helper};
use app::domain::id_number::{BirthDate, IdNumber};
use app::domain::masking::mask_name;
use app::domain::otp::CodePurpose;
use app::domain::person_name::check_name;
use app::domain::phone::MobileNumber;
use app::features::application;
use app::sms::SmsMessage;
use axum::{extract::State, http::HeaderMap, response::Response, Form};

const START: &str = "/apply/identity";
const HELPER_START: &str = "/apply/helper";
const CODE_STEP: &str = "/apply/identity?step=code";
const DONE: &str = "/apply/identity/done";

#[derive(serde::Deserialize)]
pub struct CodeRequest {
    #[serde(default)]
    phone: Option<String>,
}

/// Sends a code to the number typed (or, for "resend", to the number waiting for its code).
pub async fn send_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CodeRequest>,
) -> Response {
    let secret = state.config.session_secret.expose();
    let pending = cookie_in(&headers, PENDING_PHONE_COOKIE)
        .and_then(|t| pending_phone_from_token(secret, &t, state.services.now()));
    // "Resend" keeps the helper of a 代办 code.
    let (typed, page, helper) = match (&form.phone, pending) {
        (Some(typed), _) => (typed.clone(), START, None),
        (None, Some(pending)) => (pending.phone.as_str().to_string(), CODE_STEP, pending.helper),
        (None, None) => (String::new(), START, None),
    };
    let phone = match MobileNumber::parse(&typed) {
        Ok(phone) => phone,
        Err(e) => return back_with(&state, START, &[("phone", &typed)], &[("phone", e.to_string())]).await,
    };
    send_and_wait(&state, &phone, helper, page, &[("phone", &typed)]).await
}

#[derive(serde::Deserialize, validator::Validate)]
pub struct HelperForm {
    #[serde(default)]
    #[validate(length(max = 30, message = "姓名最多30个字"))]
    helper_name: String,
    #[serde(default)]
    #[validate(length(max = 20, message = "手机号码最多20个字符"))]
    helper_phone: String,
    #[serde(default)]
    #[validate(length(max = 30, message = "请从列表中选择关系"))]
    helper_role: String,
    #[serde(default)]
    #[validate(length(max = 20, message = "手机号码最多20个字符"))]
    phone: String,
}

/// POST /apply/helper/code: 代办. The helper's details are checked and the code goes to the resident's
/// phone, naming the helper.
pub async fn send_helper_code(State(state): State<AppState>, Form(form): Form<HelperForm>) -> Response {
    let typed = [
        ("helper_name", form.helper_name.as_str()),
        ("helper_phone", form.helper_phone.as_str()),
        ("helper_role", form.helper_role.as_str()),
        ("phone", form.phone.as_str()),
    ];
    let too_long = shape_problems(&form);
    if !too_long.is_empty() {
        return back_with(&state, HELPER_START, &typed, &too_long).await;
    }
    let resident = MobileNumber::parse(&form.phone);
    let helper =
        check_helper(&form.helper_name, &form.helper_phone, &form.helper_role, resident.as_ref().ok());
    let (phone, helper) = match (resident, helper) {
        (Ok(phone), Ok(helper)) => (phone, helper),
        (resident, helper) => {
            let mut problems = helper.err().unwrap_or_default();
            if let Err(e) = resident {
                problems.push(("phone", e.to_string()));
            }
            return back_with(&state, HELPER_START, &typed, &problems).await;
        }
    };
    send_and_wait(&state, &phone, Some(helper), HELPER_START, &typed).await
}

/// Sends the code (a 代办 consent code when there is a helper) and goes to the code step, remembering the
/// phone and the helper in a short-lived signed cookie; a refusal goes back to `page` with `typed`.
async fn send_and_wait(
    state: &AppState,
    phone: &MobileNumber,
    helper: Option<Helper>,
    page: &str,
    typed: &[(&str, &str)],
) -> Response {
    let key = sms_codes::phone_key(state, phone);
    let message = |code| match &helper {
        Some(helper) => SmsMessage::ProxyConsent { code, helper: helper.describe() },
        None => SmsMessage::VerificationCode { code },
    };
    let purpose = if helper.is_some() { CodePurpose::ProxyConsent } else { CodePurpose::Apply };
    match sms_codes::send(state, Some(phone), &key, purpose, message).await {
        Ok(()) => {}
        Err(CodeProblem::Refused(message)) => {
            return back_with(state, page, typed, &[("phone", message)]).await
        }
        Err(CodeProblem::Failed(response)) => return response,
    }
    let secret = state.config.session_secret.expose();
    let pending = issue_pending_phone(secret, phone, helper.as_ref(), state.services.now());
    let pending_cookie = cookie(
        PENDING_PHONE_COOKIE,
        &pending,
        PENDING_PHONE_SECONDS,
        SameSite::Lax,
        state.config.secure_cookies,
    );
    redirect(CODE_STEP, &[pending_cookie])
}

#[derive(serde::Deserialize, validator::Validate)]
pub struct VerifyForm {
    #[serde(default)]
    #[validate(length(max = 12, message = "验证码是6位数字"))]
    code: String,
    #[serde(default)]
    #[validate(length(max = 30, message = "姓名最多30个字"))]
    name: String,
    #[serde(default)]
    #[validate(length(max = 30, message = "身份证号码是18位"))]
    id_number: String,
}

/// Checks the code, the name and the ID number; on success starts the resident's session.
pub async fn verify(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<VerifyForm>,
) -> Response {
    let secret = state.config.session_secret.expose();
    let Some(pending) = cookie_in(&headers, PENDING_PHONE_COOKIE)
        .and_then(|t| pending_phone_from_token(secret, &t, state.services.now()))
    else {
        if cookie_in(&headers, RESIDENT_COOKIE)
            .and_then(|t| resident_from_token(secret, &t, state.services.now()))
            .is_some()
        {
            // Submitted again after success (a double click, or Back and submit).
            return redirect(DONE, &[]);
        }
        let message = "验证码已过期或尚未获取，请重新获取验证码".to_string();
        return back_with(&state, START, respond::NOTHING_TYPED, &[("phone", message)]).await;
    };
    let key = sms_codes::phone_key(&state, &pending.phone);
    let now = state.services.now();
    let typed = [("name", form.name.as_str()), ("id_number", form.id_number.as_str())];
    let (name, id) = match checked_person(&form, now) {
        Ok(person) => person,
        Err(errors) => return back_with(&state, CODE_STEP, &typed, &errors).await,
    };
    let purpose = if pending.helper.is_some() { CodePurpose::ProxyConsent } else { CodePurpose::Apply };
    match sms_codes::check(&state, &key, purpose, form.code.trim()).await {
        Ok(()) => {}
        Err(CodeProblem::Refused(message)) => {
            return back_with(&state, CODE_STEP, &typed, &[("code", message)]).await
        }
        Err(CodeProblem::Failed(response)) => return response,
    }
    start_session(&state, pending, key, name, id, now).await
}

/// The name and ID number as typed (and a code typed at all), or the problems to show next to them.
fn checked_person(form: &VerifyForm, now: i64) -> Result<(String, IdNumber), Vec<(&'static str, String)>> {
    let mut errors = shape_problems(form);
    if !errors.is_empty() {
        return Err(errors);
    }
    if form.code.trim().is_empty() {
        errors.push(("code", "请填写短信验证码".to_string()));
    }
    let name = check_name(&form.name).map_err(|e| errors.push(("name", e.to_string()))).ok();
    let id = IdNumber::parse(&form.id_number, BirthDate::today_in_china(now))
        .map_err(|e| errors.push(("id_number", e.to_string())))
        .ok();
    match (name, id) {
        (Some(name), Some(id)) if errors.is_empty() => Ok((name, id)),
        _ => Err(errors),
    }
}

/// The code was right: the resident's draft is started (or resumed), the check audited, and the
/// session cookie replaces the pending one.
async fn start_session(
    state: &AppState,
    pending: PendingCode,
    key: String,
    name: String,
    id: IdNumber,
    now: i64,
) -> Response {
    let claims = ResidentClaims {
        sub: key,
        phone_masked: pending.phone.masked(),
        name_masked: mask_name(&name),
        id_masked: id.masked(),
        exp: now + RESIDENT_SESSION_SECONDS,
    };
    let session = issue_resident_token(state.config.session_secret.expose(), &claims);
    let applicant = Applicant { name, id_number: id, phone: pending.phone.as_str().to_string() };
    let started = application::start_or_resume(&state.services, &claims.sub, applicant, pending.helper);
    if let Err(e) = started.await {
        return failure(e);
    }
    let secure = state.config.secure_cookies;
    redirect(
        DONE,
        &[
            cookie(RESIDENT_COOKIE, &session, RESIDENT_SESSION_SECONDS, SameSite::Lax, secure),
            cookie(PENDING_PHONE_COOKIE, "", 0, SameSite::Lax, secure),
        ],
    )
}

fn failure(e: impl std::fmt::Display) -> Response {
    respond::failure("identity check failed", e)
}
