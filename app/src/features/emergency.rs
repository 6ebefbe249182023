//! 先行救助: the township gives help first on an urgent case, completes the file within the configured
//! working days, and the county confirms the help once the file is complete. Access is that of the case
//! (`features::cases::open_case_to_act`): outside the reviewer's township or county the case answers 404.

use super::cases::{open_case_to_act, ActError, CaseDesk};
use crate::audit::AuditEvent;
use crate::domain::application::Draft;
use crate::domain::calendar::Date;
use crate::domain::emergency::{self, CountyAnswer, GrantForm};
use crate::domain::staff::{Role, StaffIdentity};
use crate::store::{ApplicationRecord, CaseEvent, EmergencyChange, EmergencyGrant, StoreError};

fn refused(field: &'static str, message: impl Into<String>) -> ActError {
    ActError::Refused(vec![(field, message.into())])
}

/// The largest sum a township of `county_code` gives on its own (先行救助, or approving an urgent case itself).
pub async fn township_limit(
    services: &crate::services::Services,
    county_code: &str,
) -> Result<u32, StoreError> {
    let standards = services.store.local_standards(county_code).await?;
    Ok(services.emergency_rules.limit(standards.map_or(0, |s| s.dibao_urban_monthly)))
}

/// The township gives help first: checked against its limit, stored once per case with the deadline
/// for the file, the history line, a status message to the household and the audit entry.
pub async fn grant(
    desk: &CaseDesk<'_>,
    staff: &StaffIdentity,
    reference: &str,
    form: GrantForm,
) -> Result<(), ActError> {
    let store = desk.services.store.as_ref();
    let case = open_case_to_act(store, staff, reference).await?.record;
    if staff.role != Role::TownshipReviewer {
        return Err(refused("emergency_amount", "先行救助由乡镇（街道）给予，县级在材料补齐后确认"));
    }
    if !emergency::may_grant(case.status, case.emergency, &case.types) {
        return Err(refused("emergency_amount", "先行救助只用于急难或临时救助申请，且须在乡镇审核意见之前"));
    }
    if store.emergency_grant(case.id).await?.is_some() {
        return Err(refused("emergency_amount", "此案已给予先行救助"));
    }
    let limit = township_limit(desk.services, &case.county_code).await?;
    let checked = emergency::check_grant(&form, limit).map_err(ActError::Refused)?;
    let rules = &desk.services.emergency_rules;
    let now = desk.services.now();
    let today = Date::today_in_china(now);
    let calendar = desk.services.working_calendar().await?;
    let file_due = calendar.add_working_days(today, rules.working_days_to_complete_file);
    let grant = EmergencyGrant {
        application_id: case.id,
        county_code: case.county_code.clone(),
        township_code: case.township_code.clone(),
        amount: checked.amount,
        granted_on: today,
        file_due,
        answer: None,
        answered_on: None,
    };
    let note =
        format!("先行救助 {} 元：{}；须于{}前补齐材料", checked.amount, checked.reason, file_due.chinese());
    let message = (
        format!("已先行给予临时救助 {} 元", checked.amount),
        "乡镇（街道）将继续入户调查、补齐材料，之后由县级确认".to_string(),
    );
    let step = EmergencyStep { desk, staff, case: &case, action: "emergency_granted", note, message, now };
    let change = step.change(grant)?;
    if store.grant_emergency(&change).await? {
        Ok(())
    } else {
        Err(refused("emergency_amount", "此案刚刚已给予先行救助或已提出审核意见，请查看最新情况"))
    }
}

/// The county's answer to help given first, once the township's file is complete.
pub struct Answer {
    pub confirm: bool,
    pub note: String,
}

/// The county confirms the help, or does not (reasons required); the household hears either way.
pub async fn answer(
    desk: &CaseDesk<'_>,
    staff: &StaffIdentity,
    reference: &str,
    answer: Answer,
) -> Result<(), ActError> {
    let store = desk.services.store.as_ref();
    let case = open_case_to_act(store, staff, reference).await?.record;
    if staff.role != Role::CountyReviewer {
        return Err(refused("emergency_note", "先行救助由县级确认"));
    }
    let Some(mut grant) = store.emergency_grant(case.id).await?.filter(|g| g.answer.is_none()) else {
        return Err(refused("emergency_note", "没有等待确认的先行救助"));
    };
    if !emergency::file_complete(case.status) {
        return Err(refused("emergency_note", "乡镇尚未补齐材料（提出审核意见），补齐后再确认"));
    }
    let note = answer.note.trim().to_string();
    if !answer.confirm && note.chars().count() < emergency::REASON_MIN_CHARS {
        return Err(refused("emergency_note", "不予确认须写明理由（至少4个字）"));
    }
    let now = desk.services.now();
    let verdict = if answer.confirm { CountyAnswer::Confirmed } else { CountyAnswer::NotConfirmed };
    grant.answer = Some(verdict);
    grant.answered_on = Some(Date::today_in_china(now));
    let (action, message) = match verdict {
        CountyAnswer::Confirmed => {
            ("emergency_confirmed", ("先行救助已由县级确认".to_string(), "无需再办理其他手续".to_string()))
        }
        CountyAnswer::NotConfirmed => (
            "emergency_not_confirmed",
            (
                "先行救助未获县级确认".to_string(),
                "原因可在进度查询页面查看；如有异议可以申请行政复议".to_string(),
            ),
        ),
    };
    let note = format!(
        "{}先行救助 {} 元{}",
        verdict.label(),
        grant.amount,
        if note.is_empty() { String::new() } else { format!("：{note}") }
    );
    let step = EmergencyStep { desk, staff, case: &case, action, note, message, now };
    let change = step.change(grant)?;
    if store.answer_emergency(&change).await? {
        Ok(())
    } else {
        Err(refused("emergency_note", "先行救助刚刚已有答复，请查看最新情况"))
    }
}

/// One emergency step being stored.
struct EmergencyStep<'a> {
    desk: &'a CaseDesk<'a>,
    staff: &'a StaffIdentity,
    case: &'a ApplicationRecord,
    action: &'static str,
    note: String,
    /// (what happened, what comes next) for the household's status message.
    message: (String, String),
    now: i64,
}

impl EmergencyStep<'_> {
    fn change(self, grant: EmergencyGrant) -> Result<EmergencyChange, ActError> {
        let services = self.desk.services;
        let draft: Draft =
            services.sealer.open(&self.case.sealed).map_err(|e| ActError::Failed(e.to_string()))?;
        let (what, next) = &self.message;
        let notify = crate::sms::seal_status(&services.sealer, &draft.applicant.phone, what, next);
        let audit = AuditEvent::at(
            self.now,
            format!("staff:{}", self.staff.id),
            &format!("case.{}", self.action),
            &self.case.reference,
            format!("{} yuan", grant.amount),
        );
        let event = CaseEvent {
            at: self.now,
            actor: self.staff.to_string(),
            action: self.action.into(),
            status: self.case.status,
            note: self.note,
        };
        Ok(EmergencyChange { grant, event, notify: Some(notify), audit })
    }
}
