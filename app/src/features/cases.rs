//! Cases under review: who may open a case. Township and county reviewers handle the cases of their
//! township or county; a department officer reads a case referred to their department. Anything else is
//! `CaseError::NotFound`, answered 404 whether the case exists or not, so a reference cannot be
//! confirmed from outside its scope.

use crate::audit::AuditEvent;
use crate::domain::application::Draft;
use crate::domain::register::GrantKind;
use crate::domain::staff::StaffIdentity;
use crate::domain::workflow::{self, Action, ActionInput, Status};
use crate::store::{
    referral_for, ApplicationRecord, CaseChange, CaseEvent, NoticeEntry, Referral, Store, StoreError,
};

/// How the caller reaches a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseAccess {
    /// A township or county reviewer of the case's township.
    Handler,
    /// A department officer, through the referral of the case to their department.
    Department(Referral),
}

/// A case together with the caller's right to it; only `open_case` makes one.
#[derive(Clone, Debug)]
pub struct ScopedCase {
    pub record: ApplicationRecord,
    pub access: CaseAccess,
}

impl ScopedCase {
    pub fn is_handler(&self) -> bool {
        self.access == CaseAccess::Handler
    }

    /// The department's referral, when the caller reads the case as a department officer.
    pub fn referral(&self) -> Option<&Referral> {
        match &self.access {
            CaseAccess::Department(referral) => Some(referral),
            CaseAccess::Handler => None,
        }
    }

    /// Whether a file of the case from `source` may be shown: objectors speak to the township and county
    /// only, so a department never sees objection evidence.
    pub fn may_see_file_from(&self, source: &str) -> bool {
        self.is_handler() || source != "objection"
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// The case does not exist or lies outside the caller's scope: the two look the same (404).
    #[error("no such case within the caller's scope")]
    NotFound,
    /// The database failed (500, cause logged).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The case `reference` as `staff` may see it.
pub async fn open_case(
    store: &dyn Store,
    staff: &StaffIdentity,
    reference: &str,
) -> Result<ScopedCase, CaseError> {
    let record = store.application_by_reference(reference).await?.ok_or(CaseError::NotFound)?;
    if staff.may_handle_township(&record.township_code) {
        return Ok(ScopedCase { record, access: CaseAccess::Handler });
    }
    let referral = referral_for(store, staff, record.id).await?.ok_or(CaseError::NotFound)?;
    Ok(ScopedCase { record, access: CaseAccess::Department(referral) })
}

/// Like `open_case`, for the township or county reviewers who act on the case's workflow only.
pub async fn open_case_to_act(
    store: &dyn Store,
    staff: &StaffIdentity,
    reference: &str,
) -> Result<ScopedCase, CaseError> {
    let case = open_case(store, staff, reference).await?;
    if case.is_handler() {
        Ok(case)
    } else {
        Err(CaseError::NotFound)
    }
}

/// Where files handed in with a step are kept: the server's sealed evidence folder.
#[async_trait::async_trait]
pub trait FileVault: Send + Sync {
    /// Keeps each (content type, cleaned bytes) and returns what the store records of it.
    async fn keep(&self, files: &[(&'static str, Vec<u8>)]) -> std::io::Result<Vec<StoredFileRef>>;
}

/// A kept file as the store records it: (SHA-256, content type, size).
pub type StoredFileRef = (String, String, u64);

/// The case page's step form as posted (its photos come beside it, read by the server).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ActionForm {
    /// The action's key (`Action::key`), from the button pressed.
    pub action: String,
    pub note: String,
    pub amount: String,
}

/// A reviewer's step on the case page, as posted.
pub struct Command {
    pub form: ActionForm,
    /// Photos accepted from the post (metadata already removed).
    pub photos: Vec<(&'static str, Vec<u8>)>,
    /// Why a photo was refused, said next to the photo field.
    pub refused_photo: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ActError {
    /// Out of the caller's scope, or no such case (404).
    #[error("no such case within the caller's scope")]
    NotFound,
    /// Back to the case page with these messages next to their fields.
    #[error("the step was refused: {0:?}")]
    Refused(Vec<(&'static str, String)>),
    /// The database, the sealed case or the file store failed (500, cause logged).
    #[error("{0}")]
    Failed(String),
}

impl From<CaseError> for ActError {
    fn from(e: CaseError) -> Self {
        match e {
            CaseError::NotFound => Self::NotFound,
            CaseError::Store(e) => Self::Failed(e.to_string()),
        }
    }
}

impl From<StoreError> for ActError {
    fn from(e: StoreError) -> Self {
        Self::Failed(e.to_string())
    }
}

/// Photos that could not be written: a message next to the field when the disk is nearly full, an
/// error page (cause logged) otherwise.
pub(super) fn photos_not_kept(e: std::io::Error) -> ActError {
    if e.kind() == std::io::ErrorKind::StorageFull {
        refused("photos", crate::domain::upload::DISK_FULL_MESSAGE)
    } else {
        ActError::Failed(e.to_string())
    }
}

fn refused(field: &'static str, message: impl Into<String>) -> ActError {
    ActError::Refused(vec![(field, message.into())])
}

/// How an ID number is kept in the register of staff and their close relatives.
pub fn staff_relative_hash(hasher: &crate::keyed_hash::KeyedHasher, id_number: &str) -> String {
    hasher.digest("staff relative", id_number)
}

/// What `act` needs besides the store.
pub struct CaseDesk<'a> {
    pub services: &'a crate::services::Services,
    pub files: &'a dyn FileVault,
    /// Share of forwarded cases drawn for the county's re-check visit.
    pub recheck_share_percent: u32,
}

/// A workflow step on a case, checked in this order whatever the form says: the case lies in the
/// reviewer's township or county, the role may take the action in the case's current state
/// (`domain::workflow`), the typed reasons, amount and photos. The step, its notice, referrals, status
/// message and audit entry are stored in one transaction, and only if nobody changed the case meanwhile.
pub async fn act(
    desk: &CaseDesk<'_>,
    staff: &StaffIdentity,
    reference: &str,
    command: Command,
) -> Result<(), ActError> {
    let store = desk.services.store.as_ref();
    let case = open_case_to_act(store, staff, reference).await?.record;
    let actor = workflow::reviewer_actor(staff.role).ok_or(ActError::NotFound)?;
    let action =
        Action::from_key(&command.form.action).ok_or_else(|| refused("action", "请选择要办理的事项"))?;
    let now = desk.services.now();
    let today = crate::domain::calendar::Date::today_in_china(now);
    let history: Vec<String> = store.case_events(case.id).await?.into_iter().map(|e| e.action).collect();
    let known = workflow::CaseState {
        emergency: case.emergency,
        types: &case.types,
        notice_until: case.notice_until,
        recheck_drawn: case.recheck_drawn,
        history: &history,
    };
    let facts = workflow::case_facts(&known, today);
    let next = workflow::transition(case.status, action, actor, facts)
        .map_err(|no| refused("action", no.to_string()))?;
    let grant = crate::domain::register::principal_category(&case.types).grant();
    let input = checked_input(action, &command, grant)?;
    if action == Action::Approve && actor == workflow::Actor::Township && grant == GrantKind::OneOff {
        within_township_limit(desk, &case, input.amount).await?;
    }
    let draft: Draft =
        desk.services.sealer.open(&case.sealed).map_err(|e| ActError::Failed(e.to_string()))?;
    let step = Step { staff, case: &case, draft: &draft, action, next, now, amount: input.amount };
    let mut change = step.change(desk, input.note);
    if action == Action::ForwardToCounty {
        change.recheck_drawn = Some(drawn_for_recheck(desk, &draft).await?);
    }
    if action == Action::Accept {
        refer(store, &case, &mut change).await?;
    }
    if next == Status::Approved {
        let calendar = desk.services.working_calendar().await?;
        let rules = &desk.services.review_rules;
        let record = super::register::record_at_approval(&case, input.amount, today, rules, &calendar);
        change.register = Some(record);
        change.household = super::monitoring::approved_household(desk.services, &case, &draft, now);
    }
    change.files = desk.files.keep(&command.photos).await.map_err(photos_not_kept)?;
    if store.record_transition(case.id, case.status, &change).await? {
        Ok(())
    } else {
        Err(refused("action", "案件状态已被他人更新，请查看最新状态后再办理"))
    }
}

/// A township approving an urgent case itself (直接审批) gives at most its 先行救助 limit as a one-off sum;
/// more goes through the county like any case.
async fn within_township_limit(
    desk: &CaseDesk<'_>,
    case: &ApplicationRecord,
    amount: Option<u32>,
) -> Result<(), ActError> {
    let limit = super::emergency::township_limit(desk.services, &case.county_code).await?;
    match amount {
        Some(amount) if amount > limit => {
            Err(refused("amount", format!("乡镇直接审批最多 {limit} 元；超过的请提出审核意见报县级审批")))
        }
        _ => Ok(()),
    }
}

/// The note and amount the action asks for, and photos only with the steps that take them.
fn checked_input(action: Action, command: &Command, grant: GrantKind) -> Result<ActionInput, ActError> {
    let checked = workflow::check_action_input(action, &command.form.note, &command.form.amount, grant);
    let photo_problem = match &command.refused_photo {
        Some(problem) => Some(problem.clone()),
        None if !command.photos.is_empty() && !action.takes_photos() => {
            Some(format!("照片只能随{}记录上传，请选择相应的办理事项", Action::PHOTO_STEPS))
        }
        None => None,
    };
    match (checked, photo_problem) {
        (Ok(input), None) => Ok(input),
        (checked, photo_problem) => {
            let mut problems = checked.err().unwrap_or_default();
            problems.extend(photo_problem.map(|p| ("photos", p)));
            Err(ActError::Refused(problems))
        }
    }
}

/// One step being recorded: what `Step::change` turns into a `CaseChange`.
struct Step<'a> {
    staff: &'a StaffIdentity,
    case: &'a ApplicationRecord,
    draft: &'a Draft,
    action: Action,
    next: Status,
    now: i64,
    amount: Option<u32>,
}

impl Step<'_> {
    /// The change without the parts that need more reads or writes (re-check draw, referrals, files).
    fn change(&self, desk: &CaseDesk<'_>, note: String) -> CaseChange {
        let notice = self.notice(desk.services.time_limits.notice_days);
        let mut note = note;
        if let Some(amount) = self.amount {
            let grant = crate::domain::register::principal_category(&self.case.types).grant();
            note = format!("{}。{note}", grant.describe(Some(amount))).trim_end_matches('。').to_string();
        }
        if let Some(n) = &notice {
            note = format!("公示 {} 至 {}", n.published_from.chinese(), n.published_until.chinese());
        }
        let (sealer, next, case) = (&desk.services.sealer, self.next, self.case);
        CaseChange {
            event: CaseEvent {
                at: self.now,
                actor: self.staff.to_string(),
                action: self.action.key().into(),
                status: next,
                note,
            },
            monthly_amount: self.amount,
            notice,
            // Records that change nothing for the applicant send no message.
            notify: (next != case.status).then(|| {
                crate::sms::seal_status(
                    sealer,
                    &self.draft.applicant.phone,
                    next.label(),
                    workflow::next_step(next),
                )
            }),
            recheck_drawn: None,
            files: Vec::new(),
            referrals: Vec::new(),
            register: None,
            household: None,
            audit: AuditEvent::at(
                self.now,
                format!("staff:{}", self.staff.id),
                &format!("case.{}", self.action.key()),
                &case.reference,
                format!("{} -> {}", case.status.key(), next.key()),
            ),
        }
    }

    /// The public notice entry, masked at publication, when the step publishes one.
    fn notice(&self, notice_days: u32) -> Option<NoticeEntry> {
        if self.action != Action::PublishNotice {
            return None;
        }
        let today = crate::domain::calendar::Date::today_in_china(self.now);
        let case = self.case;
        Some(NoticeEntry {
            application_id: case.id,
            county_code: case.county_code.clone(),
            township_code: case.township_code.clone(),
            village: case.village.clone(),
            head_name_masked: crate::domain::masking::mask_name(&self.draft.applicant.name),
            household_size: case.household_size,
            types: workflow::published_types(&case.types),
            monthly_amount: case.monthly_amount.unwrap_or(0),
            published_from: today,
            published_until: today.add_days(i64::from(notice_days) - 1),
        })
    }
}

/// Whether a case reaching the county is drawn for a re-check visit: always when the household includes
/// staff or their close relatives, otherwise by chance.
async fn drawn_for_recheck(desk: &CaseDesk<'_>, draft: &Draft) -> Result<bool, ActError> {
    use rand::Rng;
    let people = draft.members.iter().map(|m| &m.id_number).chain([&draft.applicant.id_number]);
    let hashes: Vec<String> =
        people.map(|id| staff_relative_hash(&desk.services.hasher, id.as_str())).collect();
    let linked_to_staff = desk.services.store.any_staff_relative(&hashes).await?;
    let roll = rand::rngs::OsRng.gen_range(0..100);
    Ok(workflow::draw_recheck(desk.recheck_share_percent, linked_to_staff, roll))
}

/// 分类推送: accepting a case refers its special assistance to the departments, each once.
async fn refer(
    store: &dyn Store,
    case: &ApplicationRecord,
    change: &mut CaseChange,
) -> Result<(), StoreError> {
    use crate::domain::referral::{department_name, departments_for};
    let earlier = store.referrals_of(case.id).await?;
    let departments = departments_for(&case.types).into_iter();
    change.referrals =
        departments.filter(|d| !earlier.iter().any(|r| r.department == *d)).map(String::from).collect();
    if !change.referrals.is_empty() {
        let names: Vec<&str> = change.referrals.iter().map(|d| department_name(d)).collect();
        let note = &mut change.event.note;
        let separator = if note.is_empty() { "" } else { "；" };
        *note = format!("{note}{separator}分类推送至{}", names.join("、"));
    }
    Ok(())
}

/// The department's answer to the referral of a case, once; it is written to the case history and the
/// audit log in one transaction.
pub async fn answer_referral(
    services: &crate::services::Services,
    staff: &StaffIdentity,
    reference: &str,
    outcome: &str,
    note: &str,
) -> Result<(), ActError> {
    use crate::domain::referral::{check_answer, department_name, HELP_EVENT};
    let store = services.store.as_ref();
    let case = open_case(store, staff, reference).await?;
    let referral = case.referral().ok_or(ActError::NotFound)?;
    let already = || refused("outcome", "本部门已经办理过这个转介");
    if referral.outcome.is_some() {
        return Err(already());
    }
    let (outcome, note) = check_answer(outcome, note).map_err(ActError::Refused)?;
    let department = department_name(&referral.department);
    let now = services.now();
    let event = CaseEvent {
        at: now,
        actor: format!("{}（{department}）", staff.display_name),
        action: HELP_EVENT.into(),
        status: case.record.status,
        note: format!("{department}{}：{note}", outcome.label()),
    };
    let audit = AuditEvent::at(
        now,
        format!("staff:{}", staff.id),
        "referral.answered",
        &case.record.reference,
        format!("{} {}", referral.department, outcome.key()),
    );
    if store.answer_referral(referral.id, outcome, &event, case.record.id, &audit).await? {
        Ok(())
    } else {
        Err(already())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(action: Action, note: &str, photos: usize, refused_photo: Option<&str>) -> Command {
        Command {
            form: ActionForm { action: action.key().into(), note: note.into(), amount: String::new() },
            photos: (0..photos).map(|_| ("image/jpeg", vec![0xff, 0xd8])).collect(),
            refused_photo: refused_photo.map(String::from),
        }
    }

    fn fields(result: Result<ActionInput, ActError>) -> Vec<&'static str> {
        match result {
            Err(ActError::Refused(problems)) => problems.into_iter().map(|(field, _)| field).collect(),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn photos_go_only_with_the_visit_records() {
        let visit = command(Action::RecordVisit, "入户核实，家中无劳动力", 2, None);
        let monthly = GrantKind::Monthly;
        assert_eq!(
            checked_input(Action::RecordVisit, &visit, monthly).unwrap().note,
            "入户核实，家中无劳动力"
        );
        let accept = command(Action::Accept, "", 1, None);
        assert_eq!(fields(checked_input(Action::Accept, &accept, monthly)), vec!["photos"]);
    }

    #[test]
    fn a_refused_photo_and_a_short_note_are_both_said() {
        let visit = command(Action::RecordVisit, "好", 0, Some("文件太大"));
        let monthly = GrantKind::Monthly;
        assert_eq!(fields(checked_input(Action::RecordVisit, &visit, monthly)), vec!["note", "photos"]);
    }

    fn case_in(township_code: &str) -> ApplicationRecord {
        let day = crate::domain::calendar::Date::parse("2026-12-01").unwrap();
        ApplicationRecord {
            id: 7,
            reference: "ZY20261201-ABCDEF".into(),
            phone_key: "k".repeat(64),
            county_code: township_code[..6].into(),
            township_code: township_code.into(),
            village: "城关村".into(),
            types: vec![crate::domain::assistance::AssistanceType::Dibao],
            emergency: false,
            household_size: 3,
            status: Status::Investigating,
            submitted_at: 0,
            acceptance_due: day,
            decision_due: day,
            sealed: String::new(),
            applicant_masked: None,
            monthly_amount: None,
            notice_until: None,
            recheck_drawn: false,
        }
    }

    #[test]
    fn a_department_never_sees_objection_evidence() {
        let record = case_in("620702001");
        let referral = Referral {
            id: 1,
            application_id: record.id,
            department: "medical-insurance".into(),
            referred_at: 0,
            outcome: None,
            answered_at: None,
            reference: record.reference.clone(),
            township_code: record.township_code.clone(),
            village: record.village.clone(),
            types: record.types.clone(),
            case_status: record.status,
        };
        let department = ScopedCase { record: record.clone(), access: CaseAccess::Department(referral) };
        assert!(department.may_see_file_from("document") && !department.may_see_file_from("objection"));
        let handler = ScopedCase { record, access: CaseAccess::Handler };
        assert!(handler.may_see_file_from("objection") && handler.referral().is_none());
    }
}
