//! Reviewers' posts on 先行救助, translated to `app::features::emergency`, which checks who may do what:
//! the township gives help first, the county answers once the file is complete.

use super::cases::{answer, desk, plain_case_post};
use crate::startup::AppState;
use app::domain::emergency::GrantForm;
use app::features::emergency::{self, Answer};
use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::Response,
    Form,
};

#[derive(serde::Deserialize, validator::Validate)]
pub struct GrantPost {
    #[serde(default)]
    #[validate(length(max = 20, message = "金额最多20个字符"))]
    emergency_amount: String,
    #[serde(default)]
    #[validate(length(max = 2000, message = "情况说明最多500个字"))]
    emergency_reason: String,
}

/// POST /review/case/{reference}/emergency: the township gives help first.
pub async fn grant(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    headers: HeaderMap,
    Form(post): Form<GrantPost>,
) -> Response {
    let typed = [
        ("emergency_amount", post.emergency_amount.clone()),
        ("emergency_reason", post.emergency_reason.clone()),
    ];
    let (account, page) = match plain_case_post(&state, &headers, &reference, &typed, &post).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    let form = GrantForm { amount: post.emergency_amount, reason: post.emergency_reason };
    let result = emergency::grant(&desk(&state), &account.identity, &reference, form).await;
    answer(&state, &page, &typed, result).await
}

#[derive(serde::Deserialize, validator::Validate)]
pub struct AnswerPost {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    #[validate(length(max = 2000, message = "审核意见最多2000个字"))]
    emergency_note: String,
}

/// POST /review/case/{reference}/emergency/answer: the county confirms the help given first, or not.
pub async fn county_answer(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    headers: HeaderMap,
    Form(post): Form<AnswerPost>,
) -> Response {
    let typed = [("emergency_note", post.emergency_note.clone())];
    let (account, page) = match plain_case_post(&state, &headers, &reference, &typed, &post).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    let reply = Answer { confirm: post.decision == "confirm", note: post.emergency_note };
    let result = emergency::answer(&desk(&state), &account.identity, &reference, reply).await;
    answer(&state, &page, &typed, result).await
}
