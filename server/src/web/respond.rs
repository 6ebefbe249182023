//! Answers shared by the form handlers: redirects after a post, and the way back to a form with what
//! was typed and the errors (through the flash store, never in the address).

use super::static_pages::{html_response, internal_error};
use crate::startup::AppState;
use app::forms::FormFeedback;
use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};

/// 303 See Other to `location`, setting `cookies`.
pub fn redirect(location: &str, cookies: &[String]) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    headers
        .insert(header::LOCATION, HeaderValue::from_str(location).unwrap_or(HeaderValue::from_static("/")));
    for value in cookies.iter().filter_map(|c| HeaderValue::from_str(c).ok()) {
        headers.append(header::SET_COOKIE, value);
    }
    response
}

/// For `back_with` when nothing typed needs to come back.
pub const NOTHING_TYPED: &[(&str, &str)] = &[];

/// Back to `page` (which may end in a `#fragment`) with the typed values and the errors.
pub async fn back_with<K: AsRef<str>, V: AsRef<str>>(
    state: &AppState,
    page: &str,
    values: &[(K, V)],
    errors: &[(&str, String)],
) -> Response {
    let flash = FormFeedback {
        values: values.iter().map(|(k, v)| (k.as_ref().to_string(), v.as_ref().to_string())).collect(),
        errors: errors.iter().map(|(f, m)| (f.to_string(), m.clone())).collect(),
    };
    let token = match state.services.flash.put(flash).await {
        Ok(token) => token,
        Err(e) => return failure("keeping a failed form", e),
    };
    let (path, fragment) = page.split_once('#').map_or((page, String::new()), |(p, f)| (p, format!("#{f}")));
    let separator = if path.contains('?') { '&' } else { '?' };
    redirect(&format!("{path}{separator}flash={token}{fragment}"), &[])
}

/// The shape rules of a posted form (`validator` attributes: lengths) that fail, as (field, message) for
/// `back_with`; the meaning of each value is checked by the domain rules after these pass.
pub fn shape_problems(form: &impl validator::Validate) -> Vec<(&'static str, String)> {
    let Err(errors) = form.validate() else { return Vec::new() };
    let mut problems: Vec<(&'static str, String)> = errors
        .field_errors()
        .into_iter()
        .flat_map(|(field, errors)| {
            let field: &'static str = match field {
                std::borrow::Cow::Borrowed(name) => name,
                std::borrow::Cow::Owned(_) => "form",
            };
            errors.iter().map(move |e| (field, e.message.as_deref().unwrap_or("内容不符合要求").to_string()))
        })
        .collect();
    problems.sort();
    problems
}

/// Logs what went wrong and answers with the plain error page.
/// The error next to a file field when the disk is too full to keep the file (`uploads::is_disk_full`).
pub fn disk_full(field: &'static str) -> (&'static str, String) {
    (field, app::domain::upload::DISK_FULL_MESSAGE.to_string())
}

pub fn failure(context: &str, e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "{context}");
    internal_error()
}

/// A post that is not what the page's form sends (a field repeated that the form has once, a button it
/// does not have): a program, not a browser, so a plain 400.
pub fn not_this_form() -> Response {
    html_response(StatusCode::BAD_REQUEST, "表单内容有误", "请返回上一页重新填写。")
}
