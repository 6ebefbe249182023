//! The visit forms: closing a monitoring warning after the visit, and registering a household a worker
//! found at the door (`features::monitoring` holds the rules).

use super::respond::{back_with, failure, not_this_form, redirect};
use super::review::signed_in;
use super::sessions::StaffSession;
use super::static_pages::html_response;
use crate::startup::AppState;
use crate::uploads::{discard_request, file_response, read_form_with_optional_files, PostedForm};
use app::domain::monitoring::WarningOutcome;
use app::features::monitoring::{
    answer_household_referral, close_warning, register_found_household, CloseWarningForm, FoundHousehold,
    FoundHouseholdForm, PostedVisit, ReferralAnswerForm, WarningError,
};
use app::store::StaffAccount;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;

/// The visit's photos, and why one was refused.
fn photos(posted: PostedForm) -> (Vec<(&'static str, Vec<u8>)>, Option<String>) {
    let refused = posted.file_problem();
    (posted.files, refused)
}

/// The signed-in staff member and the visit form with its photos; a form that did not arrive whole goes
/// back to `page` with the message next to the photo field.
async fn visit_form(
    state: &AppState,
    headers: &HeaderMap,
    page: &str,
    request: Request,
) -> Result<(StaffAccount, PostedForm), Response> {
    let Some(account) = signed_in(state, headers).await else {
        discard_request(request).await;
        return Err(redirect(app::routes::REVIEW_LOGIN, &[]));
    };
    match read_form_with_optional_files(request, "photos").await {
        Ok(posted) => Ok((account, posted)),
        Err(incomplete) => {
            Err(back_with(state, page, &[] as &[(&str, &str)], &[("photos", incomplete.to_string())]).await)
        }
    }
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
    let (account, posted) = match visit_form(&state, &headers, &page, request).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    let Some(form) = posted.fields_as::<CloseWarningForm>() else { return not_this_form() };
    let (photos, refused) = photos(posted);
    let visit = PostedVisit::new(&form.observations, &form.indicators, photos, refused);
    let now = state.services.now();
    let closed = match WarningOutcome::try_from(&form) {
        Ok(outcome) => {
            close_warning(&state.services, &state.evidence, &account.identity, id, visit, outcome, now).await
        }
        Err(e) => Err(e),
    };
    match closed {
        Ok(()) => redirect("/review/warnings?closed=1", &[]),
        Err(WarningError::NotFound) => not_found(),
        Err(WarningError::Invalid(field, message)) => {
            back_with(&state, &page, &form.typed(), &[(field, message)]).await
        }
        Err(e) => failure("closing a warning failed", e),
    }
}

/// POST /review/visits: a household found at the door, with the visit's photos.
pub async fn record_found(State(state): State<AppState>, headers: HeaderMap, request: Request) -> Response {
    let page = "/review/visits/new";
    let (account, posted) = match visit_form(&state, &headers, page, request).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    let Some(form) = posted.fields_as::<FoundHouseholdForm>() else { return not_this_form() };
    let typed = form.typed();
    let (photos, refused) = photos(posted);
    let visit = PostedVisit::new(&form.observations, &form.indicators, photos, refused);
    let found = FoundHousehold { form, visit };
    let now = state.services.now();
    match register_found_household(&state.services, &state.evidence, &account.identity, found, now).await {
        Ok((household, created)) => {
            let recorded = if created { "new" } else { "known" };
            redirect(&format!("{page}?recorded={recorded}&household={household}"), &[])
        }
        Err(WarningError::NotFound) => html_response(
            StatusCode::NOT_FOUND,
            "没有找到这个页面",
            "只有乡镇（街道）审核人员和村（社区）协理员登记走访。",
        ),
        Err(WarningError::Invalid(field, message)) => {
            back_with(&state, page, &typed, &[(field, message)]).await
        }
        Err(e) => failure("recording a visit failed", e),
    }
}

/// POST /review/household-referrals/{id}/answer: the department's answer to a referred household.
pub async fn answer_referral(
    State(state): State<AppState>,
    StaffSession(account): StaffSession,
    Path(id): Path<i64>,
    Form(form): Form<ReferralAnswerForm>,
) -> Response {
    let now = state.services.now();
    match answer_household_referral(&state.services, &account.identity, id, &form.answer, now).await {
        Ok(()) => redirect(&format!("/review/household-referrals/{id}"), &[]),
        Err(WarningError::NotFound) => {
            html_response(StatusCode::NOT_FOUND, "没有找到这条转介", "转介可能已办理，或不属于您所在的部门。")
        }
        Err(WarningError::Invalid(field, message)) => {
            let page = format!("/review/household-referrals/{id}");
            back_with(&state, &page, &[("answer", form.answer.as_str())], &[(field, message)]).await
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
