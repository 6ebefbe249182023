//! The statutory path of an application as a typed state machine: 申请 → 受理 → 家庭经济状况核对和入户调查 →
//! 乡镇审核 → 公示 → 县级审核确认 → 结果. Every change goes through `transition`, whoever asks; an illegal
//! step is refused here, not in the pages.

use super::assistance::AssistanceType;
use serde::{Deserialize, Serialize};

keyed_enum! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum Status {
        /// 已提交，等待乡镇（街道）受理
        Submitted => ("submitted", "待受理"),
        /// 一次性告知：等待申请人补充材料
        MaterialRequested => ("material_requested", "待补充材料"),
        /// 已受理：家庭经济状况核对和入户调查
        Investigating => ("investigating", "核对和入户调查中"),
        /// 乡镇审核通过，提出救助金额，待公示
        Recommended => ("recommended", "乡镇审核通过，待公示"),
        /// 公示中
        InNotice => ("in_notice", "公示中"),
        /// 县级审核确认中
        AtCounty => ("at_county", "县级审核确认中"),
        Approved => ("approved", "已批准"),
        Refused => ("refused", "未批准"),
        Withdrawn => ("withdrawn", "已撤回"),
    }
}

impl Status {
    pub fn is_final(self) -> bool {
        matches!(self, Self::Approved | Self::Refused | Self::Withdrawn)
    }

    /// Which office has the case in hand.
    pub fn office(self) -> Office {
        match self {
            Self::AtCounty => Office::County,
            Self::MaterialRequested => Office::Applicant,
            s if s.is_final() => Office::Nobody,
            _ => Office::Township,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Office {
    Township,
    County,
    Applicant,
    Nobody,
}

/// Who asks for a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    Applicant,
    Township,
    County,
    /// Any citizen, through an objection to a public notice.
    Public,
}

keyed_enum! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
    pub enum Action {
        /// 受理
        Accept => ("accept", "受理"),
        /// 一次性告知 every missing item.
        RequestMaterial => ("request_material", "一次性告知补充材料"),
        /// The applicant has supplied what was asked.
        ProvideMaterial => ("provide_material", "申请人补充材料"),
        /// 入户调查: the home visit and its findings.
        RecordVisit => ("record_visit", "记录入户调查"),
        /// 家庭经济状况核对: the result of the check with banks, registries and other departments.
        RecordCheck => ("record_check", "记录经济状况核对结果"),
        /// The 授权书 and 承诺书 signed by every adult member, collected at the home visit.
        RecordConsent => ("record_consent", "记录已收回签字的授权书"),
        /// 乡镇审核 with a proposed monthly amount.
        Recommend => ("recommend", "乡镇审核通过"),
        PublishNotice => ("publish_notice", "发布公示"),
        /// The first objection during a notice reopens the investigation.
        Object => ("object", "公示期收到异议，重新调查"),
        /// The township reopens the investigation during a notice itself, for instance on an objection that
        /// was grouped with an earlier one (`notice::GROUPED_OBJECTION_EVENT`).
        Reinvestigate => ("reinvestigate", "乡镇根据异议重新调查"),
        ForwardToCounty => ("forward_to_county", "报送县级审核确认"),
        /// 县级抽查入户复核 for a case drawn for it.
        RecordRecheck => ("record_recheck", "记录县级入户复核"),
        /// 县级审核确认 (or, for an urgent case, the township approving it itself up to its limit).
        Approve => ("approve", "批准"),
        /// The county sends the case back to the township to investigate again, with its reasons: the
        /// visit and the check are recorded anew before another recommendation.
        ReturnToTownship => ("return_to_township", "退回乡镇重新调查"),
        Refuse => ("refuse", "不予批准"),
        Withdraw => ("withdraw", "申请人撤回申请"),
    }
}

impl Action {
    /// Steps that may bring photos (of the home visit, of the signed 授权书).
    pub fn takes_photos(self) -> bool {
        matches!(self, Self::RecordVisit | Self::RecordRecheck | Self::RecordConsent)
    }

    /// The steps of `takes_photos` as staff call them, for the photo field's hint and refusal.
    pub const PHOTO_STEPS: &'static str = "入户调查、县级复核或授权书收回";
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("当前状态（{}）下不能进行“{}”", .0.label(), .1.label())]
    NotAllowed(Status, Action),
    #[error("无权进行“{}”", .0.label())]
    WrongActor(Action),
    #[error("公示期尚未结束，公示期满且无异议后才能报送县级审核")]
    NoticeRunning,
    #[error("请先记录入户调查和家庭经济状况核对结果，再提出审核意见")]
    InvestigationIncomplete,
    #[error("本案被抽中县级入户复核，请先记录复核情况再批准")]
    RecheckPending,
}

/// The actions staff may take on a case in its current state, for the buttons on the case page.
/// In the order of `Action`'s declaration.
pub fn available_actions(status: Status, actor: Actor, facts: Facts) -> Vec<Action> {
    Action::ALL.into_iter().filter(|a| transition(status, *a, actor, facts).is_ok()).collect()
}

/// The workflow role of a reviewer account; other accounts take no workflow action on cases.
pub fn reviewer_actor(role: super::staff::Role) -> Option<Actor> {
    match role {
        super::staff::Role::TownshipReviewer => Some(Actor::Township),
        super::staff::Role::CountyReviewer => Some(Actor::County),
        _ => None,
    }
}

/// What is known of a stored case: `history` holds its action keys in order.
#[derive(Clone, Copy, Debug)]
pub struct CaseState<'a> {
    pub emergency: bool,
    pub types: &'a [AssistanceType],
    pub notice_until: Option<super::calendar::Date>,
    pub recheck_drawn: bool,
    pub history: &'a [String],
}

/// The facts of a stored case on `today`. A reopened investigation (an objection, or the township
/// reopening it) needs the visit and the check recorded again after it.
pub fn case_facts(case: &CaseState, today: super::calendar::Date) -> Facts {
    let reopened = [Action::Object.key(), Action::Reinvestigate.key(), Action::ReturnToTownship.key()];
    let since = case.history.iter().rposition(|a| reopened.contains(&a.as_str())).unwrap_or(0);
    let recorded = |action: Action| case.history[since..].iter().any(|a| a == action.key());
    Facts {
        emergency: case.emergency,
        needs_notice: !published_types(case.types).is_empty(),
        notice_over: case.notice_until.is_some_and(|until| today > until),
        investigated: recorded(Action::RecordVisit) && recorded(Action::RecordCheck),
        recheck_due: case.recheck_drawn && !case.history.iter().any(|a| a == Action::RecordRecheck.key()),
    }
}

/// Whether a case forwarded to the county is drawn for a re-check visit: every case of a household
/// linked to staff, otherwise `share_percent` of cases (`roll` is a uniform number below 100).
pub fn draw_recheck(share_percent: u32, linked_to_staff: bool, roll: u32) -> bool {
    linked_to_staff || roll < share_percent.min(100)
}

/// Kinds that are published in a notice: aid being granted. Households merely identified as 低保边缘
/// or 刚性支出困难 are never listed.
pub fn published_types(types: &[AssistanceType]) -> Vec<AssistanceType> {
    types
        .iter()
        .copied()
        .filter(|t| !matches!(t, AssistanceType::DibaoEdge | AssistanceType::RigidSpending))
        .collect()
}

/// What staff typed with an action, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionInput {
    pub note: String,
    /// 元 (a month's amount or the one-off sum, per `grant`), for a recommendation or an approval.
    pub amount: Option<u32>,
}

pub const MAX_MONTHLY_AMOUNT: u32 = 100_000;

/// Reasons are required where the law asks for them in writing; an amount where money is decided.
/// `grant` is what the case's approval grants: no amount is asked where no money is decided
/// (identification of 低保边缘 and 刚性支出困难 households, special assistance given by a department).
pub fn check_action_input(
    action: Action,
    note: &str,
    amount: &str,
    grant: super::register::GrantKind,
) -> Result<ActionInput, Vec<(&'static str, String)>> {
    let note = note.trim().to_string();
    let mut problems = Vec::new();
    match action {
        Action::Refuse if note.chars().count() < 4 => {
            problems.push(("note", "不予批准必须写明理由（至少4个字），理由会告知申请人".to_string()))
        }
        Action::Reinvestigate if note.chars().count() < 4 => {
            problems.push(("note", "请写明重新调查的理由（至少4个字），例如异议反映的新情况".to_string()))
        }
        Action::ReturnToTownship if note.chars().count() < 4 => {
            problems.push(("note", "退回乡镇须写明理由（至少4个字），例如需要补充核实的情况".to_string()))
        }
        Action::RequestMaterial if note.chars().count() < 2 => {
            problems.push(("note", "请一次性列出需要补充的全部材料".to_string()))
        }
        Action::RecordVisit | Action::RecordCheck | Action::RecordRecheck if note.chars().count() < 4 => {
            problems.push(("note", "请在办理意见中写明调查或核对的情况（至少4个字）".to_string()))
        }
        _ => {}
    }
    if note.chars().count() > 2000 {
        problems.push(("note", "说明最多2000个字".to_string()));
    }
    let decides_money = matches!(action, Action::Recommend | Action::Approve) && grant.takes_amount();
    let amount = match super::eligibility::whole_number(amount) {
        Some(n) if decides_money && (1..=MAX_MONTHLY_AMOUNT).contains(&n) => Some(n),
        _ if decides_money => {
            let label = grant.amount_label().trim_end_matches("（元）");
            problems.push(("amount", format!("请填写{label}（元），1到100000之间的整数")));
            None
        }
        _ => None,
    };
    if problems.is_empty() {
        Ok(ActionInput { note, amount })
    } else {
        Err(problems)
    }
}

/// What the rules need to know about a case besides its status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// 急难: the township may approve first (先行救助); the rest follows afterwards.
    pub emergency: bool,
    /// Whether a public notice is due: only households being granted aid are published.
    pub needs_notice: bool,
    /// Whether the notice period has ended (forwarding waits for it).
    pub notice_over: bool,
    /// A home visit and an economic check are recorded since the case was last (re)opened.
    pub investigated: bool,
    /// Drawn for the county's re-check visit, not recorded yet.
    pub recheck_due: bool,
}

/// The next status, or why not.
pub fn transition(
    status: Status,
    action: Action,
    actor: Actor,
    facts: Facts,
) -> Result<Status, WorkflowError> {
    let emergency = facts.emergency;
    use Action as A;
    use Status as S;
    let allowed_actor = match action {
        A::Accept
        | A::RequestMaterial
        | A::RecordVisit
        | A::RecordCheck
        | A::RecordConsent
        | A::Recommend
        | A::PublishNotice
        | A::Reinvestigate
        | A::ForwardToCounty => actor == Actor::Township,
        A::RecordRecheck | A::ReturnToTownship => actor == Actor::County,
        A::ProvideMaterial | A::Withdraw => actor == Actor::Applicant,
        A::Object => actor == Actor::Public,
        A::Approve => actor == Actor::County || (emergency && actor == Actor::Township),
        A::Refuse => matches!(actor, Actor::Township | Actor::County),
    };
    if !allowed_actor {
        return Err(WorkflowError::WrongActor(action));
    }
    let next = match (status, action, actor) {
        (S::Submitted, A::Accept, _) => S::Investigating,
        (S::Submitted | S::Investigating, A::RequestMaterial, _) => S::MaterialRequested,
        (S::MaterialRequested, A::ProvideMaterial, _) => S::Submitted,
        (S::Investigating, A::RecordVisit | A::RecordCheck | A::RecordConsent, _) => S::Investigating,
        (S::Investigating, A::Recommend, _) if facts.investigated => S::Recommended,
        (S::Investigating, A::Recommend, _) => return Err(WorkflowError::InvestigationIncomplete),
        (S::AtCounty, A::RecordRecheck, _) if facts.recheck_due => S::AtCounty,
        (S::AtCounty, A::ReturnToTownship, _) => S::Investigating,
        (S::AtCounty, A::Approve, Actor::County) if facts.recheck_due => {
            return Err(WorkflowError::RecheckPending)
        }
        (S::Recommended, A::PublishNotice, _) if facts.needs_notice => S::InNotice,
        (S::Recommended, A::ForwardToCounty, _) if !facts.needs_notice => S::AtCounty,
        (S::InNotice, A::Object | A::Reinvestigate, _) => S::Investigating,
        (S::InNotice, A::ForwardToCounty, _) if facts.notice_over => S::AtCounty,
        (S::InNotice, A::ForwardToCounty, _) => return Err(WorkflowError::NoticeRunning),
        (S::AtCounty, A::Approve, Actor::County) => S::Approved,
        (S::Submitted | S::Investigating, A::Approve, Actor::Township) => S::Approved,
        (S::Submitted | S::Investigating | S::Recommended, A::Refuse, Actor::Township) => S::Refused,
        (S::AtCounty, A::Refuse, Actor::County) => S::Refused,
        (s, A::Withdraw, _) if !s.is_final() => S::Withdrawn,
        _ => return Err(WorkflowError::NotAllowed(status, action)),
    };
    Ok(next)
}

/// One legal step on the applicant's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineStep {
    pub label: &'static str,
    /// When it happened (the latest time, if it happened more than once).
    pub done_at: Option<i64>,
}

/// What a recorded event of a case was, in the words of the case page and the 审批表: a workflow step,
/// a department's help, a change after the decision, 先行救助, a notice event, else the submission.
pub fn history_label(key: &str) -> &'static str {
    match Action::from_key(key) {
        Some(action) => action.label(),
        None if key == super::referral::HELP_EVENT => "部门专项救助",
        None => super::register::event_label(key)
            .or_else(|| super::emergency::event_label(key))
            .or_else(|| super::notice::event_label(key))
            .unwrap_or("提交申请"),
    }
}

/// The statutory steps in order, with when each happened, from a case's events (action key, time).
pub fn timeline(events: &[(String, i64)]) -> Vec<TimelineStep> {
    let last =
        |keys: &[&str]| events.iter().filter(|(k, _)| keys.contains(&k.as_str())).map(|(_, at)| *at).max();
    vec![
        TimelineStep { label: "提交申请", done_at: last(&["submit"]) },
        TimelineStep { label: "受理", done_at: last(&["accept"]) },
        TimelineStep { label: "家庭经济状况核对和入户调查", done_at: last(&["recommend"]) },
        TimelineStep { label: "乡镇审核", done_at: last(&["recommend"]) },
        TimelineStep { label: "公示", done_at: last(&["publish_notice"]) },
        TimelineStep {
            label: "县级审核确认",
            done_at: last(&["approve", "refuse"]).filter(|_| last(&["forward_to_county"]).is_some()),
        },
        TimelineStep { label: "结果", done_at: last(&["approve", "refuse", "withdraw"]) },
    ]
}

/// What comes next for the applicant, in plain words.
pub fn next_step(status: Status) -> &'static str {
    match status {
        Status::Submitted => "乡镇（街道）受理申请，材料不全的会一次性告知还缺什么",
        Status::MaterialRequested => "请按要求补充材料，交到乡镇（街道）后继续办理",
        Status::Investigating => "工作人员核对家庭经济状况，并入户了解情况",
        Status::Recommended => "乡镇（街道）在您所在的村（社区）公示",
        Status::InNotice => "公示期满无异议后，报县区民政局审核确认",
        Status::AtCounty => "县区民政局审核确认，作出决定",
        Status::Approved => "救助金从批准的次月起发放，每年会复核家庭情况",
        Status::Refused => "如对结果有异议，可以向县区民政局申请复核，或依法申请行政复议",
        Status::Withdrawn => "申请已撤回，需要时可以重新申请",
    }
}

/// Working-day limits, from configuration. The defaults are placeholders marked as such in the
/// configuration documentation: each county sets its own (20–30 days, extendable).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TimeLimits {
    /// From submission to 受理 or 一次性告知.
    pub acceptance: u32,
    /// From submission to the decision, per kind.
    pub basic_living: u32,
    pub identification: u32,
    pub temporary: u32,
    pub emergency: u32,
    pub special: u32,
    /// Calendar days a public notice stays up.
    pub notice_days: u32,
}

impl Default for TimeLimits {
    fn default() -> Self {
        Self {
            acceptance: 3,
            basic_living: 30,
            identification: 20,
            temporary: 15,
            emergency: 5,
            special: 20,
            notice_days: 7,
        }
    }
}

impl TimeLimits {
    /// Working days from submission to the decision: the longest limit among the types asked for
    /// (the emergency track when the applicant asked for it).
    pub fn decision(&self, types: &[AssistanceType], emergency: bool) -> u32 {
        if emergency {
            return self.emergency;
        }
        types
            .iter()
            .map(|t| match t {
                AssistanceType::Dibao | AssistanceType::Tekun => self.basic_living,
                AssistanceType::DibaoEdge | AssistanceType::RigidSpending => self.identification,
                AssistanceType::Temporary => self.temporary,
                _ => self.special,
            })
            .max()
            .unwrap_or(self.basic_living)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FACTS: Facts = Facts {
        emergency: false,
        needs_notice: true,
        notice_over: true,
        investigated: true,
        recheck_due: false,
    };
    const EMERGENCY: Facts = Facts { emergency: true, notice_over: false, ..FACTS };

    #[test]
    fn the_ordinary_path_reaches_approval() {
        let path = [
            (Action::Accept, Actor::Township, Status::Investigating),
            (Action::Recommend, Actor::Township, Status::Recommended),
            (Action::PublishNotice, Actor::Township, Status::InNotice),
            (Action::ForwardToCounty, Actor::Township, Status::AtCounty),
            (Action::Approve, Actor::County, Status::Approved),
        ];
        let mut status = Status::Submitted;
        for (action, actor, expected) in path {
            status = transition(status, action, actor, FACTS).unwrap();
            assert_eq!(status, expected);
        }
    }

    #[test]
    fn the_township_records_the_signed_consent_while_investigating_without_moving_the_case() {
        let recorded = transition(Status::Investigating, Action::RecordConsent, Actor::Township, FACTS);
        assert_eq!(recorded, Ok(Status::Investigating));
        assert!(Action::RecordConsent.takes_photos());
        assert!(
            available_actions(Status::Investigating, Actor::Township, FACTS).contains(&Action::RecordConsent)
        );
        assert_eq!(
            transition(Status::Investigating, Action::RecordConsent, Actor::County, FACTS),
            Err(WorkflowError::WrongActor(Action::RecordConsent))
        );
        assert!(transition(Status::AtCounty, Action::RecordConsent, Actor::Township, FACTS).is_err());
        assert_eq!(Action::from_key("record_consent"), Some(Action::RecordConsent));
    }

    #[test]
    fn the_county_returns_a_case_to_the_township_which_investigates_again() {
        let returned = transition(Status::AtCounty, Action::ReturnToTownship, Actor::County, FACTS);
        assert_eq!(returned, Ok(Status::Investigating));
        assert!(available_actions(Status::AtCounty, Actor::County, FACTS).contains(&Action::ReturnToTownship));
        assert_eq!(
            transition(Status::AtCounty, Action::ReturnToTownship, Actor::Township, FACTS),
            Err(WorkflowError::WrongActor(Action::ReturnToTownship))
        );
        assert!(transition(Status::InNotice, Action::ReturnToTownship, Actor::County, FACTS).is_err());
        let grant = super::super::register::GrantKind::Monthly;
        let unexplained = check_action_input(Action::ReturnToTownship, "补查", "", grant).unwrap_err();
        assert_eq!(unexplained[0].0, "note", "the reasons are required");
        assert!(check_action_input(Action::ReturnToTownship, "存款情况需补充核实", "", grant).is_ok());
        let today = crate::domain::calendar::Date::parse("2026-12-01").unwrap();
        let history: Vec<String> =
            ["accept", "record_visit", "record_check", "return_to_township"].map(String::from).to_vec();
        let case = CaseState {
            emergency: false,
            types: &[AssistanceType::Dibao],
            notice_until: None,
            recheck_drawn: false,
            history: &history,
        };
        assert!(!case_facts(&case, today).investigated, "the visit and the check are recorded again");
    }

    #[test]
    fn illegal_steps_are_refused_whoever_asks() {
        assert_eq!(
            transition(Status::Submitted, Action::PublishNotice, Actor::Township, FACTS),
            Err(WorkflowError::NotAllowed(Status::Submitted, Action::PublishNotice))
        );
        assert_eq!(
            transition(Status::AtCounty, Action::Approve, Actor::Township, FACTS),
            Err(WorkflowError::WrongActor(Action::Approve))
        );
        assert!(transition(Status::Approved, Action::Withdraw, Actor::Applicant, FACTS).is_err());
        assert!(transition(Status::Submitted, Action::Accept, Actor::County, FACTS).is_err());
        assert_eq!(
            transition(Status::Submitted, Action::PublishNotice, Actor::Township, FACTS)
                .unwrap_err()
                .to_string(),
            "当前状态（待受理）下不能进行“发布公示”"
        );
    }

    #[test]
    fn material_requests_objections_and_emergencies() {
        let requested = transition(Status::Investigating, Action::RequestMaterial, Actor::Township, FACTS);
        assert_eq!(requested, Ok(Status::MaterialRequested));
        assert_eq!(
            transition(Status::MaterialRequested, Action::ProvideMaterial, Actor::Applicant, FACTS),
            Ok(Status::Submitted)
        );
        assert_eq!(
            transition(Status::InNotice, Action::Object, Actor::Public, FACTS),
            Ok(Status::Investigating)
        );
        assert_eq!(
            transition(Status::Investigating, Action::Approve, Actor::Township, EMERGENCY),
            Ok(Status::Approved)
        );
        assert!(transition(Status::Investigating, Action::Approve, Actor::Township, FACTS).is_err());
        assert_eq!(
            transition(Status::InNotice, Action::Withdraw, Actor::Applicant, FACTS),
            Ok(Status::Withdrawn)
        );
    }

    #[test]
    fn the_notice_period_and_households_that_are_not_published() {
        let running = Facts { notice_over: false, ..FACTS };
        assert_eq!(
            transition(Status::InNotice, Action::ForwardToCounty, Actor::Township, running),
            Err(WorkflowError::NoticeRunning)
        );
        let unpublished = Facts { needs_notice: false, ..FACTS };
        assert!(transition(Status::Recommended, Action::PublishNotice, Actor::Township, unpublished).is_err());
        assert_eq!(
            transition(Status::Recommended, Action::ForwardToCounty, Actor::Township, unpublished),
            Ok(Status::AtCounty)
        );
        assert_eq!(
            published_types(&[AssistanceType::DibaoEdge, AssistanceType::Medical]),
            vec![AssistanceType::Medical]
        );
        assert_eq!(
            available_actions(Status::Submitted, Actor::Township, FACTS),
            vec![Action::Accept, Action::RequestMaterial, Action::Refuse]
        );
        let fresh = Facts { investigated: false, ..FACTS };
        assert_eq!(
            transition(Status::Investigating, Action::Recommend, Actor::Township, fresh),
            Err(WorkflowError::InvestigationIncomplete)
        );
        let drawn = Facts { recheck_due: true, ..FACTS };
        assert_eq!(
            transition(Status::AtCounty, Action::Approve, Actor::County, drawn),
            Err(WorkflowError::RecheckPending)
        );
        assert_eq!(
            available_actions(Status::AtCounty, Actor::County, drawn),
            vec![Action::RecordRecheck, Action::ReturnToTownship, Action::Refuse]
        );
        assert_eq!(
            available_actions(Status::AtCounty, Actor::County, FACTS),
            vec![Action::Approve, Action::ReturnToTownship, Action::Refuse]
        );
        assert!(available_actions(Status::AtCounty, Actor::Township, FACTS).is_empty());
    }

    #[test]
    fn the_investigation_must_be_recorded_again_after_an_objection() {
        use crate::domain::calendar::Date;
        let today = Date::parse("2026-12-01").unwrap();
        let keys = |list: &[&str]| list.iter().map(|k| k.to_string()).collect::<Vec<_>>();
        let history = keys(&["submit", "accept", "record_visit", "record_check"]);
        let case = CaseState {
            emergency: false,
            types: &[AssistanceType::Dibao],
            notice_until: None,
            recheck_drawn: true,
            history: &history,
        };
        let facts = case_facts(&case, today);
        assert!(facts.investigated && facts.recheck_due && facts.needs_notice);
        let reopened = keys(&["submit", "accept", "record_visit", "record_check", "object", "record_visit"]);
        assert!(!case_facts(&CaseState { history: &reopened, ..case }, today).investigated);
        let rechecked = keys(&["record_recheck"]);
        assert!(!case_facts(&CaseState { history: &rechecked, ..case }, today).recheck_due);
        assert!(draw_recheck(0, true, 99), "households linked to staff are always drawn");
        assert!(draw_recheck(10, false, 9) && !draw_recheck(10, false, 10) && !draw_recheck(0, false, 0));
    }

    #[test]
    fn reasons_and_amounts_are_required_where_the_law_asks() {
        use crate::domain::register::GrantKind::{Monthly, OneOff, Recognition};
        assert_eq!(check_action_input(Action::Refuse, " 不符 ", "", Monthly).unwrap_err()[0].0, "note");
        assert!(check_action_input(Action::Refuse, "家庭人均收入高于当地低保标准", "", Monthly).is_ok());
        assert_eq!(check_action_input(Action::Recommend, "", "abc", Monthly).unwrap_err()[0].0, "amount");
        assert_eq!(check_action_input(Action::Recommend, "", "0", Monthly).unwrap_err()[0].0, "amount");
        assert_eq!(check_action_input(Action::Approve, "", "640", Monthly).unwrap().amount, Some(640));
        let one_off = check_action_input(Action::Approve, "", "", OneOff).unwrap_err();
        assert_eq!(one_off[0].1, "请填写一次性救助金额（元），1到100000之间的整数");
        assert_eq!(check_action_input(Action::Approve, "", "", Recognition).unwrap().amount, None);
        assert_eq!(
            check_action_input(Action::Accept, "", "", Monthly).unwrap(),
            ActionInput { note: String::new(), amount: None }
        );
    }

    #[test]
    fn the_timeline_names_each_legal_step_with_its_date() {
        let events =
            vec![("submit".to_string(), 10), ("accept".to_string(), 20), ("recommend".to_string(), 30)];
        let steps = timeline(&events);
        assert_eq!(steps.len(), 7);
        assert_eq!(steps[0].done_at, Some(10));
        assert_eq!(steps[1].label, "受理");
        assert_eq!(steps[3].done_at, Some(30));
        assert_eq!(steps[4].done_at, None, "not published yet");
        let refused_early = vec![("submit".to_string(), 10), ("refuse".to_string(), 20)];
        let steps = timeline(&refused_early);
        assert_eq!(steps[5].done_at, None, "the county did not decide a township refusal");
        assert_eq!(steps[6].done_at, Some(20));
    }

    #[test]
    fn keys_round_trip() {
        for status in Status::ALL {
            assert_eq!(Status::from_key(status.key()), Some(status));
        }
        assert_eq!(Action::from_key("forward_to_county"), Some(Action::ForwardToCounty));
    }

    #[test]
    fn the_decision_limit_is_the_longest_of_the_types_asked_for() {
        let limits = TimeLimits::default();
        assert_eq!(limits.decision(&[AssistanceType::Medical, AssistanceType::Dibao], false), 30);
        assert_eq!(limits.decision(&[AssistanceType::Temporary], false), 15);
        assert_eq!(limits.decision(&[AssistanceType::Dibao], true), 5);
    }
}
