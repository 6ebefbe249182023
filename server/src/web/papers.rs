//! Paper for the archive and for residents: GET /review/case/{reference}/form.pdf (the 审批表, for the
//! case's township and county reviewers, `app::features::case_papers`), GET
//! /review/case/{reference}/consent.pdf (the 授权书 and 承诺书 to sign at the home visit) and GET
//! /apply/submitted/{reference}/receipt.png (the receipt as a picture, for the phone that submitted).

use super::downloads::{made_on_request, Made};
use super::respond::failure;
use super::sessions::StaffSession;
use super::static_pages::html_response;
use crate::documents::approval_form::approval_form_pdf;
use crate::documents::consent_forms::consent_forms_pdf;
use crate::documents::receipt::receipt_png;
use crate::startup::AppState;
use app::auth::cookie_in;
use app::auth::{resident_from_token, RESIDENT_COOKIE};
use app::features::case_papers::{
    approval_form as approval_form_of, consent_forms as consent_forms_of, PaperError,
};
use app::store::StaffAccount;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;

pub async fn approval_form(
    State(state): State<AppState>,
    StaffSession(account): StaffSession,
    Path(reference): Path<String>,
) -> Response {
    case_paper(state, account, reference, CasePaper::ApprovalForm).await
}

/// GET /review/case/{reference}/consent.pdf: the 授权书 and 承诺书, one page per adult member.
pub async fn consent_forms(
    State(state): State<AppState>,
    StaffSession(account): StaffSession,
    Path(reference): Path<String>,
) -> Response {
    case_paper(state, account, reference, CasePaper::ConsentForms).await
}

enum CasePaper {
    ApprovalForm,
    ConsentForms,
}

/// Laying out a PDF, run off the request threads.
type Job = Box<dyn FnOnce() -> Result<Vec<u8>, String> + Send>;

/// A paper of a case for its reviewers: read and audited by the use case, laid out here.
async fn case_paper(state: AppState, account: StaffAccount, reference: String, paper: CasePaper) -> Response {
    let Some(font) = state.fonts.get() else { return font_missing() };
    let (services, staff, now) = (&state.services, &account.identity, state.services.now());
    let read: Result<(String, Job), PaperError> = match paper {
        CasePaper::ApprovalForm => approval_form_of(services, staff, &reference, now).await.map(|form| {
            let name = format!("审批表-{}.pdf", form.reference);
            (name, Box::new(move || approval_form_pdf(&font, &form)) as Job)
        }),
        CasePaper::ConsentForms => consent_forms_of(services, staff, &reference, now).await.map(|forms| {
            let name = format!("授权书和承诺书-{}.pdf", forms.reference);
            (name, Box::new(move || consent_forms_pdf(&font, &forms)) as Job)
        }),
    };
    match read {
        Ok((name, job)) => made_on_request(Made::Pdf, name, job).await,
        Err(e) => paper_error(e),
    }
}

fn paper_error(e: PaperError) -> Response {
    match e {
        PaperError::NotFound => super::cases::not_found(),
        e => failure("reading a case for its papers failed", e),
    }
}

pub async fn receipt(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Response {
    let not_found =
        || html_response(StatusCode::NOT_FOUND, "无法显示这份回执", "回执只在提交申请的手机上显示。");
    let secret = state.config.session_secret.expose();
    let Some(resident) = cookie_in(&headers, RESIDENT_COOKIE)
        .and_then(|t| resident_from_token(secret, &t, state.services.now()))
    else {
        return not_found();
    };
    let receipt = match app::features::receipts::receipt(&state.services, &resident, &reference).await {
        Ok(receipt) => receipt,
        Err(PaperError::NotFound) => return not_found(),
        Err(e) => return failure("reading a receipt failed", e),
    };
    let Some(font) = state.fonts.get() else { return font_missing() };
    let name = format!("申请回执-{}.png", receipt.reference);
    made_on_request(Made::Png, name, move || receipt_png(&font, &receipt)).await
}

/// The font is not installed or not readable: the operator must fix it (logged when first tried).
fn font_missing() -> Response {
    let mut response =
        html_response(StatusCode::SERVICE_UNAVAILABLE, "暂时无法生成文件", "请稍后再试，或联系系统管理员。");
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("3600"));
    response
}
