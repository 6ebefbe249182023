//! Who is calling, as extractors: a handler that takes `StaffSession` or `AdminSession` runs only for a
//! signed-in staff member or administrator, and everyone else gets the answer here (sign in first, or
//! 403). A handler whose form carries photos checks the session itself (`review::signed_in`), so that it
//! can read the form to its end before answering (`uploads::discard_request`).

use super::respond::redirect;
use super::review::signed_in;
use super::static_pages::html_response;
use crate::startup::AppState;
use app::store::StaffAccount;
use axum::{extract::FromRequestParts, http::request::Parts, http::StatusCode, response::Response};

/// The signed-in staff member.
pub struct StaffSession(pub StaffAccount);

/// The signed-in administrator.
pub struct AdminSession(pub StaffAccount);

impl FromRequestParts<AppState> for StaffSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match signed_in(state, &parts.headers).await {
            Some(account) => Ok(Self(account)),
            None => Err(redirect("/review/login", &[])),
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
