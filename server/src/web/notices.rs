//! Objections to a public notice entry. Anyone may object, anonymously by default; the objection is
//! stored for the township's staff and reopens the investigation (`domain::workflow`). The objector
//! gets a receipt code, stored only as a keyed hash.

use super::respond::{back_with, failure, now, NOTHING_TYPED};
use super::static_pages::html_response;
use crate::startup::AppState;
use crate::uploads::read_form;
use app::audit::AuditEvent;
use app::domain::application::Draft;
use app::domain::calendar::Date;
use app::domain::notice::{check_objection, receipt_code};
use app::domain::workflow::{next_step, transition, Action, Actor, Facts};
use app::store::{CaseChange, CaseEvent, NewObjection};
use axum::{
    extract::{Multipart, Path, State},
    http::StatusCode,
    response::Response,
};
use rand::RngCore;

fn gone() -> Response {
    html_response(StatusCode::NOT_FOUND, "公示已结束", "这条公示不存在或公示期已结束，不能再提出异议。")
}

/// POST /notices/{id}/objection
pub async fn object(State(state): State<AppState>, Path(id): Path<i64>, multipart: Multipart) -> Response {
    let page = format!("/notices/{id}/objection");
    let form = match read_form(multipart, "evidence").await {
        Ok(form) => form,
        Err(incomplete) => {
            return back_with(&state, &page, NOTHING_TYPED, &[("evidence", incomplete.to_string())]).await
        }
    };
    let store = &state.services.store;
    let now = now();
    match store.current_notice(id, Date::today_in_china(now)).await {
        Ok(Some(_)) => {}
        Ok(None) => return gone(),
        Err(e) => return failure("reading a notice failed", e),
    }
    let (reason, contact_name, contact_phone) =
        (form.value("reason"), form.value("contact_name"), form.value("contact_phone"));
    let typed = [("reason", reason), ("contact_name", contact_name), ("contact_phone", contact_phone)];
    let checked = check_objection(reason, contact_name, contact_phone);
    let mut problems = checked.as_ref().err().cloned().unwrap_or_default();
    problems.extend(form.file_problem().map(|message| ("evidence", message)));
    let input = match checked {
        Ok(input) if problems.is_empty() => input,
        _ => return back_with(&state, &page, &typed, &problems).await,
    };
    let files = match state.evidence.save_all(&form).await {
        Ok(files) => files,
        Err(e) => return failure("saving evidence failed", e),
    };
    let case = match store.application_by_id(id).await {
        Ok(Some(case)) => case,
        Ok(None) => return gone(),
        Err(e) => return failure("reading a case failed", e),
    };
    let Ok(next) = transition(case.status, Action::Object, Actor::Public, Facts::default()) else {
        return gone();
    };
    let mut random = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut random);
    let receipt = receipt_code(random);
    let objection = NewObjection {
        application_id: id,
        reason: input.reason,
        contact_sealed: input.contact.map(|contact| state.services.sealer.seal(&contact)),
        receipt_hash: state.services.hasher.digest("objection receipt", &receipt),
        created_at: now,
        files,
    };
    // The history names the objection, never the objector.
    let change = CaseChange {
        register: None,
        event: CaseEvent {
            at: now,
            actor: "公众".into(),
            action: Action::Object.key().into(),
            status: next,
            note: "公示期内收到异议，重新调查核实".into(),
        },
        monthly_amount: None,
        notice: None,
        notify: match state.services.sealer.open::<Draft>(&case.sealed) {
            Ok(draft) => Some(app::sms::seal_status(
                &state.services.sealer,
                &draft.applicant.phone,
                next.label(),
                next_step(next),
            )),
            Err(e) => return failure("a case does not open", e),
        },
        recheck_drawn: None,
        files: Vec::new(),
        referrals: Vec::new(),
        audit: AuditEvent::now("public", "notice.objection", &case.reference, "investigation reopened"),
    };
    match store.file_objection(&objection, case.status, &change).await {
        Ok(true) => {}
        Ok(false) => return gone(),
        Err(e) => return failure("storing an objection failed", e),
    }
    back_with(&state, "/notices/objection/done", &[("receipt", receipt.as_str())], &[]).await
}
