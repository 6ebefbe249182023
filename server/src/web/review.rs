//! Form handlers for staff sign-in, sign-out and password change. Each answers with a 303 redirect:
//! on success to the next page, on failure back to the form with a short error code that the page
//! explains (and the username, so it need not be typed again).

use super::client::ClientAddr;
use super::respond::{failure, redirect};
use super::sessions::StaffSession;
use crate::startup::AppState;
use app::areas::review::PasswordRefusal;
use app::auth::{session_cookie, staff_for_token};
use app::domain::staff::PasswordError;
use app::features::sign_in::{self, PasswordChange, SignInError};
use axum::{extract::State, http::HeaderMap, response::Response, Form};

#[derive(serde::Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

pub async fn login(
    State(state): State<AppState>,
    client: ClientAddr,
    Form(form): Form<LoginForm>,
) -> Response {
    let username = form.username.trim().to_string();
    let retry = |query: &str| {
        let user: String = url::form_urlencoded::byte_serialize(username.as_bytes()).collect();
        redirect(&format!("/review/login?{query}&user={user}"), &[])
    };
    match sign_in::sign_in(&state.services, &username, form.password, &client.key()).await {
        Ok(token) => redirect("/review", &[session_cookie(&token, state.config.secure_cookies)]),
        Err(SignInError::Invalid) => retry("error=invalid"),
        Err(SignInError::Wait(minutes)) => retry(&format!("error=wait&minutes={minutes}")),
        Err(e) => failure("staff sign-in failed", e),
    }
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let (Some(account), Some(token)) = (signed_in(&state, &headers).await, session_token(&headers)) {
        if let Err(e) = sign_in::sign_out(&state.services, &account, &token).await {
            return failure("staff sign-out failed", e);
        }
    }
    redirect("/review/login?signed_out=1", &[session_cookie("", state.config.secure_cookies)])
}

fn session_token(headers: &HeaderMap) -> Option<String> {
    app::auth::cookie_in(headers, app::auth::STAFF_COOKIE)
}

/// The staff account of the request's session cookie, if it is still valid.
pub(crate) async fn signed_in(state: &AppState, headers: &HeaderMap) -> Option<app::store::StaffAccount> {
    let token = session_token(headers)?;
    match staff_for_token(&state.services, &token).await {
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
    StaffSession(account): StaffSession,
    client: ClientAddr,
    Form(form): Form<PasswordForm>,
) -> Response {
    let change = PasswordChange { current: form.current, new: form.new, confirm: form.confirm };
    let refused = match sign_in::change_password(&state.services, &account, change, &client.key()).await {
        Ok(token) => {
            return redirect(
                "/review?password_changed=1",
                &[session_cookie(&token, state.config.secure_cookies)],
            )
        }
        Err(SignInError::Rejected(PasswordError::TooShort)) => PasswordRefusal::TooShort,
        Err(SignInError::Rejected(PasswordError::Mismatch)) => PasswordRefusal::Mismatch,
        Err(SignInError::Rejected(PasswordError::Unchanged)) => PasswordRefusal::Unchanged,
        Err(SignInError::Invalid) => PasswordRefusal::WrongCurrent,
        Err(SignInError::Wait(_)) => PasswordRefusal::Wait,
        Err(e) => return failure("staff password change failed", e),
    };
    redirect(&refused.path(), &[])
}
