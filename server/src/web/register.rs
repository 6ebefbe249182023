//! Reviewers' posts on a household's record in the register, translated to `app::features::register`,
//! which checks who may do what: the township's review and the county's confirmation.

use super::cases::{answer, desk, plain_case_post, CasePostWithPhotos};
use super::respond::not_this_form;
use crate::startup::AppState;
use app::domain::register::ReviewForm;
use app::features::register::{self, Confirmation, ReviewCommand};
use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::Response,
    Form,
};

/// The fields of the review form, in the order they are kept for the page after a refusal.
const REVIEW_FIELDS: [&str; 9] =
    ["outcome", "note", "amount", "until", "reason", "income", "employed", "household_size", "residence"];

fn kept(form: &ReviewForm) -> Vec<(&'static str, String)> {
    let values = [
        &form.outcome,
        &form.note,
        &form.amount,
        &form.until,
        &form.reason,
        &form.income,
        &form.employed,
        &form.household_size,
        &form.residence,
    ];
    REVIEW_FIELDS
        .iter()
        .zip(values)
        .map(|(field, value)| (*field, value.chars().take(2000).collect()))
        .collect()
}

/// POST /review/case/{reference}/review: the township's review of the record, with visit photos.
pub async fn review(
    State(state): State<AppState>,
    CasePostWithPhotos { account, reference, page, form }: CasePostWithPhotos,
) -> Response {
    let Some(review_form) = form.fields_as::<ReviewForm>() else { return not_this_form() };
    let typed = kept(&review_form);
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
