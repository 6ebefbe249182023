//! The application form's posts: each question page's form is read as its own serde struct and handed
//! to `features::application`, which checks it and keeps the answers in the resident's sealed draft; the
//! answer is a redirect to the next page, or back with the errors and what was typed. The final post
//! submits (checked again, stored in one transaction, idempotent).

use super::respond::{back_with, disk_full, failure, not_this_form, redirect, NOTHING_TYPED};
use super::sessions::{identity_expired, resident, ResidentSession};
use crate::startup::AppState;
use crate::uploads::is_disk_full;
use crate::uploads::{discard, read_form, PostedForm};
use app::domain::application::{
    AccountForm, AssetsForm, HouseholdForm, IncomeForm, Moved, PlaceForm, SpendingForm, Step, StepForm,
    SubmitForm, TypesForm,
};
use app::domain::documents::{DocumentKind, DraftDocument, MAX_DOCUMENTS};
use app::domain::upload::DRAFT_UPLOADS_PER_DAY;
use app::features::application::{self, ApplyError};
use app::store::uploads_refused;
use axum::{
    extract::{Multipart, Path, RawForm, State},
    http::HeaderMap,
    response::Response,
};
use axum_extra::extract::Form;

/// What a refused post answers: the identity check again (its draft is kept), back to `page` with the
/// messages and what was typed, or 500.
async fn refused<V: AsRef<str>>(
    state: &AppState,
    page: &str,
    typed: &[(V, V)],
    error: ApplyError,
) -> Response {
    match error {
        ApplyError::NoDraft => identity_expired(state).await,
        ApplyError::Refused(problems) => back_with(state, page, typed, &problems).await,
        ApplyError::Store(e) => failure("the application form failed", e),
    }
}

/// POST /apply/form/{step}. Which struct the body is read as depends on the path, so the body is taken
/// as it came (`RawForm` still insists on a form's content type) and read per step.
pub async fn save_step(
    State(state): State<AppState>,
    ResidentSession(resident): ResidentSession,
    Path(slug): Path<String>,
    RawForm(body): RawForm,
) -> Response {
    let post = (&state, resident.sub.as_str(), body.as_ref());
    match Step::from_slug(&slug) {
        Some(Step::Types) => save_answers::<TypesForm>(post).await,
        Some(Step::Place) => save_answers::<PlaceForm>(post).await,
        Some(Step::Household) => save_answers::<HouseholdForm>(post).await,
        Some(Step::Income) => save_answers::<IncomeForm>(post).await,
        Some(Step::Assets) => save_answers::<AssetsForm>(post).await,
        Some(Step::Spending) => save_answers::<SpendingForm>(post).await,
        Some(Step::Account) => save_answers::<AccountForm>(post).await,
        Some(Step::Check) | None => redirect("/apply", &[]),
    }
}

/// One question page's post: on to the next question (or back to the check page the resident came
/// from), or the same page again for the household list's small forms.
async fn save_answers<F: StepForm>((state, phone_key, body): (&AppState, &str, &[u8])) -> Response {
    let page = F::STEP.path();
    let Ok(form) = serde_html_form::from_bytes::<F>(body) else { return not_this_form() };
    let typed: Vec<(String, String)> = serde_html_form::from_bytes(body).unwrap_or_default();
    let returning = typed.iter().any(|(name, value)| name == "return" && value == "check");
    match application::answer(&state.services, phone_key, form).await {
        Ok(Moved::On) if returning => redirect(&Step::Check.path(), &[]),
        Ok(Moved::On) => redirect(&F::STEP.next().path(), &[]),
        Ok(Moved::Stay) => redirect(&page, &[]),
        Err(error) => refused(state, &page, &typed, error).await,
    }
}

/// POST /apply/documents: a document photographed or chosen on the check page. Checked by its content,
/// cleaned of metadata, stored under its hash and named in the draft; the page lists what is still missing.
pub async fn upload_document(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let page = Step::Check.path();
    let Some(resident) = resident(&state, &headers) else {
        discard(multipart).await;
        return identity_expired(&state).await;
    };
    let draft = match application::draft(&state.services, &resident.sub).await {
        Ok(Some(draft)) => draft,
        Ok(None) => {
            discard(multipart).await;
            return identity_expired(&state).await;
        }
        Err(error) => return refused(&state, &page, NOTHING_TYPED, error).await,
    };
    let form = match read_form(multipart, "document").await {
        Ok(form) => form,
        Err(incomplete) => {
            return back_with(&state, &page, NOTHING_TYPED, &[("document", incomplete.to_string())]).await
        }
    };
    let Some(fields) = form.fields_as::<DocumentForm>() else { return not_this_form() };
    let typed = [("kind", fields.kind.as_str())];
    let kind = match document_kind(&fields, &form, draft.documents.len()) {
        Ok(kind) => kind,
        Err(problem) => return back_with(&state, &page, &typed, &[problem]).await,
    };
    let subject = format!("draft:{}", resident.sub);
    let store = state.services.store.as_ref();
    match uploads_refused(store, &subject, form.files.len(), DRAFT_UPLOADS_PER_DAY, state.services.now())
        .await
    {
        Ok(None) => {}
        Ok(Some(message)) => {
            let message = message + "，其余材料可以交给乡镇（街道）工作人员";
            return back_with(&state, &page, &typed, &[("document", message)]).await;
        }
        Err(e) => return failure("counting uploads failed", e),
    }
    let saved = match state.evidence.save_all(&form).await {
        Ok(saved) => saved,
        Err(e) if is_disk_full(&e) => {
            return back_with(&state, &page, &typed, &[disk_full("document")]).await
        }
        Err(e) => return failure("saving a document failed", e),
    };
    let documents = saved.into_iter().map(|(sha256, content_type, size)| DraftDocument {
        kind,
        sha256,
        content_type,
        size,
    });
    match application::add_documents(&state.services, &resident.sub, draft, documents.collect()).await {
        Ok(()) => redirect(&format!("{page}#documents"), &[]),
        Err(error) => refused(&state, &page, &typed, error).await,
    }
}

/// What a document upload says besides its files: which document it is.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct DocumentForm {
    kind: String,
}

/// The kind of document posted with its files, or what is wrong (`already`: documents in the draft).
fn document_kind(
    fields: &DocumentForm,
    form: &PostedForm,
    already: usize,
) -> Result<DocumentKind, (&'static str, String)> {
    match (DocumentKind::from_key(&fields.kind), form.file_problem()) {
        (None, _) => Err(("kind", "请选择上传的是什么材料".to_string())),
        (Some(_), Some(problem)) => Err(("document", problem)),
        (Some(_), None) if form.files.is_empty() => Err(("document", "请拍照或选择要上传的文件".to_string())),
        (Some(_), None) if already + form.files.len() > MAX_DOCUMENTS => {
            Err(("document", format!("最多上传{MAX_DOCUMENTS}个文件，其余材料可以交给乡镇（街道）工作人员")))
        }
        (Some(kind), None) => Ok(kind),
    }
}

#[derive(serde::Deserialize)]
pub struct DocumentIndex {
    /// The document's place in the draft's list, as the check page numbers them.
    index: usize,
}

/// POST /apply/documents/remove: takes a document out of the draft (the resident chose the wrong file).
pub async fn remove_document(
    State(state): State<AppState>,
    ResidentSession(resident): ResidentSession,
    Form(form): Form<DocumentIndex>,
) -> Response {
    let page = format!("{}#documents", Step::Check.path());
    match application::remove_document(&state.services, &resident.sub, form.index).await {
        Ok(()) => redirect(&page, &[]),
        Err(error) => refused(&state, &page, NOTHING_TYPED, error).await,
    }
}

/// POST /apply/submit: the application, or the check page again with what is missing.
pub async fn submit(
    State(state): State<AppState>,
    ResidentSession(resident): ResidentSession,
    Form(form): Form<SubmitForm>,
) -> Response {
    let typed = [("consent", if form.consent.0 { "yes" } else { "" })];
    match application::submit(&state.services, &resident.sub, form).await {
        Ok(reference) => redirect(&format!("/apply/submitted/{reference}"), &[]),
        Err(error) => refused(&state, &Step::Check.path(), &typed, error).await,
    }
}
