//! Form handlers for staff sign-in, sign-out and password change. Each answers with a 303 redirect:
//! on success to the next page, on failure back to the form with a short error code that the page
//! explains (and the username, so it need not be typed again).

use super::respond::{failure, now, redirect};
use crate::startup::AppState;
use app::audit::AuditEvent;
use app::auth::{
    hash_password, issue_token, session_cookie, staff_for_token, token_from_cookie_header, verify_password,
};
use app::domain::staff::{after_failed_login, check_new_password, PasswordError};
use axum::{
    extract::State,
    http::{header, HeaderMap},
    response::Response,
    Form,
};
use std::sync::OnceLock;

/// argon2 is deliberately slow: run it off the async workers.
async fn password_matches(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.unwrap_or(false)
}

/// A real hash to verify against when the username does not exist, so that the answer takes as long
/// as for a real account and does not reveal which usernames exist.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password for unknown users").unwrap_or_default())
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

pub async fn login(State(state): State<AppState>, Form(form): Form<LoginForm>) -> Response {
    let username = form.username.trim().to_string();
    let retry = |code: &str| {
        let user: String = url::form_urlencoded::byte_serialize(username.as_bytes()).collect();
        redirect(&format!("/review/login?error={code}&user={user}"), &[])
    };
    let account = match state.services.store.staff_by_username(&username).await {
        Ok(account) => account,
        Err(e) => return failure("staff sign-in failed", e),
    };
    let Some(account) = account else {
        password_matches(form.password, decoy_hash().to_string()).await;
        let event = AuditEvent::now("anonymous", "staff.sign_in_failed", "unknown-account", "");
        if let Err(e) = state.services.store.append_audit(&event).await {
            return failure("staff sign-in failed", e);
        }
        return retry("invalid");
    };
    let actor = format!("staff:{}", account.identity.id);
    let now = now();
    if account.locked_until.is_some_and(|until| until > now) {
        return retry("locked");
    }
    if !password_matches(form.password, account.password_hash.clone()).await {
        let (failed, locked_until) = after_failed_login(account.failed_logins, now);
        if let Err(e) = state.services.store.set_login_state(account.identity.id, failed, locked_until).await
        {
            return failure("staff sign-in failed", e);
        }
        let detail = if locked_until.is_some() { "locked for 15 minutes" } else { "" };
        let event = AuditEvent::now("anonymous", "staff.sign_in_failed", actor, detail);
        if let Err(e) = state.services.store.append_audit(&event).await {
            return failure("staff sign-in failed", e);
        }
        return retry(if locked_until.is_some() { "locked" } else { "invalid" });
    }
    if let Err(e) = state.services.store.set_login_state(account.identity.id, 0, None).await {
        return failure("staff sign-in failed", e);
    }
    if let Err(e) =
        state.services.store.append_audit(&AuditEvent::now(actor.clone(), "staff.sign_in", actor, "")).await
    {
        return failure("staff sign-in failed", e);
    }
    let token =
        issue_token(state.config.session_secret.expose(), account.identity.id, account.session_version, now);
    redirect("/review", &[session_cookie(&token, state.config.secure_cookies)])
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(account) = signed_in(&state, &headers).await {
        let actor = format!("staff:{}", account.identity.id);
        if let Err(e) = state
            .services
            .store
            .append_audit(&AuditEvent::now(actor.clone(), "staff.sign_out", actor, ""))
            .await
        {
            return failure("staff sign-in failed", e);
        }
    }
    redirect("/review/login?signed_out=1", &[session_cookie("", state.config.secure_cookies)])
}

/// The staff account of the request's session cookie, if it is still valid.
pub(crate) async fn signed_in(state: &AppState, headers: &HeaderMap) -> Option<app::store::StaffAccount> {
    let token =
        headers.get(header::COOKIE).and_then(|v| v.to_str().ok()).and_then(token_from_cookie_header)?;
    let secret = state.config.session_secret.expose();
    match staff_for_token(state.services.store.as_ref(), secret, token).await {
        Ok(account) => account,
        Err(e) => {
            tracing::error!(error = %e, "reading the staff session failed");
            None
        }
    }
}

#[derive(serde::Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Response {
    let secret = state.config.session_secret.expose();
    let Some(account) = signed_in(&state, &headers).await else {
        return redirect("/review/login", &[]);
    };
    if let Err(e) = check_new_password(&form.current, &form.new, &form.confirm) {
        let code = match e {
            PasswordError::TooShort => "too_short",
            PasswordError::Mismatch => "mismatch",
            PasswordError::Unchanged => "unchanged",
        };
        return redirect(&format!("/review/password?error={code}"), &[]);
    }
    if !password_matches(form.current, account.password_hash.clone()).await {
        return redirect("/review/password?error=wrong_current", &[]);
    }
    let new_hash = match tokio::task::spawn_blocking(move || hash_password(&form.new)).await {
        Ok(Ok(hash)) => hash,
        Ok(Err(e)) => return failure("staff sign-in failed", e),
        Err(e) => return failure("staff sign-in failed", e),
    };
    let version = match state.services.store.set_password(account.identity.id, &new_hash).await {
        Ok(version) => version,
        Err(e) => return failure("staff sign-in failed", e),
    };
    let actor = format!("staff:{}", account.identity.id);
    let event = AuditEvent::now(actor.clone(), "staff.password_changed", actor, "other sessions ended");
    if let Err(e) = state.services.store.append_audit(&event).await {
        return failure("staff sign-in failed", e);
    }
    let token = issue_token(secret, account.identity.id, version, now());
    redirect("/review?password_changed=1", &[session_cookie(&token, state.config.secure_cookies)])
}
