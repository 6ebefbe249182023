//! Who is calling, as extractors: a handler that takes `StaffSession` or `AdminSession` runs only for a
//! signed-in staff member or administrator, `ResidentSession` for a resident whose identity check holds,
//! `StatusSession` for a verified status lookup; everyone else gets the answer here (sign in first, 403,
//! check your identity again, look your application up again). A handler whose form carries files checks
//! the session itself (`signed_in`, `resident`, `status::lookup`), so that it can read the form to its end
//! before answering (`uploads::discard`).

use super::respond::{back_with, redirect, NOTHING_TYPED};
use super::review::signed_in;
use super::static_pages::html_response;
use super::status::lookup;
use crate::startup::AppState;
use app::auth::cookie_in;
use app::auth::{resident_from_token, ResidentClaims, StatusClaims, RESIDENT_COOKIE};
use app::store::StaffAccount;
use axum::{
    extract::FromRequestParts,
    http::{request::Parts, HeaderMap, StatusCode},
    response::Response,
};

/// The signed-in staff member.
pub struct StaffSession(pub StaffAccount);

/// The signed-in administrator.
pub struct AdminSession(pub StaffAccount);

/// A resident whose identity check (for the application form) has not run out.
pub struct ResidentSession(pub ResidentClaims);

/// A status lookup confirmed by the code sent to the application's phone.
pub struct StatusSession(pub StatusClaims);

/// The resident's identity check of the request's cookie, if it holds.
pub fn resident(state: &AppState, headers: &HeaderMap) -> Option<ResidentClaims> {
    cookie_in(headers, RESIDENT_COOKIE).and_then(|token| {
        resident_from_token(state.config.session_secret.expose(), &token, state.services.now())
    })
}

/// The answer to a resident whose identity check ran out: the identity page, saying that nothing typed
/// is lost.
pub async fn identity_expired(state: &AppState) -> Response {
    let message = "身份核验已过期（30分钟），请重新核验；已经填写的内容都已保存".to_string();
    back_with(state, "/apply/identity", NOTHING_TYPED, &[("phone", message)]).await
}

impl FromRequestParts<AppState> for StaffSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match signed_in(state, &parts.headers).await {
            Some(account) => Ok(Self(account)),
            None => Err(redirect(app::routes::REVIEW_LOGIN, &[])),
        }
    }
}

impl FromRequestParts<AppState> for AdminSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let StaffSession(account) = StaffSession::from_request_parts(parts, state).await?;
        if !account.identity.is_administrator() {
            return Err(html_response(StatusCode::FORBIDDEN, "无权操作", "系统管理只对管理员开放。"));
        }
        Ok(Self(account))
    }
}

impl FromRequestParts<AppState> for ResidentSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match resident(state, &parts.headers) {
            Some(claims) => Ok(Self(claims)),
            None => Err(identity_expired(state).await),
        }
    }
}

impl FromRequestParts<AppState> for StatusSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match lookup(state, &parts.headers).filter(|claims| claims.verified) {
            Some(claims) => Ok(Self(claims)),
            None => Err(redirect("/status", &[])),
        }
    }
}
