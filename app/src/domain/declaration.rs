//! 家庭情况变化申报: an assisted household tells the township that its situation changed. The measures
//! oblige households to report changes; a declaration brings the household's record up for review at once.

use super::calendar::Date;
use super::eligibility::whole_number;
use super::register::RecordState;
use serde::{Deserialize, Serialize};

keyed_enum! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum ChangeKind {
        /// 收入或就业变化
        IncomeOrJob => ("income", "收入或就业变化（找到工作、失业、收入增加或减少）"),
        /// 家庭成员变化: birth, death, marriage, moving out
        Members => ("members", "家庭成员变化（出生、死亡、结婚、离婚、迁出）"),
        /// 新购住房、车辆等财产
        Property => ("property", "新购住房、车辆等财产"),
        /// 重病或残疾
        Illness => ("illness", "家庭成员患重病或残疾"),
        /// 搬到其他乡镇（街道）
        Moving => ("moving", "搬到其他乡镇（街道）居住"),
    }
}

impl ChangeKind {
    /// The short name in queues and the case history.
    pub fn short(self) -> &'static str {
        match self {
            Self::IncomeOrJob => "收入或就业变化",
            Self::Members => "家庭成员变化",
            Self::Property => "新增财产",
            Self::Illness => "重病或残疾",
            Self::Moving => "搬迁",
        }
    }
}

/// A declaration being filled in, one question per page; kept sealed between the pages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclarationDraft {
    pub kind: Option<ChangeKind>,
    pub occurred_on: Option<Date>,
    pub details: String,
    /// The household's monthly income now, for a change of income or job.
    pub income: Option<u32>,
}

impl DeclarationDraft {
    /// Whether every question is answered, so the check page may submit it.
    pub fn is_complete(&self) -> bool {
        self.kind.is_some() && self.occurred_on.is_some() && !self.details.is_empty()
    }
}

/// What a household may declare online, from the state of its record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Declaring {
    /// Any change, while the record is in force, recognised or phasing out: it brings the record up
    /// for review.
    Record,
    /// After its assistance ended, within the monitoring window: only that its income fell
    /// again, which raises a monitoring warning (the household is still on the register).
    AfterExit,
}

/// What a household whose record is in `state` (as of today, `register::state_on`) and ended on
/// `ends_on` may declare on `today`, with `window_months` of monitoring after the end.
pub fn declaring(
    state: RecordState,
    ends_on: Option<Date>,
    today: Date,
    window_months: u32,
) -> Option<Declaring> {
    match state {
        RecordState::PhasingOut => Some(Declaring::Record),
        s if s.is_reviewed() => Some(Declaring::Record),
        RecordState::Ended => {
            ends_on.filter(|end| end.add_months(window_months) >= today).map(|_| Declaring::AfterExit)
        }
        _ => None,
    }
}

pub const DETAILS_MIN_CHARS: usize = 4;
pub const DETAILS_MAX_CHARS: usize = 1000;
/// How far back a change may be dated (a late report is still welcome; a typo of the year is not).
pub const OLDEST_CHANGE_DAYS: i64 = 730;

type Problems = Vec<(&'static str, String)>;

/// Checks the details page: when it happened (not in the future, not more than two years ago), what
/// changed in words, and for a change of income or job the income now.
pub fn check_details(
    kind: ChangeKind,
    occurred_on: &str,
    details: &str,
    income: &str,
    today: Date,
) -> Result<(Date, String, Option<u32>), Problems> {
    let mut problems = Vec::new();
    let date = Date::parse(occurred_on);
    match date {
        Some(d) if d > today => problems.push(("occurred_on", "日期不能晚于今天".to_string())),
        Some(d) if d < today.add_days(-OLDEST_CHANGE_DAYS) => problems
            .push(("occurred_on", "只能申报最近两年内发生的变化，更早的请到乡镇（街道）说明".to_string())),
        Some(_) => {}
        None => problems.push(("occurred_on", "请填写变化发生的日期，格式如 2026-11-20".to_string())),
    }
    let details = details.trim().to_string();
    let length = details.chars().count();
    if length < DETAILS_MIN_CHARS {
        problems.push(("details", "请用几句话说明发生了什么变化（至少4个字）".to_string()));
    } else if length > DETAILS_MAX_CHARS {
        problems.push(("details", format!("说明最多{DETAILS_MAX_CHARS}个字")));
    }
    let income = match (kind, income.trim()) {
        (ChangeKind::IncomeOrJob, text) => match whole_number(text) {
            Some(n) if n <= 1_000_000 => Some(n),
            _ => {
                problems
                    .push(("income", "请填写家庭现在每月总收入（元），只填数字，没有收入填 0".to_string()));
                None
            }
        },
        (_, _) => None,
    };
    match (date, problems.is_empty()) {
        (Some(date), true) => Ok((date, details, income)),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_the_end_only_a_fall_of_income_is_declared_and_only_within_the_window() {
        let day = |s| Date::parse(s).unwrap();
        let today = day("2026-12-04");
        let ended = |on| declaring(RecordState::Ended, Some(day(on)), today, 12);
        assert_eq!(declaring(RecordState::InForce, None, today, 12), Some(Declaring::Record));
        assert_eq!(
            declaring(RecordState::PhasingOut, Some(day("2027-03-31")), today, 12),
            Some(Declaring::Record)
        );
        assert_eq!(ended("2026-01-04"), Some(Declaring::AfterExit), "twelve months to the day");
        assert_eq!(ended("2025-12-03"), None, "past the window");
        let expired = declaring(RecordState::Expired, Some(day("2026-06-30")), today, 12);
        assert_eq!(expired, Some(Declaring::Record), "an expired recognition is still reviewed");
        assert_eq!(declaring(RecordState::OneOffGranted, None, today, 12), None);
    }

    fn today() -> Date {
        Date::parse("2026-12-02").unwrap()
    }

    fn fields(result: Result<(Date, String, Option<u32>), Problems>) -> Vec<&'static str> {
        result.unwrap_err().into_iter().map(|(field, _)| field).collect()
    }

    #[test]
    fn a_new_job_needs_a_date_words_and_the_income_now() {
        let ok = check_details(ChangeKind::IncomeOrJob, "2026-11-20", "儿子在县城找到工作", "2,600", today());
        assert_eq!(
            ok,
            Ok((Date::parse("2026-11-20").unwrap(), "儿子在县城找到工作".to_string(), Some(2600)))
        );
        assert_eq!(
            fields(check_details(ChangeKind::IncomeOrJob, "2026-12-03", "好", "", today())),
            vec!["occurred_on", "details", "income"]
        );
        assert_eq!(
            fields(check_details(ChangeKind::Members, "2024-11-01", "孙女出生了", "", today())),
            vec!["occurred_on"]
        );
        let birth = check_details(ChangeKind::Members, "2026-10-01", "孙女出生了", "abc", today()).unwrap();
        assert_eq!(birth.2, None, "no income asked for other changes");
    }

    #[test]
    fn a_draft_is_complete_once_every_question_is_answered() {
        let mut draft = DeclarationDraft { kind: Some(ChangeKind::Illness), ..DeclarationDraft::default() };
        assert!(!draft.is_complete());
        draft.occurred_on = Date::parse("2026-11-01");
        draft.details = "老伴查出脑梗".into();
        assert!(draft.is_complete());
        assert_eq!(ChangeKind::from_key("moving"), Some(ChangeKind::Moving));
    }
}
