//! Identity level 1 for residents: a mobile number, the SMS code sent to it, then the name and ID number.
//! Plain form posts answered by redirects; a failed post keeps what was typed through the flash store
//! (`?flash=…`), never in the address.

use super::application;
use super::respond::{self, back_with, now, redirect, request_cookie};
use super::static_pages::internal_error;
use crate::startup::AppState;
use app::audit::AuditEvent;
use app::auth::{
    cookie, issue_pending_phone, issue_resident_token, pending_phone_from_token, resident_from_token,
    ResidentClaims, PENDING_PHONE_COOKIE, PENDING_PHONE_SECONDS, RESIDENT_COOKIE, RESIDENT_SESSION_SECONDS,
};
use app::domain::application::Applicant;
use app::domain::id_number::{BirthDate, IdNumber};
use app::domain::masking::mask_name;
use app::domain::otp::OtpPolicy;
use app::domain::person_name::check_name;
use app::domain::phone::MobileNumber;
use app::sms::SmsMessage;
use axum::{extract::State, http::HeaderMap, response::Response, Form};
use rand::Rng;

const START: &str = "/apply/identity";
const CODE_STEP: &str = "/apply/identity?step=code";
const DONE: &str = "/apply/identity/done";
/// Codes are kept a day for the per-phone limits, then purged.
const OTP_RETENTION_SECONDS: i64 = 24 * 3600;

fn phone_key(state: &AppState, phone: &MobileNumber) -> String {
    state.services.hasher.digest("phone", phone.as_str())
}

fn code_hash_input(phone_key: &str, code: &str) -> String {
    format!("{phone_key}:{code}")
}

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
    let pending =
        request_cookie(&headers, PENDING_PHONE_COOKIE).and_then(|t| pending_phone_from_token(secret, t));
    let (typed, page) = match (&form.phone, &pending) {
        (Some(typed), _) => (typed.clone(), START),
        (None, Some(pending)) => (pending.as_str().to_string(), CODE_STEP),
        (None, None) => (String::new(), START),
    };
    let phone = match MobileNumber::parse(&typed) {
        Ok(phone) => phone,
        Err(e) => return back_with(&state, START, &[("phone", &typed)], &[("phone", e.to_string())]),
    };
    let store = &state.services.store;
    let key = phone_key(&state, &phone);
    let now = now();
    let policy = OtpPolicy::default();
    let previous = match store.otp_send_times(&key, now - policy.window_seconds).await {
        Ok(times) => times,
        Err(e) => return failure(e),
    };
    if let Err(refused) = policy.check_send(&previous, now) {
        return back_with(&state, page, &[("phone", &typed)], &[("phone", refused.to_string())]);
    }
    let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000));
    let code_hash = state.services.hasher.digest("otp", &code_hash_input(&key, &code));
    if let Err(e) = store.insert_otp(&key, &code_hash, now, now - OTP_RETENTION_SECONDS).await {
        return failure(e);
    }
    if let Err(e) = state.services.sms.send(&phone, &SmsMessage::VerificationCode { code }).await {
        tracing::error!(error = %e, "verification SMS not sent");
        let message = "短信发送失败，请稍后再试，或拨打页面底部的电话求助".to_string();
        return back_with(&state, page, &[("phone", &typed)], &[("phone", message)]);
    }
    let pending = issue_pending_phone(secret, &phone, now);
    let pending_cookie =
        cookie(PENDING_PHONE_COOKIE, &pending, PENDING_PHONE_SECONDS, "Lax", state.config.secure_cookies);
    redirect(CODE_STEP, &[pending_cookie])
}

#[derive(serde::Deserialize)]
pub struct VerifyForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_number: String,
}

/// Checks the code, the name and the ID number; on success starts the resident's session.
pub async fn verify(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<VerifyForm>,
) -> Response {
    let secret = state.config.session_secret.expose();
    let secure = state.config.secure_cookies;
    let Some(phone) =
        request_cookie(&headers, PENDING_PHONE_COOKIE).and_then(|t| pending_phone_from_token(secret, t))
    else {
        if request_cookie(&headers, RESIDENT_COOKIE).and_then(|t| resident_from_token(secret, t)).is_some() {
            // Submitted again after success (a double click, or Back and submit).
            return redirect(DONE, &[]);
        }
        let message = "验证码已过期或尚未获取，请重新获取验证码".to_string();
        return back_with(&state, START, respond::NOTHING_TYPED, &[("phone", message)]);
    };
    let key = phone_key(&state, &phone);
    let now = now();
    let typed = [("name", form.name.as_str()), ("id_number", form.id_number.as_str())];

    let mut errors = Vec::new();
    let code = form.code.trim();
    if code.is_empty() {
        errors.push(("code", "请填写短信验证码".to_string()));
    }
    let name = check_name(&form.name).map_err(|e| errors.push(("name", e.to_string()))).ok();
    let id = IdNumber::parse(&form.id_number, BirthDate::today_in_china(now))
        .map_err(|e| errors.push(("id_number", e.to_string())))
        .ok();
    if !errors.is_empty() {
        return back_with(&state, CODE_STEP, &typed, &errors);
    }
    let (Some(name), Some(id)) = (name, id) else { return internal_error() };

    let store = &state.services.store;
    let latest = match store.latest_otp(&key).await {
        Ok(latest) => latest,
        Err(e) => return failure(e),
    };
    let matches = latest
        .as_ref()
        .is_some_and(|(_, hash)| state.services.hasher.matches("otp", &code_hash_input(&key, code), hash));
    if let Err(rejected) = OtpPolicy::default().check_code(latest.as_ref().map(|(c, _)| *c), matches, now) {
        if let (false, Some((issued, _))) = (matches, &latest) {
            if let Err(e) = store.count_otp_attempt(issued.id).await {
                return failure(e);
            }
        }
        return back_with(&state, CODE_STEP, &typed, &[("code", rejected.to_string())]);
    }
    let Some((issued, _)) = latest else { return internal_error() };
    if let Err(e) = store.use_otp(issued.id).await {
        return failure(e);
    }
    let claims = ResidentClaims {
        sub: key,
        phone_masked: phone.masked(),
        name_masked: mask_name(&name),
        id_masked: id.masked(),
        exp: now + RESIDENT_SESSION_SECONDS,
    };
    let session = issue_resident_token(secret, &claims);
    let applicant = Applicant { name, id_number: id, phone: phone.as_str().to_string() };
    if let Err(e) = application::start_or_resume_draft(&state, &claims.sub, applicant).await {
        return e;
    }
    let actor = format!("resident:{}", &claims.sub[..12]);
    let event = AuditEvent::now(actor.clone(), "resident.identity_verified", actor, "level 1 (SMS)");
    if let Err(e) = store.append_audit(&event).await {
        return failure(e);
    }
    redirect(
        DONE,
        &[
            cookie(RESIDENT_COOKIE, &session, RESIDENT_SESSION_SECONDS, "Lax", secure),
            cookie(PENDING_PHONE_COOKIE, "", 0, "Lax", secure),
        ],
    )
}

fn failure(e: impl std::fmt::Display) -> Response {
    respond::failure("identity check failed", e)
}
