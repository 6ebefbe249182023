//! The register of assisted households after the decision: the record an approval creates, the
//! township's review (复核) of it and the county's confirmation of an adjustment or an ending. Access is
//! that of the case (`features::cases::open_case_to_act`): outside the reviewer's township or county
//! every record answers 404.

use super::cases::{open_case_to_act, ActError, CaseDesk};
use crate::audit::AuditEvent;
use crate::domain::application::Draft;
use crate::domain::calendar::{Calendar, Date};
use crate::domain::register::{
    self, principal_category, EndReason, Outcome, RecordState, ReviewContext, ReviewForm, ReviewRules,
};
use crate::domain::staff::{Role, StaffIdentity};
use crate::domain::workflow::Status;
use crate::store::{ApplicationRecord, AssistanceRecord, CaseEvent, RecordChange};

/// The record the approval of `case` creates on `today`.
pub fn record_at_approval(
    case: &ApplicationRecord,
    amount: Option<u32>,
    today: Date,
    rules: &ReviewRules,
    calendar: &Calendar,
) -> AssistanceRecord {
    let category = principal_category(&case.types);
    let grant = category.grant();
    let review_due = rules.next_review(grant, today);
    AssistanceRecord {
        application_id: case.id,
        reference: case.reference.clone(),
        county_code: case.county_code.clone(),
        township_code: case.township_code.clone(),
        village: case.village.clone(),
        category,
        grant,
        amount: amount.filter(|_| grant.takes_amount()),
        state: RecordState::at_approval(grant),
        started_on: today,
        ends_on: rules.valid_until(grant, today),
        review_due,
        review_deadline: review_due.map(|due| calendar.add_working_days(due, rules.working_days_to_review)),
        proposal: None,
        end_reason: None,
        version: 0,
    }
}

/// A township reviewer's review as posted, with photos of the home visit.
pub struct ReviewCommand {
    pub form: ReviewForm,
    pub photos: Vec<(&'static str, Vec<u8>)>,
    pub refused_photo: Option<String>,
}

/// The county's answer to an outcome that needs confirmation.
pub struct Confirmation {
    pub confirm: bool,
    pub note: String,
}

fn refused(field: &'static str, message: impl Into<String>) -> ActError {
    ActError::Refused(vec![(field, message.into())])
}

/// A case and its record, for a reviewer of its township or county; 404 outside, and a clear refusal
/// for a case that has no record (not approved).
async fn open_record(
    desk: &CaseDesk<'_>,
    staff: &StaffIdentity,
    reference: &str,
) -> Result<(ApplicationRecord, AssistanceRecord), ActError> {
    let store = desk.services.store.as_ref();
    let case = open_case_to_act(store, staff, reference).await?.record;
    let record = store.assistance_record(case.id).await?;
    let record = record.ok_or_else(|| refused("outcome", "此案尚未批准，没有救助记录"))?;
    Ok((case, record))
}

/// Records a township's review: the visit and check in the note, photos, and the outcome. Continuing
/// sets the next review; a phase-out takes effect at once (the township decides it, the measures give
/// the household up to the configured months); adjusting and ending wait for the county.
pub async fn review(
    desk: &CaseDesk<'_>,
    staff: &StaffIdentity,
    reference: &str,
    command: ReviewCommand,
) -> Result<(), ActError> {
    let (case, mut record) = open_record(desk, staff, reference).await?;
    if staff.role != Role::TownshipReviewer {
        return Err(refused("outcome", "复核由乡镇（街道）办理，县级负责确认调整和终止"));
    }
    let now = desk.services.now();
    let today = Date::today_in_china(now);
    let (state, _) = register::state_on(record.state, record.ends_on, today);
    if !state.is_reviewed() || record.proposal.is_some() {
        return Err(refused("outcome", "这条救助记录当前不需要复核"));
    }
    if let Some(problem) = command.refused_photo {
        return Err(refused("photos", problem));
    }
    let store = desk.services.store.as_ref();
    let standards = store.local_standards(&case.county_code).await?;
    let standards = standards.map(|s| (s.dibao_urban_monthly, s.dibao_rural_monthly)).unwrap_or((0, 0));
    let rules = &desk.services.review_rules;
    let context = ReviewContext { grant: record.grant, category: record.category, today, rules, standards };
    let decision = register::check_review(&command.form, &context).map_err(ActError::Refused)?;
    let calendar = desk.services.working_calendar().await?;
    let note = describe_review(&decision, &record);
    let outcome = decision.outcome;
    match outcome {
        Outcome::Continue => renew(&mut record, today, rules, &calendar),
        Outcome::PhaseOut => {
            record.state = RecordState::PhasingOut;
            record.ends_on = decision.phase_out_until;
            record.review_due = None;
            record.review_deadline = None;
        }
        Outcome::Adjust | Outcome::End => record.proposal = Some(decision),
    }
    let message = (outcome == Outcome::PhaseOut).then(|| {
        let until = record.ends_on.map(|d| d.chinese()).unwrap_or_default();
        ("救助进入渐退期".to_string(), format!("救助金继续发放至{until}，之后停止；收入再次下降可以重新申请"))
    });
    let files = desk.files.keep(&command.photos).await.map_err(super::cases::photos_not_kept)?;
    let action = if outcome.needs_county() { "review_proposed" } else { "review" };
    let step = RecordStep { desk, staff, case: &case, action, note, message, now };
    store_change(step, record, files).await
}

/// The county confirms an adjustment or an ending (it takes effect) or sends it back to the township.
pub async fn confirm(
    desk: &CaseDesk<'_>,
    staff: &StaffIdentity,
    reference: &str,
    answer: Confirmation,
) -> Result<(), ActError> {
    let (case, mut record) = open_record(desk, staff, reference).await?;
    if staff.role != Role::CountyReviewer {
        return Err(refused("confirm", "调整和终止由县级审核确认"));
    }
    let Some(proposal) = record.proposal.take() else {
        return Err(refused("confirm", "没有等待确认的复核结果"));
    };
    let note = answer.note.trim().to_string();
    if !answer.confirm && note.chars().count() < 4 {
        return Err(refused("confirm_note", "退回乡镇须写明理由（至少4个字）"));
    }
    let now = desk.services.now();
    let today = Date::today_in_china(now);
    let calendar = desk.services.working_calendar().await?;
    let (action, message) = if !answer.confirm {
        ("review_returned", None)
    } else if proposal.outcome == Outcome::Adjust {
        record.amount = proposal.amount;
        renew(&mut record, today, &desk.services.review_rules, &calendar);
        let amount = record.grant.describe(record.amount);
        (
            "review_confirmed",
            Some((
                "救助金额已调整".to_string(),
                format!("调整后救助金额为{amount}，原因：{}", proposal.note),
            )),
        )
    } else {
        record.state = RecordState::Ended;
        record.end_reason = proposal.end_reason;
        record.ends_on = Some(today);
        record.review_due = None;
        record.review_deadline = None;
        let reason = proposal.end_reason.map(EndReason::label).unwrap_or_default();
        (
            "review_confirmed",
            Some(("救助已终止".to_string(), format!("终止原因：{reason}。如有异议，可以申请行政复议"))),
        )
    };
    let verdict = if answer.confirm { "确认" } else { "退回乡镇重新复核" };
    let note = format!(
        "{verdict}“{}”{}",
        proposal.outcome.label(),
        if note.is_empty() { String::new() } else { format!("：{note}") }
    );
    let step = RecordStep { desk, staff, case: &case, action, note, message, now };
    store_change(step, record, Vec::new()).await
}

/// Sets the next review of a record that continues.
fn renew(record: &mut AssistanceRecord, today: Date, rules: &ReviewRules, calendar: &Calendar) {
    record.review_due = rules.next_review(record.grant, today);
    record.review_deadline =
        record.review_due.map(|due| calendar.add_working_days(due, rules.working_days_to_review));
    if record.grant == register::GrantKind::Recognition {
        record.state = RecordState::Recognised;
        record.ends_on = rules.valid_until(record.grant, today);
    }
}

/// The history line of a review: the outcome, what it sets and the reviewer's account of the visit.
fn describe_review(decision: &register::ReviewDecision, record: &AssistanceRecord) -> String {
    let detail = match decision.outcome {
        Outcome::Continue => String::new(),
        Outcome::Adjust => format!("，拟调整为{}，待县级确认", record.grant.describe(decision.amount)),
        Outcome::PhaseOut => {
            format!("，渐退至{}", decision.phase_out_until.map(|d| d.chinese()).unwrap_or_default())
        }
        Outcome::End => {
            format!(
                "，拟终止（{}），待县级确认",
                decision.end_reason.map(EndReason::label).unwrap_or_default()
            )
        }
    };
    format!("复核结果：{}{detail}。{}", decision.outcome.label(), decision.note)
}

/// One change of a record being stored.
struct RecordStep<'a> {
    desk: &'a CaseDesk<'a>,
    staff: &'a StaffIdentity,
    case: &'a ApplicationRecord,
    action: &'static str,
    note: String,
    /// (what happened, what comes next) for the household's status message.
    message: Option<(String, String)>,
    now: i64,
}

async fn store_change(
    step: RecordStep<'_>,
    record: AssistanceRecord,
    files: Vec<crate::features::cases::StoredFileRef>,
) -> Result<(), ActError> {
    let services = step.desk.services;
    let notify = match &step.message {
        Some((what, next)) => {
            let draft: Draft =
                services.sealer.open(&step.case.sealed).map_err(|e| ActError::Failed(e.to_string()))?;
            Some(crate::sms::seal_status(&services.sealer, &draft.applicant.phone, what, next))
        }
        None => None,
    };
    let audit = AuditEvent::at(
        step.now,
        format!("staff:{}", step.staff.id),
        &format!("record.{}", step.action),
        &step.case.reference,
        format!("{} {}", record.state.key(), record.proposal.as_ref().map(|p| p.outcome.key()).unwrap_or("")),
    );
    let event = CaseEvent {
        at: step.now,
        actor: step.staff.to_string(),
        action: step.action.into(),
        status: Status::Approved,
        note: step.note,
    };
    let change = RecordChange { record, event, files, notify, audit };
    if services.store.change_record(&change).await? {
        Ok(())
    } else {
        Err(refused("outcome", "救助记录已被他人更新，请查看最新情况后再办理"))
    }
}
