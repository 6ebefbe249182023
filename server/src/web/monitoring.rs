//! The visit forms: closing a monitoring warning after the visit, and registering a household a worker
//! found at the door (`features::monitoring` holds the rules).

use super::respond::{back_with, failure, redirect};
use super::review::signed_in;
use super::sessions::StaffSession;
use super::static_pages::html_response;
use crate::startup::AppState;
use crate::uploads::{discard_request, file_response, read_form_with_optional_files, PostedForm};
use app::domain::application::Posted;
use app::domain::monitoring::{VisitRecord, WarningOutcome};
use app::features::monitoring::{
    answer_household_referral, close_warning, register_found_household, FoundHousehold, PostedVisit,
    WarningError,
};
use app::store::StaffAccount;
use axum::extract::{Path, Request, State};
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

fn visit(posted: &Posted, form: PostedForm) -> PostedVisit {
    PostedVisit {
        record: VisitRecord::check(posted.get("observations"), &posted.all("indicators").collect::<Vec<_>>()),
        refused_photo: form.file_problem(),
        photos: form.files,
    }
}

/// The signed-in staff member and the visit form with its photos; a form that did not arrive whole goes
/// back to `page` with the message next to the photo field.
async fn visit_form(
    state: &AppState,
    headers: &HeaderMap,
    page: &str,
    request: Request,
) -> Result<(StaffAccount, Posted, PostedForm), Response> {
    let Some(account) = signed_in(state, headers).await else {
        discard_request(request).await;
        return Err(redirect(app::routes::REVIEW_LOGIN, &[]));
    };
    match read_form_with_optional_files(request, "photos").await {
        Ok(mut form) => Ok((account, Posted(std::mem::take(&mut form.fields)), form)),
        Err(incomplete) => {
            Err(back_with(state, page, &[] as &[(&str, &str)], &[("photos", incomplete.to_string())]).await)
        }
    }
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

/// POST /review/warnings/{id}/close, with the visit's photos.
pub async fn close(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let page = format!("/review/warnings/{id}");
    let (account, posted, form) = match visit_form(&state, &headers, &page, request).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    let now = state.services.now();
    let visit = visit(&posted, form);
    let closed = match outcome(&posted) {
        Ok(outcome) => {
            close_warning(&state.services, &state.evidence, &account.identity, id, visit, outcome, now).await
        }
        Err(e) => Err(e),
    };
    match closed {
        Ok(()) => redirect("/review/warnings?closed=1", &[]),
        Err(WarningError::NotFound) => not_found(),
        Err(WarningError::Invalid(field, message)) => {
            back_with(&state, &page, &typed_again(&posted), &[(field, message)]).await
        }
        Err(e) => failure("closing a warning failed", e),
    }
}

/// POST /review/visits: a household found at the door, with the visit's photos.
pub async fn record_found(State(state): State<AppState>, headers: HeaderMap, request: Request) -> Response {
    let (account, posted, form) = match visit_form(&state, &headers, "/review/visits/new", request).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    let members = (0..app::areas::monitoring::FOUND_MEMBER_ROWS)
        .map(|i| {
            let field = |name: String| posted.get(&name).to_string();
            (field(format!("member_name_{i}")), field(format!("member_id_{i}")))
        })
        .collect();
    let found =
        FoundHousehold { village: posted.get("village").to_string(), members, visit: visit(&posted, form) };
    let now = state.services.now();
    match register_found_household(&state.services, &state.evidence, &account.identity, found, now).await {
        Ok((household, created)) => {
            let recorded = if created { "new" } else { "known" };
            redirect(&format!("/review/visits/new?recorded={recorded}&household={household}"), &[])
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
    StaffSession(account): StaffSession,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let posted = Posted(pairs);
    let now = state.services.now();
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

/// GET /review/households/{id}/photo/{photo}: a visit photo, for those who may open the household
/// (audited by the use case).
pub async fn photo(
    State(state): State<AppState>,
    StaffSession(account): StaffSession,
    Path((household, photo)): Path<(i64, i64)>,
) -> Response {
    let now = state.services.now();
    let file = match app::features::households::visit_photo(
        &state.services,
        &account.identity,
        household,
        photo,
        now,
    )
    .await
    {
        Ok(file) => file,
        Err(WarningError::NotFound) => {
            return html_response(
                StatusCode::NOT_FOUND,
                "没有找到这张照片",
                "照片不存在，或不属于您负责的范围。",
            )
        }
        Err(e) => return failure("opening a visit photo failed", e),
    };
    match state.evidence.read(&file.sha256).await {
        Ok(bytes) => file_response(bytes, &file.content_type),
        Err(e) => failure("reading a visit photo failed", e),
    }
}
