//! The visit forms: closing a monitoring warning after the visit, and registering a household a worker
//! found at the door (`features::monitoring` holds the rules).

use super::respond::{back_with, failure, redirect};
use super::review::signed_in;
use super::static_pages::html_response;
use crate::startup::AppState;
use app::domain::application::Posted;
use app::domain::monitoring::{VisitRecord, WarningOutcome};
use app::features::monitoring::{
    answer_household_referral, close_warning, register_found_household, FoundHousehold, WarningError,
};
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

fn visit(posted: &Posted) -> Result<VisitRecord, (&'static str, String)> {
    VisitRecord::check(posted.get("observations"), &posted.all("indicators").collect::<Vec<_>>())
}

/// What a failed post keeps: the ticked risks joined into one value (the flash store keeps one per name).
fn typed_again(posted: &Posted) -> Vec<(String, String)> {
    let mut typed: Vec<(String, String)> =
        posted.0.iter().filter(|(n, _)| n != "indicators").cloned().collect();
    typed.push(("indicators".into(), posted.all("indicators").collect::<Vec<_>>().join(",")));
    typed
}

fn not_found() -> Response {
    html_response(
        StatusCode::NOT_FOUND,
        "没有找到这条预警",
        "预警可能已办结，或不属于您负责的村（社区）、乡镇（街道）。",
    )
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
    let now = app::services::unix_now();
    let closed = match outcome(&posted) {
        Ok(outcome) => {
            close_warning(&state.services, &account.identity, id, visit(&posted), outcome, now).await
        }
        Err(e) => Err(e),
    };
    match closed {
        Ok(()) => redirect("/review/warnings?closed=1", &[]),
        Err(WarningError::NotFound) => not_found(),
        Err(WarningError::Invalid(field, message)) => {
            back_with(&state, &format!("/review/warnings/{id}"), &typed_again(&posted), &[(field, message)])
                .await
        }
        Err(e) => failure("closing a warning failed", e),
    }
}

/// POST /review/visits: a household found at the door.
pub async fn record_found(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let Some(account) = signed_in(&state, &headers).await else {
        return redirect("/review/login", &[]);
    };
    let posted = Posted(pairs);
    let members = (0..app::areas::monitoring::FOUND_MEMBER_ROWS)
        .map(|i| {
            let field = |name: String| posted.get(&name).to_string();
            (field(format!("member_name_{i}")), field(format!("member_id_{i}")))
        })
        .collect();
    let found = FoundHousehold { village: posted.get("village").to_string(), members, visit: visit(&posted) };
    let now = app::services::unix_now();
    match register_found_household(&state.services, &account.identity, found, now).await {
        Ok((_, created)) => {
            redirect(&format!("/review/visits/new?recorded={}", if created { "new" } else { "known" }), &[])
        }
        Err(WarningError::NotFound) => html_response(
            StatusCode::NOT_FOUND,
            "没有找到这个页面",
            "只有乡镇（街道）审核人员和村（社区）协理员登记走访。",
        ),
        Err(WarningError::Invalid(field, message)) => {
            back_with(&state, "/review/visits/new", &typed_again(&posted), &[(field, message)]).await
        }
        Err(e) => failure("recording a visit failed", e),
    }
}

/// POST /review/household-referrals/{id}/answer: the department's answer to a referred household.
pub async fn answer_referral(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let Some(account) = signed_in(&state, &headers).await else {
        return redirect("/review/login", &[]);
    };
    let posted = Posted(pairs);
    let now = app::services::unix_now();
    match answer_household_referral(&state.services, &account.identity, id, posted.get("answer"), now).await {
        Ok(()) => redirect(&format!("/review/household-referrals/{id}"), &[]),
        Err(WarningError::NotFound) => {
            html_response(StatusCode::NOT_FOUND, "没有找到这条转介", "转介可能已办理，或不属于您所在的部门。")
        }
        Err(WarningError::Invalid(field, message)) => {
            let page = format!("/review/household-referrals/{id}");
            back_with(&state, &page, &[("answer", posted.get("answer"))], &[(field, message)]).await
        }
        Err(e) => failure("answering a referred household failed", e),
    }
}
