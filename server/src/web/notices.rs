//! Objections to a public notice entry over HTTP: each client's budgets per hour (posts read, objections
//! filed) and the form; filing, grouping and the entry's daily limit are `app::features::objections`.

use super::client::ClientAddr;
use super::respond::{back_with, failure, not_this_form, NOTHING_TYPED};
use super::static_pages::html_response;
use crate::startup::AppState;
use crate::uploads::read_anonymous_form;
use app::domain::notice::{check_objection, REASON_MAX_CHARS};
use app::features::objections::{self, ObjectionError, ObjectionForm, ENTRY_LIMIT_MESSAGE};
use axum::{
    extract::{Multipart, Path, State},
    http::StatusCode,
    response::Response,
};

fn gone() -> Response {
    html_response(StatusCode::NOT_FOUND, "公示已结束", "这条公示不存在或公示期已结束，不能再提出异议。")
}

/// POST /notices/{id}/objection: the per-client budgets and the form, around
/// `app::features::objections`.
pub async fn object(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    client: ClientAddr,
    multipart: Multipart,
) -> Response {
    let page = format!("/notices/{id}/objection");
    // Refused by a budget: nothing of the post is kept (the posts' budget refuses before reading it).
    let too_often = || async {
        let message = "提交太频繁，请一小时后再试，或拨打下方的监督电话反映".to_string();
        back_with(&state, &page, NOTHING_TYPED, &[("reason", message)]).await
    };
    if state.objections.posts.spend(client).is_err() {
        return too_often().await;
    }
    let form = match read_anonymous_form(multipart, "evidence").await {
        Ok(form) => form,
        Err(incomplete) => {
            return back_with(&state, &page, NOTHING_TYPED, &[("evidence", incomplete.to_string())]).await
        }
    };
    if let Err(refused) = objections::entry_in_notice(&state.services, id).await {
        return answer(&state, &page, &[], refused).await;
    }
    let Some(fields) = form.fields_as::<ObjectionForm>() else { return not_this_form() };
    let (reason, contact_name, contact_phone) = (&fields.reason, &fields.contact_name, &fields.contact_phone);
    // What comes back after a failed post is cut to what the inputs take.
    let cut = |value: &str, max: usize| value.chars().take(max).collect::<String>();
    let typed = [
        ("reason", cut(reason, REASON_MAX_CHARS)),
        ("contact_name", cut(contact_name, 20)),
        ("contact_phone", cut(contact_phone, 20)),
    ];
    let checked = check_objection(reason, contact_name, contact_phone);
    let mut problems = checked.as_ref().err().cloned().unwrap_or_default();
    problems.extend(form.file_problem().map(|message| ("evidence", message)));
    let input = match checked {
        Ok(input) if problems.is_empty() => input,
        _ => return back_with(&state, &page, &typed, &problems).await,
    };
    if state.objections.filed.spend(client).is_err() {
        return too_often().await;
    }
    let limit = state.config.objections_per_entry_per_day;
    match objections::file(&state.services, &state.evidence, id, input, &form.files, limit).await {
        Ok(receipt) => {
            back_with(&state, "/notices/objection/done", &[("receipt", receipt.as_str())], &[]).await
        }
        Err(refused) => answer(&state, &page, &typed, refused).await,
    }
}

/// How a refused objection is answered.
async fn answer(state: &AppState, page: &str, typed: &[(&str, String)], refused: ObjectionError) -> Response {
    match refused {
        ObjectionError::Gone => gone(),
        ObjectionError::Refused(field, message) => back_with(state, page, typed, &[(field, message)]).await,
        ObjectionError::EntryLimitReached => {
            back_with(state, page, NOTHING_TYPED, &[("reason", ENTRY_LIMIT_MESSAGE.to_string())]).await
        }
        ObjectionError::Failed(cause) => failure("filing an objection failed", cause),
    }
}
