//! Special assistance referrals (分类推送): when a township accepts an application that asks for medical,
//! education, housing, employment or disaster help, the case goes to the responsible department's queue
//! as well; the department records what it did, and that shows in the case history.

use super::assistance::AssistanceType;
use super::staff::DEPARTMENTS;
use serde::{Deserialize, Serialize};

/// The case event a department's answer is written as.
pub const HELP_EVENT: &str = "referral_help";

/// The department (a key of `staff::DEPARTMENTS`) that gives a kind of special assistance.
pub fn department_for(kind: AssistanceType) -> Option<&'static str> {
    match kind {
        AssistanceType::Medical => Some("medical-insurance"),
        AssistanceType::Education => Some("education"),
        AssistanceType::Housing => Some("housing"),
        AssistanceType::Employment => Some("human-resources"),
        AssistanceType::Disaster => Some("emergency"),
        AssistanceType::Dibao
        | AssistanceType::Tekun
        | AssistanceType::DibaoEdge
        | AssistanceType::RigidSpending
        | AssistanceType::Temporary => None,
    }
}

/// The departments a case with these types is referred to, each once, in the order of the types.
pub fn departments_for(types: &[AssistanceType]) -> Vec<&'static str> {
    let mut departments: Vec<&'static str> = Vec::new();
    for department in types.iter().filter_map(|t| department_for(*t)) {
        if !departments.contains(&department) {
            departments.push(department);
        }
    }
    departments
}

/// "医疗保障局" for "medical-insurance"; the key itself when it is unknown.
pub fn department_name(key: &str) -> &str {
    DEPARTMENTS.iter().find(|(k, _)| *k == key).map(|(_, name)| *name).unwrap_or(key)
}

keyed_enum! {
    /// What the department did with a referral.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
    pub enum ReferralOutcome {
        /// The department gave the help (or started giving it).
        Helped => ("helped", "已给予救助"),
        /// The household does not meet this department's conditions.
        NotEligible => ("not_eligible", "不符合本部门救助条件"),
    }
}

/// How a referral stands, in words.
pub fn status_label(outcome: Option<ReferralOutcome>) -> &'static str {
    outcome.map(ReferralOutcome::label).unwrap_or("待部门办理")
}

/// The department's answer, checked: an outcome and a note saying what was given (or why not). The
/// note's upper length is a shape rule checked where the form arrives.
pub fn check_answer(
    outcome: &str,
    note: &str,
) -> Result<(ReferralOutcome, String), Vec<(&'static str, String)>> {
    let note = note.trim().to_string();
    let mut problems = Vec::new();
    let outcome = ReferralOutcome::from_key(outcome);
    if outcome.is_none() {
        problems.push(("outcome", "请选择办理结果".to_string()));
    }
    if note.chars().count() < 4 {
        let message = "请写明给予的救助（项目、金额或措施），或不符合条件的理由（至少4个字）";
        problems.push(("note", message.to_string()));
    }
    match outcome {
        Some(outcome) if problems.is_empty() => Ok((outcome, note)),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_types_go_to_their_department_once() {
        use AssistanceType::*;
        assert_eq!(departments_for(&[Dibao, Temporary]), Vec::<&str>::new());
        assert_eq!(departments_for(&[Dibao, Medical, Education]), vec!["medical-insurance", "education"]);
        assert_eq!(departments_for(&[Disaster, Employment, Disaster]), vec!["emergency", "human-resources"]);
        for kind in AssistanceType::ALL {
            assert_eq!(department_for(kind).is_some(), kind.is_special(), "{kind:?}");
        }
        assert!(DEPARTMENTS.iter().any(|(k, _)| Some(*k) == department_for(Housing)));
    }

    #[test]
    fn names_and_labels() {
        assert_eq!(department_name("medical-insurance"), "医疗保障局");
        assert_eq!(department_name("nobody"), "nobody");
        assert_eq!(status_label(None), "待部门办理");
        assert_eq!(status_label(Some(ReferralOutcome::Helped)), "已给予救助");
        assert_eq!(ReferralOutcome::from_key("not_eligible"), Some(ReferralOutcome::NotEligible));
        assert_eq!(ReferralOutcome::from_key("maybe"), None);
    }

    #[test]
    fn an_answer_needs_an_outcome_and_words() {
        assert_eq!(
            check_answer("helped", "  住院费用报销3200元  "),
            Ok((ReferralOutcome::Helped, "住院费用报销3200元".to_string()))
        );
        let problems = check_answer("", "好").unwrap_err();
        assert_eq!(problems.iter().map(|(f, _)| *f).collect::<Vec<_>>(), vec!["outcome", "note"]);
    }
}
