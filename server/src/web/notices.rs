//! Objections to a public notice entry. Anyone may object, anonymously by default; the objection is
//! stored for the township's staff. A case's first objection reopens the investigation
//! (`domain::workflow`); later ones are grouped with it for the township, so that objecting in a loop
//! cannot hold a case up. Each client has a budget per hour and each entry a limit per day. The
//! objector gets a receipt code, stored only as a keyed hash.

use super::client::ClientAddr;
use super::respond::{back_with, disk_full, failure, now, NOTHING_TYPED};
use super::static_pages::html_response;
use crate::startup::AppState;
use crate::uploads::{is_disk_full, read_anonymous_form};
use app::audit::AuditEvent;
use app::domain::application::Draft;
use app::domain::calendar::Date;
use app::domain::notice::{check_objection, receipt_code, GROUPED_OBJECTION_EVENT, REASON_MAX_CHARS};
use app::domain::workflow::{next_step, transition, Action, Actor, Facts, Status};
use app::store::{CaseChange, CaseEvent, NewObjection, ObjectionLimit, ObjectionOutcome};
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
    let store = &state.services.store;
    let now = now();
    match store.current_notice(id, Date::today_in_china(now)).await {
        Ok(Some(_)) => {}
        Ok(None) => return gone(),
        Err(e) => return failure("reading a notice failed", e),
    }
    let (reason, contact_name, contact_phone) =
        (form.value("reason"), form.value("contact_name"), form.value("contact_phone"));
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
    let files = match state.evidence.save_all(&form).await {
        Ok(files) => files,
        Err(e) if is_disk_full(&e) => {
            return back_with(&state, &page, &typed, &[disk_full("evidence")]).await
        }
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
    let notify = match state.services.sealer.open::<Draft>(&case.sealed) {
        Ok(draft) => app::sms::seal_status(
            &state.services.sealer,
            &draft.applicant.phone,
            next.label(),
            next_step(next),
        ),
        Err(e) => return failure("a case does not open", e),
    };
    let reopen = reopening(&case.reference, next, now, notify);
    let grouped = grouping(&case.reference, case.status, now);
    let limit = ObjectionLimit { since: now - 86_400, max: state.config.objections_per_entry_per_day };
    match store.file_objection(&objection, &reopen, &grouped, limit).await {
        Ok(ObjectionOutcome::Reopened | ObjectionOutcome::Grouped) => {}
        Ok(ObjectionOutcome::NoticeOver) => return gone(),
        Ok(ObjectionOutcome::EntryLimitReached) => {
            let message =
                "这条公示近一天已收到较多异议，乡镇正在逐条核实；如有新的情况，请拨打下方的监督电话反映";
            return back_with(&state, &page, NOTHING_TYPED, &[("reason", message.to_string())]).await;
        }
        Err(e) => return failure("storing an objection failed", e),
    }
    back_with(&state, "/notices/objection/done", &[("receipt", receipt.as_str())], &[]).await
}

/// The change of a case's first objection: the investigation opens again and the applicant is told.
/// The history names the objection, never the objector.
fn reopening(reference: &str, next: Status, now: i64, notify: String) -> CaseChange {
    CaseChange {
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
        notify: Some(notify),
        recheck_drawn: None,
        files: Vec::new(),
        referrals: Vec::new(),
        audit: AuditEvent::now("public", "notice.objection", reference, "investigation reopened"),
    }
}

/// The change of a later objection: added for the township, the case stays in notice.
fn grouping(reference: &str, status: Status, now: i64) -> CaseChange {
    CaseChange {
        event: CaseEvent {
            at: now,
            actor: "公众".into(),
            action: GROUPED_OBJECTION_EVENT.into(),
            status,
            note: "公示期又收到异议，请乡镇核实是否需要重新调查".into(),
        },
        notify: None,
        audit: AuditEvent::now(
            "public",
            "notice.objection_grouped",
            reference,
            "added to earlier objections",
        ),
        ..reopening(reference, status, now, String::new())
    }
}
