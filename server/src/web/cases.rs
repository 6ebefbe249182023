//! Reviewers' actions on a case. Checked in this order, whatever the form says: a valid staff session,
//! the case exists and lies in the account's township or county, the account's role may take the
//! action in the case's current state (`domain::workflow`), the typed reasons and amount. The change is
//! stored only if nobody changed the case meanwhile, and audited. Department officers answer the
//! referrals of cases to their department (`domain::referral`) here too.

use super::respond::{back_with, failure, now, redirect, shape_problems, NOTHING_TYPED};
use super::review::signed_in;
use super::static_pages::html_response;
use crate::notifications;
use crate::startup::AppState;
use crate::uploads::{file_response, read_form_with_optional_files};
use app::audit::AuditEvent;
use app::domain::application::Draft;
use app::domain::calendar::Date;
use app::domain::masking::mask_name;
use app::domain::referral::{check_answer, department_name, departments_for, HELP_EVENT};
use app::domain::workflow::{
    case_facts, check_action_input, draw_recheck, next_step, published_types, reviewer_actor, transition,
    Action, CaseState,
};
use app::store::{referral_for, CaseChange, CaseEvent, NoticeEntry};
use axum::{
    extract::{Path, Request, State},
    http::{HeaderMap, StatusCode},
    response::Response,
    Form,
};
use rand::Rng;

#[derive(serde::Deserialize, validator::Validate)]
pub struct AnswerForm {
    #[serde(default)]
    #[validate(length(max = 32, message = "请从列表中选择办理结果"))]
    outcome: String,
    #[serde(default)]
    #[validate(length(max = 2000, message = "说明最多2000个字"))]
    note: String,
}

/// How an ID number is kept in the register of staff and their close relatives.
pub fn staff_relative_hash(state: &AppState, id_number: &str) -> String {
    state.services.hasher.digest("staff relative", id_number)
}

fn not_found() -> Response {
    html_response(StatusCode::NOT_FOUND, "没有这个案件", "编号不存在，或不属于您负责的范围。")
}

/// POST /review/case/{reference}: a workflow step, with photos when it records a home visit.
pub async fn act(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let Some(account) = signed_in(&state, &headers).await else { return redirect("/review/login", &[]) };
    let staff = account.identity;
    let store = &state.services.store;
    let case = match store.application_by_reference(&reference).await {
        Ok(Some(case)) if staff.may_handle_township(&case.township_code) => case,
        Ok(_) => return not_found(),
        Err(e) => return failure("reading a case failed", e),
    };
    let Some(actor) = reviewer_actor(staff.role) else { return not_found() };
    let page = format!("/review/case/{}", case.reference);
    let form = match read_form_with_optional_files(request, "photos").await {
        Ok(form) => form,
        Err(incomplete) => {
            return back_with(&state, &page, NOTHING_TYPED, &[("photos", incomplete.to_string())])
        }
    };
    let typed = [("note", form.value("note")), ("amount", form.value("amount"))];
    let Some(action) = Action::from_key(form.value("action")) else {
        return back_with(&state, &page, &typed, &[("action", "请选择要办理的事项".to_string())]);
    };
    let now = now();
    let today = Date::today_in_china(now);
    let history: Vec<String> = match store.case_events(case.id).await {
        Ok(events) => events.into_iter().map(|e| e.action).collect(),
        Err(e) => return failure("reading a case history failed", e),
    };
    let known = CaseState {
        emergency: case.emergency,
        types: &case.types,
        notice_until: case.notice_until,
        recheck_drawn: case.recheck_drawn,
        history: &history,
    };
    let facts = case_facts(&known, today);
    let next = match transition(case.status, action, actor, facts) {
        Ok(next) => next,
        Err(refused) => return back_with(&state, &page, &typed, &[("action", refused.to_string())]),
    };
    let checked = check_action_input(action, form.value("note"), form.value("amount"));
    let photo_problem = match form.file_problem() {
        Some(problem) => Some(problem),
        None if !form.files.is_empty() && !action.takes_photos() => {
            Some("照片只能随入户调查或县级复核记录上传，请选择相应的办理事项".to_string())
        }
        None => None,
    };
    let input = match (checked, photo_problem) {
        (Ok(input), None) => input,
        (checked, photo_problem) => {
            let mut problems = checked.err().unwrap_or_default();
            problems.extend(photo_problem.map(|p| ("photos", p)));
            return back_with(&state, &page, &typed, &problems);
        }
    };
    let draft: Draft = match state.services.sealer.open(&case.sealed) {
        Ok(draft) => draft,
        Err(e) => return failure("a case does not open", e),
    };
    let notice = if action == Action::PublishNotice {
        let days = i64::from(state.services.time_limits.notice_days);
        Some(NoticeEntry {
            application_id: case.id,
            county_code: case.county_code.clone(),
            township_code: case.township_code.clone(),
            village: case.village.clone(),
            head_name_masked: mask_name(&draft.applicant.name),
            household_size: case.household_size,
            types: published_types(&case.types),
            monthly_amount: case.monthly_amount.unwrap_or(0),
            published_from: today,
            published_until: today.add_days(days - 1),
        })
    } else {
        None
    };
    let mut note = input.note.clone();
    if let Some(amount) = input.amount {
        note = format!("每月 {amount} 元。{note}").trim_end_matches('。').to_string();
    }
    if let Some(n) = &notice {
        note = format!("公示 {} 至 {}", n.published_from.chinese(), n.published_until.chinese());
    }
    // A household with staff or their close relatives in it is always re-checked by the county.
    let linked_to_staff = if action == Action::ForwardToCounty {
        let people = draft.members.iter().map(|m| &m.id_number).chain([&draft.applicant.id_number]);
        let hashes: Vec<String> = people.map(|id| staff_relative_hash(&state, id.as_str())).collect();
        match store.any_staff_relative(&hashes).await {
            Ok(linked) => linked,
            Err(e) => return failure("reading the staff register failed", e),
        }
    } else {
        false
    };
    // 分类推送: accepting a case refers its special assistance to the departments, each once.
    let mut referrals: Vec<String> = Vec::new();
    if action == Action::Accept {
        let earlier = match store.referrals_of(case.id).await {
            Ok(earlier) => earlier,
            Err(e) => return failure("reading referrals failed", e),
        };
        let departments = departments_for(&case.types).into_iter();
        referrals =
            departments.filter(|d| !earlier.iter().any(|r| r.department == *d)).map(String::from).collect();
    }
    if !referrals.is_empty() {
        let names: Vec<&str> = referrals.iter().map(|d| department_name(d)).collect();
        let separator = if note.is_empty() { "" } else { "；" };
        note = format!("{note}{separator}分类推送至{}", names.join("、"));
    }
    let files = match state.evidence.save_all(&form).await {
        Ok(files) => files,
        Err(e) => return failure("saving visit photos failed", e),
    };
    let change = CaseChange {
        event: CaseEvent {
            at: now,
            actor: staff.to_string(),
            action: action.key().into(),
            status: next,
            note,
        },
        monthly_amount: input.amount,
        notice,
        // Records that change nothing for the applicant send no message.
        notify: (next != case.status).then(|| {
            notifications::seal(&state.services.sealer, &draft.applicant.phone, next.label(), next_step(next))
        }),
        recheck_drawn: (action == Action::ForwardToCounty).then(|| {
            let roll = rand::rngs::OsRng.gen_range(0..100);
            draw_recheck(state.config.recheck_share_percent, linked_to_staff, roll)
        }),
        files,
        referrals,
    };
    match store.record_transition(case.id, case.status, &change).await {
        Ok(true) => {}
        Ok(false) => {
            let message = "案件状态已被他人更新，请查看最新状态后再办理".to_string();
            return back_with(&state, &page, &typed, &[("action", message)]);
        }
        Err(e) => return failure("storing a transition failed", e),
    }
    let audit = AuditEvent::now(
        format!("staff:{}", staff.id),
        &format!("case.{}", action.key()),
        case.reference.clone(),
        format!("{} -> {}", case.status.key(), next.key()),
    );
    if let Err(e) = store.append_audit(&audit).await {
        return failure("audit append failed", e);
    }
    redirect(&page, &[])
}

/// POST /review/case/{reference}/referral: the department's answer to the case's referral, once; it is
/// written to the case history.
pub async fn answer_referral(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    headers: HeaderMap,
    Form(form): Form<AnswerForm>,
) -> Response {
    let Some(account) = signed_in(&state, &headers).await else { return redirect("/review/login", &[]) };
    let staff = account.identity;
    let store = &state.services.store;
    let case = match store.application_by_reference(&reference).await {
        Ok(Some(case)) => case,
        Ok(None) => return not_found(),
        Err(e) => return failure("reading a case failed", e),
    };
    let referral = match referral_for(store.as_ref(), &staff, case.id).await {
        Ok(Some(referral)) => referral,
        Ok(None) => return not_found(),
        Err(e) => return failure("reading referrals failed", e),
    };
    let page = format!("/review/case/{}", case.reference);
    let typed = [("outcome", form.outcome.as_str()), ("note", form.note.as_str())];
    let already = || back_with(&state, &page, &typed, &[("outcome", "本部门已经办理过这个转介".to_string())]);
    if referral.outcome.is_some() {
        return already();
    }
    let too_long = shape_problems(&form);
    if !too_long.is_empty() {
        return back_with(&state, &page, &typed, &too_long);
    }
    let (outcome, note) = match check_answer(&form.outcome, &form.note) {
        Ok(answer) => answer,
        Err(problems) => return back_with(&state, &page, &typed, &problems),
    };
    let department = department_name(&referral.department);
    let event = CaseEvent {
        at: now(),
        actor: format!("{}（{department}）", staff.display_name),
        action: HELP_EVENT.into(),
        status: case.status,
        note: format!("{department}{}：{note}", outcome.label()),
    };
    match store.answer_referral(referral.id, outcome, &event, case.id).await {
        Ok(true) => {}
        Ok(false) => return already(),
        Err(e) => return failure("storing a referral answer failed", e),
    }
    let audit = AuditEvent::now(
        format!("staff:{}", staff.id),
        "referral.answered",
        case.reference,
        format!("{} {}", referral.department, outcome.key()),
    );
    if let Err(e) = store.append_audit(&audit).await {
        return failure("audit append failed", e);
    }
    redirect(&page, &[])
}

/// GET /review/case/{reference}/file/{id}: a file of the case, for the staff who handle the case's
/// township, and (except objection evidence) for the department the case is referred to; each opening
/// is audited.
pub async fn file(
    State(state): State<AppState>,
    Path((reference, file_id)): Path<(String, i64)>,
    headers: HeaderMap,
) -> Response {
    let Some(account) = signed_in(&state, &headers).await else { return redirect("/review/login", &[]) };
    let store = &state.services.store;
    let case = match store.application_by_reference(&reference).await {
        Ok(Some(case)) => case,
        Ok(None) => return not_found(),
        Err(e) => return failure("reading a case failed", e),
    };
    let handles_case = account.identity.may_handle_township(&case.township_code);
    let referred = match referral_for(store.as_ref(), &account.identity, case.id).await {
        Ok(referral) => referral.is_some(),
        Err(e) => return failure("reading referrals failed", e),
    };
    let file = match store.case_file(file_id).await {
        Ok(Some((owner, file)))
            if owner == case.id && (handles_case || (referred && file.source != "objection")) =>
        {
            file
        }
        Ok(_) => return not_found(),
        Err(e) => return failure("reading a file record failed", e),
    };
    let bytes = match state.evidence.read(&file.sha256).await {
        Ok(bytes) => bytes,
        Err(e) => return failure("reading a case file failed", e),
    };
    let actor = format!("staff:{}", account.identity.id);
    let audit = AuditEvent::now(actor, "case.file_viewed", case.reference, format!("file {file_id}"));
    if let Err(e) = store.append_audit(&audit).await {
        return failure("audit append failed", e);
    }
    file_response(bytes, &file.content_type)
}
