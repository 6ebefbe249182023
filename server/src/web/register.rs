//! Reviewers' posts on a household's record in the register, translated to `app::features::register`,
//! which checks who may do what: the township's review and the county's confirmation.

use super::cases::posted_with_photos;
use super::respond::{back_with, failure, redirect, shape_problems};
use super::review::signed_in;
use super::static_pages::html_response;
use crate::startup::AppState;
use app::domain::register::ReviewForm;
use app::features::cases::{ActError, CaseDesk};
use app::features::register::{self, Confirmation, ReviewCommand};
use axum::{
    extract::{Path, Request, State},
    http::{HeaderMap, StatusCode},
    response::Response,
    Form,
};

/// The fields of the review form, in the order they are kept for the page after a refusal.
const REVIEW_FIELDS: [&str; 9] =
    ["outcome", "note", "amount", "until", "reason", "income", "employed", "household_size", "residence"];

pub(super) fn desk(state: &AppState) -> CaseDesk<'_> {
    CaseDesk {
        services: &state.services,
        files: &state.evidence,
        recheck_share_percent: state.config.recheck_share_percent,
    }
}

/// How a refused or failed step answers: back to the case page with the messages, 404 outside scope.
pub(super) async fn answer(
    state: &AppState,
    page: &str,
    typed: &[(&str, String)],
    result: Result<(), ActError>,
) -> Response {
    match result {
        Ok(()) => redirect(page, &[]),
        Err(ActError::Refused(problems)) => back_with(state, page, typed, &problems).await,
        Err(ActError::NotFound) => {
            html_response(StatusCode::NOT_FOUND, "没有这个案件", "编号不存在，或不属于您负责的范围。")
        }
        Err(e @ ActError::Failed(_)) => failure("a record step failed", e),
    }
}

/// POST /review/case/{reference}/review: the township's review of the record, with visit photos.
pub async fn review(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let (account, page, form) = match posted_with_photos(&state, &headers, &reference, request).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    let typed: Vec<(&str, String)> =
        REVIEW_FIELDS.iter().map(|f| (*f, form.value(f).chars().take(2000).collect())).collect();
    let field = |name: &str| form.value(name).to_string();
    let review_form = ReviewForm {
        outcome: field("outcome"),
        note: field("note"),
        amount: field("amount"),
        until: field("until"),
        reason: field("reason"),
        income: field("income"),
        employed: field("employed"),
        household_size: field("household_size"),
        residence: field("residence"),
    };
    let command = ReviewCommand { form: review_form, refused_photo: form.file_problem(), photos: form.files };
    let result = register::review(&desk(&state), &account.identity, &reference, command).await;
    answer(&state, &page, &typed, result).await
}

#[derive(serde::Deserialize, validator::Validate)]
pub struct ConfirmForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    #[validate(length(max = 2000, message = "审核意见最多2000个字"))]
    confirm_note: String,
}

/// The signed-in reviewer and the case page of a plain (no files) post on a case, or the answer at once:
/// the sign-in page without a session, the case page with the messages when a field is too long.
pub(super) async fn plain_case_post(
    state: &AppState,
    headers: &HeaderMap,
    reference: &str,
    typed: &[(&str, String)],
    form: &impl validator::Validate,
) -> Result<(app::store::StaffAccount, String), Response> {
    let Some(account) = signed_in(state, headers).await else { return Err(redirect("/review/login", &[])) };
    let page = format!("/review/case/{reference}");
    let too_long = shape_problems(form);
    if !too_long.is_empty() {
        return Err(back_with(state, &page, typed, &too_long).await);
    }
    Ok((account, page))
}

/// POST /review/case/{reference}/confirm: the county confirms or returns a township's adjustment or ending.
pub async fn confirm(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    headers: HeaderMap,
    Form(form): Form<ConfirmForm>,
) -> Response {
    let typed = [("confirm_note", form.confirm_note.clone())];
    let (account, page) = match plain_case_post(&state, &headers, &reference, &typed, &form).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    let confirmation = Confirmation { confirm: form.decision == "confirm", note: form.confirm_note.clone() };
    let result = register::confirm(&desk(&state), &account.identity, &reference, confirmation).await;
    answer(&state, &page, &typed, result).await
}
