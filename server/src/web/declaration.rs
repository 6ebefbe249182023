//! A household's declaration of a change (家庭情况变化申报), from the status page after the SMS check:
//! the posts of its pages, translated to `app::features::declaration`.

use super::respond::{back_with, failure, redirect, NOTHING_TYPED};
use super::sessions::StatusSession;
use super::status::lookup;
use crate::startup::AppState;
use crate::uploads::{discard_request, read_form_with_optional_files};
use app::auth::StatusClaims;
use app::features::declaration::{self, DeclarationError};
use app::routes::STATUS_VIEW;
use axum::{
    extract::{Request, State},
    http::HeaderMap,
    response::Response,
    Form,
};

const KIND_PAGE: &str = "/status/change";
const DETAILS_PAGE: &str = app::routes::STATUS_CHANGE_DETAILS;
const CHECK_PAGE: &str = "/status/change/check";
/// How much of each typed field comes back after a refusal: enough to show the "too long" message
/// beside the text that caused it.
const KEPT_CHARS: usize = app::domain::declaration::DETAILS_MAX_CHARS + 100;

/// The reference of the verified household on this phone, if any.
fn verified_reference(state: &AppState, headers: &HeaderMap) -> Option<String> {
    lookup(state, headers).filter(|claims| claims.verified).map(|claims| claims.reference)
}

/// Where a post goes next: the next page, back to its own page with messages, or the status page.
async fn answer<V: AsRef<str>>(
    state: &AppState,
    page: &str,
    next: &str,
    typed: &[(&str, V)],
    result: Result<(), DeclarationError>,
) -> Response {
    match result {
        Ok(()) => redirect(next, &[]),
        Err(DeclarationError::Refused(problems)) => back_with(state, page, typed, &problems).await,
        Err(DeclarationError::NotOpen) => redirect(STATUS_VIEW, &[]),
        Err(e @ DeclarationError::Failed(_)) => failure("a declaration step failed", e),
    }
}

#[derive(serde::Deserialize)]
pub struct KindForm {
    #[serde(default)]
    kind: String,
}

/// POST /status/change/kind
pub async fn kind(
    State(state): State<AppState>,
    StatusSession(StatusClaims { reference, .. }): StatusSession,
    Form(form): Form<KindForm>,
) -> Response {
    let result = declaration::choose_kind(&state.services, &reference, &form.kind).await;
    answer(&state, KIND_PAGE, DETAILS_PAGE, &[("kind", form.kind.as_str())], result).await
}

#[derive(serde::Deserialize)]
pub struct DetailsForm {
    #[serde(default)]
    occurred_on: String,
    #[serde(default)]
    details: String,
    #[serde(default)]
    income: String,
}

/// POST /status/change/details
pub async fn details(
    State(state): State<AppState>,
    StatusSession(StatusClaims { reference, .. }): StatusSession,
    Form(form): Form<DetailsForm>,
) -> Response {
    // What was typed comes back after a refusal, cut to a length the flash store keeps.
    let keep = |text: &str| text.chars().take(KEPT_CHARS).collect::<String>();
    let typed = [
        ("occurred_on", keep(&form.occurred_on)),
        ("details", keep(&form.details)),
        ("income", keep(&form.income)),
    ];
    let result = declaration::give_details(
        &state.services,
        &reference,
        &form.occurred_on,
        &form.details,
        &form.income,
    )
    .await;
    answer(&state, DETAILS_PAGE, CHECK_PAGE, &typed, result).await
}

/// POST /status/change/submit: the check page's submit, with optional evidence (photos or PDFs).
pub async fn submit(State(state): State<AppState>, headers: HeaderMap, request: Request) -> Response {
    let Some(reference) = verified_reference(&state, &headers) else {
        discard_request(request).await;
        return redirect("/status", &[]);
    };
    let form = match read_form_with_optional_files(request, "evidence").await {
        Ok(form) => form,
        Err(incomplete) => {
            return back_with(&state, CHECK_PAGE, NOTHING_TYPED, &[("evidence", incomplete.to_string())])
                .await
        }
    };
    if let Some(problem) = form.file_problem() {
        return back_with(&state, CHECK_PAGE, NOTHING_TYPED, &[("evidence", problem)]).await;
    }
    match declaration::submit(&state.services, &state.evidence, &reference, &form.files).await {
        Ok(number) => redirect(&format!("/status/change/done?number={number}"), &[]),
        Err(DeclarationError::Refused(problems)) => {
            back_with(&state, CHECK_PAGE, NOTHING_TYPED, &problems).await
        }
        Err(DeclarationError::NotOpen) => redirect(STATUS_VIEW, &[]),
        Err(e @ DeclarationError::Failed(_)) => failure("storing a declaration failed", e),
    }
}
