//! Reviewers' form posts on a case, translated to the use cases of `app::features::cases`, which check
//! who may do what: workflow steps, a department's answer to a referral, and the case's files.

use super::respond::{back_with, failure, not_this_form, redirect, shape_problems, NOTHING_TYPED};
use super::review::signed_in;
use super::sessions::StaffSession;
use super::static_pages::html_response;
use crate::startup::AppState;
use crate::uploads::{discard_request, file_response, read_form_with_optional_files, PostedForm};
use app::audit::AuditEvent;
use app::features::cases::{self, open_case, ActError, ActionForm, CaseDesk, CaseError, Command};
use axum::{
    extract::{FromRequest, FromRequestParts, Path, Request, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Form,
};

#[derive(serde::Deserialize, validator::Validate)]
pub struct AnswerForm {
    #[serde(default)]
    #[validate(length(max = 32, message = "请从列表中选择办理结果"))]
    outcome: String,
    #[serde(default)]
    #[validate(length(max = 2000, message = "说明最多2000个字"))]
    note: String,
}

/// A case that does not exist or is outside the caller's scope.
pub(super) fn not_found() -> Response {
    html_response(StatusCode::NOT_FOUND, "没有这个案件", "编号不存在，或不属于您负责的范围。")
}

/// How a case that cannot be opened answers: 404 outside the caller's scope, 500 (logged) otherwise.
fn case_error(e: CaseError) -> Response {
    match e {
        CaseError::NotFound => not_found(),
        CaseError::Store(e) => failure("reading a case failed", e),
    }
}

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
        Err(ActError::NotFound) => not_found(),
        Err(e @ ActError::Failed(_)) => failure("a case step failed", e),
    }
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
    let Some(account) = signed_in(state, headers).await else {
        return Err(redirect(app::routes::REVIEW_LOGIN, &[]));
    };
    let page = format!("/review/case/{reference}");
    let too_long = shape_problems(form);
    if !too_long.is_empty() {
        return Err(back_with(state, &page, typed, &too_long).await);
    }
    Ok((account, page))
}

/// POST /review/case/{reference}: a workflow step (`features::cases::act`), with photos when it records a
/// home visit.
pub async fn act(
    State(state): State<AppState>,
    CasePostWithPhotos { account, reference, page, form }: CasePostWithPhotos,
) -> Response {
    let Some(fields) = form.fields_as::<ActionForm>() else { return not_this_form() };
    let typed = [("note", fields.note.clone()), ("amount", fields.amount.clone())];
    let command = Command { form: fields, refused_photo: form.file_problem(), photos: form.files };
    let result = cases::act(&desk(&state), &account.identity, &reference, command).await;
    answer(&state, &page, &typed, result).await
}

/// A reviewer's post on a case page with optional photos, as an extractor: the signed-in account, the
/// case's reference, its page to come back to and the form; rejected with the answer to give at once (sign in, or the
/// upload was cut short).
pub struct CasePostWithPhotos {
    pub account: app::store::StaffAccount,
    pub reference: String,
    pub page: String,
    pub form: PostedForm,
}

impl FromRequest<AppState> for CasePostWithPhotos {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let reference = match Path::<String>::from_request_parts(&mut parts, state).await {
            Ok(Path(reference)) => reference,
            Err(rejection) => return Err(rejection.into_response()),
        };
        let Some(account) = signed_in(state, &parts.headers).await else {
            discard_request(Request::from_parts(parts, body)).await;
            return Err(redirect(app::routes::REVIEW_LOGIN, &[]));
        };
        let page = format!("/review/case/{reference}");
        match read_form_with_optional_files(Request::from_parts(parts, body), "photos").await {
            Ok(form) => Ok(Self { account, reference, page, form }),
            Err(incomplete) => {
                Err(back_with(state, &page, NOTHING_TYPED, &[("photos", incomplete.to_string())]).await)
            }
        }
    }
}

/// POST /review/case/{reference}/referral: the department's answer to the case's referral, once; it is
/// written to the case history.
pub async fn answer_referral(
    State(state): State<AppState>,
    StaffSession(account): StaffSession,
    Path(reference): Path<String>,
    Form(form): Form<AnswerForm>,
) -> Response {
    let page = format!("/review/case/{reference}");
    let typed = [("outcome", form.outcome.as_str()), ("note", form.note.as_str())];
    let too_long = shape_problems(&form);
    if !too_long.is_empty() {
        return back_with(&state, &page, &typed, &too_long).await;
    }
    match cases::answer_referral(&state.services, &account.identity, &reference, &form.outcome, &form.note)
        .await
    {
        Ok(()) => redirect(&page, &[]),
        Err(ActError::Refused(problems)) => back_with(&state, &page, &typed, &problems).await,
        Err(ActError::NotFound) => not_found(),
        Err(e @ ActError::Failed(_)) => failure("storing a referral answer failed", e),
    }
}

/// GET /review/case/{reference}/file/{id}: a file of the case, for the staff who handle the case's
/// township, and (except objection evidence) for the department the case is referred to; each opening
/// is audited.
pub async fn file(
    State(state): State<AppState>,
    StaffSession(account): StaffSession,
    Path((reference, file_id)): Path<(String, i64)>,
) -> Response {
    let store = &state.services.store;
    let scoped = match open_case(store.as_ref(), &account.identity, &reference).await {
        Ok(scoped) => scoped,
        Err(e) => return case_error(e),
    };
    let case = &scoped.record;
    let file = match store.case_file(file_id).await {
        Ok(Some((owner, file))) if owner == case.id && scoped.may_see_file_from(&file.source) => file,
        Ok(_) => return not_found(),
        Err(e) => return failure("reading a file record failed", e),
    };
    let bytes = match state.evidence.read(&file.sha256).await {
        Ok(bytes) => bytes,
        Err(e) => return failure("reading a case file failed", e),
    };
    let actor = format!("staff:{}", account.identity.id);
    let audit = AuditEvent::at(
        state.services.now(),
        actor,
        "case.file_viewed",
        &case.reference,
        format!("file {file_id}"),
    );
    if let Err(e) = store.append_audit(&audit).await {
        return failure("audit append failed", e);
    }
    file_response(bytes, &file.content_type)
}
