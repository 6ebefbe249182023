//! The form that closes a monitoring warning after the visit (`features::monitoring` holds the rules).

use super::respond::{back_with, failure, redirect};
use super::review::signed_in;
use super::static_pages::html_response;
use crate::startup::AppState;
use app::domain::application::Posted;
use app::domain::monitoring::WarningOutcome;
use app::features::monitoring::{close_warning, WarningError};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;

/// The outcome as posted: the chosen kind with its one field.
fn outcome(posted: &Posted) -> Result<WarningOutcome, WarningError> {
    let field = |name| posted.get(name).to_string();
    match posted.get("outcome") {
        "helped_to_apply" => Ok(WarningOutcome::HelpedToApply { reference: field("reference") }),
        "referred" => Ok(WarningOutcome::Referred { department: field("department") }),
        "no_action" => Ok(WarningOutcome::NoAction { reason: field("reason") }),
        _ => Err(WarningError::Invalid("outcome", "请选择处置结果".into())),
    }
}

/// POST /review/warnings/{id}/close
pub async fn close(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let Some(account) = signed_in(&state, &headers).await else {
        return redirect("/review/login", &[]);
    };
    let posted = Posted(pairs);
    let closed = match outcome(&posted) {
        Ok(outcome) => {
            close_warning(&state.services, &account.identity, id, outcome, app::services::unix_now()).await
        }
        Err(e) => Err(e),
    };
    match closed {
        Ok(()) => redirect("/review/warnings?closed=1", &[]),
        Err(WarningError::NotFound) => html_response(
            StatusCode::NOT_FOUND,
            "没有找到这条预警",
            "预警可能已办结，或不属于您负责的乡镇（街道）。",
        ),
        Err(WarningError::Invalid(field, message)) => {
            back_with(&state, &format!("/review/warnings/{id}"), &posted.0, &[(field, message)]).await
        }
        Err(e) => failure("closing a warning failed", e),
    }
}
