//! The statutory path of an application as a typed state machine: 申请 → 受理 → 家庭经济状况核对和入户调查 →
//! 乡镇审核 → 公示 → 县级审核确认 → 结果. Every change goes through `transition`, whoever asks; an illegal
//! step is refused here, not in the pages.

use super::assistance::AssistanceType;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    /// 已提交，等待乡镇（街道）受理
    Submitted,
    /// 一次性告知：等待申请人补充材料
    MaterialRequested,
    /// 已受理：家庭经济状况核对和入户调查
    Investigating,
    /// 乡镇审核通过，提出救助金额，待公示
    Recommended,
    /// 公示中
    InNotice,
    /// 县级审核确认中
    AtCounty,
    Approved,
    Refused,
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 9] = [
        Self::Submitted,
        Self::MaterialRequested,
        Self::Investigating,
        Self::Recommended,
        Self::InNotice,
        Self::AtCounty,
        Self::Approved,
        Self::Refused,
        Self::Withdrawn,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::MaterialRequested => "material_requested",
            Self::Investigating => "investigating",
            Self::Recommended => "recommended",
            Self::InNotice => "in_notice",
            Self::AtCounty => "at_county",
            Self::Approved => "approved",
            Self::Refused => "refused",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Submitted => "待受理",
            Self::MaterialRequested => "待补充材料",
            Self::Investigating => "核对和入户调查中",
            Self::Recommended => "乡镇审核通过，待公示",
            Self::InNotice => "公示中",
            Self::AtCounty => "县级审核确认中",
            Self::Approved => "已批准",
            Self::Refused => "未批准",
            Self::Withdrawn => "已撤回",
        }
    }

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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// 受理
    Accept,
    /// 一次性告知 every missing item.
    RequestMaterial,
    /// The applicant has supplied what was asked.
    ProvideMaterial,
    /// 乡镇审核 with a proposed monthly amount.
    Recommend,
    PublishNotice,
    /// An objection during the notice period reopens the investigation.
    Object,
    ForwardToCounty,
    /// 县级审核确认 (or, for an emergency, the township's 先行救助).
    Approve,
    Refuse,
    Withdraw,
}

impl Action {
    pub fn key(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::RequestMaterial => "request_material",
            Self::ProvideMaterial => "provide_material",
            Self::Recommend => "recommend",
            Self::PublishNotice => "publish_notice",
            Self::Object => "object",
            Self::ForwardToCounty => "forward_to_county",
            Self::Approve => "approve",
            Self::Refuse => "refuse",
            Self::Withdraw => "withdraw",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        [
            Self::Accept,
            Self::RequestMaterial,
            Self::ProvideMaterial,
            Self::Recommend,
            Self::PublishNotice,
            Self::Object,
            Self::ForwardToCounty,
            Self::Approve,
            Self::Refuse,
            Self::Withdraw,
        ]
        .into_iter()
        .find(|a| a.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Accept => "受理",
            Self::RequestMaterial => "一次性告知补充材料",
            Self::ProvideMaterial => "申请人补充材料",
            Self::Recommend => "乡镇审核通过",
            Self::PublishNotice => "发布公示",
            Self::Object => "公示期收到异议，重新调查",
            Self::ForwardToCounty => "报送县级审核确认",
            Self::Approve => "批准",
            Self::Refuse => "不予批准",
            Self::Withdraw => "申请人撤回申请",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("当前状态（{}）下不能进行“{}”", .0.label(), .1.label())]
    NotAllowed(Status, Action),
    #[error("无权进行“{}”", .0.label())]
    WrongActor(Action),
}

/// The next status, or why not. `emergency` allows the township's 先行救助: approval before the notice
/// and the county's confirmation, which follow afterwards.
pub fn transition(
    status: Status,
    action: Action,
    actor: Actor,
    emergency: bool,
) -> Result<Status, WorkflowError> {
    use Action as A;
    use Status as S;
    let allowed_actor = match action {
        A::Accept | A::RequestMaterial | A::Recommend | A::PublishNotice | A::ForwardToCounty => {
            actor == Actor::Township
        }
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
        (S::Investigating, A::Recommend, _) => S::Recommended,
        (S::Recommended, A::PublishNotice, _) => S::InNotice,
        (S::InNotice, A::Object, _) => S::Investigating,
        (S::InNotice, A::ForwardToCounty, _) => S::AtCounty,
        (S::AtCounty, A::Approve, Actor::County) => S::Approved,
        (S::Submitted | S::Investigating, A::Approve, Actor::Township) => S::Approved,
        (S::Submitted | S::Investigating | S::Recommended, A::Refuse, Actor::Township) => S::Refused,
        (S::AtCounty, A::Refuse, Actor::County) => S::Refused,
        (s, A::Withdraw, _) if !s.is_final() => S::Withdrawn,
        _ => return Err(WorkflowError::NotAllowed(status, action)),
    };
    Ok(next)
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
            status = transition(status, action, actor, false).unwrap();
            assert_eq!(status, expected);
        }
    }

    #[test]
    fn illegal_steps_are_refused_whoever_asks() {
        assert_eq!(
            transition(Status::Submitted, Action::PublishNotice, Actor::Township, false),
            Err(WorkflowError::NotAllowed(Status::Submitted, Action::PublishNotice))
        );
        assert_eq!(
            transition(Status::AtCounty, Action::Approve, Actor::Township, false),
            Err(WorkflowError::WrongActor(Action::Approve))
        );
        assert!(transition(Status::Approved, Action::Withdraw, Actor::Applicant, false).is_err());
        assert!(transition(Status::Submitted, Action::Accept, Actor::County, false).is_err());
        assert_eq!(
            transition(Status::Submitted, Action::PublishNotice, Actor::Township, false)
                .unwrap_err()
                .to_string(),
            "当前状态（待受理）下不能进行“发布公示”"
        );
    }

    #[test]
    fn material_requests_objections_and_emergencies() {
        let requested = transition(Status::Investigating, Action::RequestMaterial, Actor::Township, false);
        assert_eq!(requested, Ok(Status::MaterialRequested));
        assert_eq!(
            transition(Status::MaterialRequested, Action::ProvideMaterial, Actor::Applicant, false),
            Ok(Status::Submitted)
        );
        assert_eq!(
            transition(Status::InNotice, Action::Object, Actor::Public, false),
            Ok(Status::Investigating)
        );
        assert_eq!(
            transition(Status::Investigating, Action::Approve, Actor::Township, true),
            Ok(Status::Approved)
        );
        assert!(transition(Status::Investigating, Action::Approve, Actor::Township, false).is_err());
        assert_eq!(
            transition(Status::InNotice, Action::Withdraw, Actor::Applicant, false),
            Ok(Status::Withdrawn)
        );
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
