//! The 长辈模式 switch: a plain form post that sets a cookie and sends the browser back where it was.

use crate::startup::AppState;
use app::auth::{cookie, SameSite};
use app::domain::preferences::{safe_return_path, ELDER_MODE_COOKIE};
use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Form,
};

#[derive(serde::Deserialize)]
pub struct ElderModeForm {
    enabled: String,
    #[serde(default)]
    back: String,
}

/// One year: the preference belongs to the phone, not to a visit.
const REMEMBER_SECONDS: i64 = 365 * 24 * 3600;

pub async fn set_elder_mode(State(state): State<AppState>, Form(form): Form<ElderModeForm>) -> Response {
    let on = form.enabled == "1";
    let value = if on { "1" } else { "" };
    let cookie =
        cookie(ELDER_MODE_COOKIE, value, REMEMBER_SECONDS, SameSite::Lax, state.config.secure_cookies);
    let location = safe_return_path(&form.back);
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    match (HeaderValue::from_str(&cookie), HeaderValue::from_str(location)) {
        (Ok(cookie), Ok(location)) => {
            headers.insert(header::SET_COOKIE, cookie);
            headers.insert(header::LOCATION, location);
        }
        _ => {
            headers.insert(header::LOCATION, HeaderValue::from_static("/"));
        }
    }
    response
}
