//! 先行救助: emergency help a township gives first, before the file is complete (measures, part 9:
//! 直接受理、"一事一议"、"先行救助"). The township records the sum, completes the file within a set
//! number of working days, and the county confirms the help afterwards. The limit and the period are
//! configuration with placeholder defaults, like the review periods.

use super::assistance::AssistanceType;
use super::calendar::Date;
use super::eligibility::whole_number;
use super::workflow::Status;
use serde::{Deserialize, Serialize};

/// How far a township may go on its own, and how long it has to complete the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmergencyRules {
    /// The largest sum a township grants first, as a multiple of the county's monthly urban 低保
    /// standard (the higher of the two standards, so that no household waits on its classification).
    pub township_limit_months_of_standard: u32,
    /// Working days after the grant by which the township's file (investigation and opinion) must be done.
    pub working_days_to_complete_file: u32,
}

impl Default for EmergencyRules {
    fn default() -> Self {
        Self { township_limit_months_of_standard: 3, working_days_to_complete_file: 10 }
    }
}

impl EmergencyRules {
    /// The largest sum in 元, given the county's monthly urban 低保 standard.
    pub fn limit(&self, urban_standard: u32) -> u32 {
        urban_standard.saturating_mul(self.township_limit_months_of_standard)
    }
}

/// Whether a township may give help first on a case in `status`: the household asked for 临时救助 or
/// said it is in urgent need (急难), and the township has not yet given its opinion on the file.
pub fn may_grant(status: Status, emergency: bool, types: &[AssistanceType]) -> bool {
    urgent(emergency, types) && !file_complete(status)
}

/// An application that can ever get an emergency grant: urgent, or asking for temporary assistance.
pub fn urgent(emergency: bool, types: &[AssistanceType]) -> bool {
    emergency || types.contains(&AssistanceType::Temporary)
}

/// The file is complete once the township has given its opinion: recommended (and after), refused,
/// or the household withdrew. Until then the case is still being received or investigated.
pub fn file_complete(status: Status) -> bool {
    !matches!(status, Status::Submitted | Status::MaterialRequested | Status::Investigating)
}

/// The township's grant as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GrantForm {
    pub amount: String,
    pub reason: String,
}

/// A grant that passed its checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedGrant {
    pub amount: u32,
    pub reason: String,
}

pub const REASON_MIN_CHARS: usize = 4;
pub const REASON_MAX_CHARS: usize = 500;

/// Checks a grant against the township's limit; every problem names its field.
pub fn check_grant(form: &GrantForm, limit: u32) -> Result<CheckedGrant, Vec<(&'static str, String)>> {
    let mut problems = Vec::new();
    let amount = match whole_number(&form.amount) {
        None if form.amount.trim().is_empty() => {
            problems.push(("emergency_amount", "请填写先行救助金额（元）".to_string()));
            None
        }
        None | Some(0) => {
            problems.push(("emergency_amount", "金额应为大于0的整数（元），如 1500".to_string()));
            None
        }
        Some(a) if a > limit => {
            problems.push((
                "emergency_amount",
                format!("乡镇先行救助最多 {limit} 元；超过的部分请按临时救助程序报县级审批"),
            ));
            None
        }
        Some(a) => Some(a),
    };
    let reason = form.reason.trim().to_string();
    let length = reason.chars().count();
    if length < REASON_MIN_CHARS {
        problems.push(("emergency_reason", "请写明遭遇的急难情况和核实方式（至少4个字）".to_string()));
    } else if length > REASON_MAX_CHARS {
        problems.push(("emergency_reason", format!("情况说明最多{REASON_MAX_CHARS}个字")));
    }
    match amount {
        Some(amount) if problems.is_empty() => Ok(CheckedGrant { amount, reason }),
        _ => Err(problems),
    }
}

keyed_enum! {
    /// The county's answer to help given first.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
    pub enum CountyAnswer {
        /// 确认: the help stands.
        Confirmed => ("confirmed", "县级已确认"),
        /// 不予确认: the help was not due; the reasons go to the file (recovering the money is a matter
        /// for the county, outside the portal).
        NotConfirmed => ("not_confirmed", "县级不予确认"),
    }
}

/// Where help given first stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    /// The township still has to complete the file, by `due`; `overdue` once a working day has gone by.
    AwaitingFile {
        due: Date,
        overdue: bool,
    },
    /// The file is complete; the county has not answered yet.
    AwaitingCounty,
    Answered(CountyAnswer),
}

impl Stage {
    /// `overdue_through`: the latest deadline already passed today (`Calendar::overdue_through`).
    pub fn of(answer: Option<CountyAnswer>, status: Status, due: Date, overdue_through: Date) -> Self {
        match answer {
            Some(answer) => Self::Answered(answer),
            None if file_complete(status) => Self::AwaitingCounty,
            None => Self::AwaitingFile { due, overdue: due <= overdue_through },
        }
    }

    pub fn label(self) -> String {
        match self {
            Self::AwaitingFile { due, overdue: false } => format!("待乡镇补齐材料（{}前）", due.chinese()),
            Self::AwaitingFile { due, overdue: true } => {
                format!("补齐材料已超期（期限{}）", due.chinese())
            }
            Self::AwaitingCounty => "材料已补齐，待县级确认".to_string(),
            Self::Answered(answer) => answer.label().to_string(),
        }
    }
}

/// History labels of the emergency steps.
pub fn event_label(key: &str) -> Option<&'static str> {
    match key {
        "emergency_granted" => Some("乡镇先行救助"),
        "emergency_confirmed" => Some("县级确认先行救助"),
        "emergency_not_confirmed" => Some("县级不予确认先行救助"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn form(amount: &str, reason: &str) -> GrantForm {
        GrantForm { amount: amount.into(), reason: reason.into() }
    }

    #[test]
    fn help_first_is_for_urgent_or_temporary_cases_before_the_townships_opinion() {
        use AssistanceType as T;
        assert!(may_grant(Status::Submitted, true, &[T::Dibao]));
        assert!(may_grant(Status::Investigating, false, &[T::Temporary]));
        assert!(!may_grant(Status::Investigating, false, &[T::Dibao]));
        assert!(!may_grant(Status::Recommended, true, &[T::Temporary]));
        assert!(!may_grant(Status::Approved, true, &[T::Temporary]));
    }

    #[test]
    fn the_limit_is_a_multiple_of_the_urban_standard() {
        let rules = EmergencyRules::default();
        assert_eq!(rules.limit(800), 2400);
        assert_eq!(check_grant(&form("2,400元", " 房屋失火，已入户核实 "), 2400).unwrap().amount, 2400);
        assert_eq!(check_grant(&form("2400", "房屋失火"), 2400).unwrap().reason, "房屋失火");
        let over = check_grant(&form("2401", "房屋失火"), 2400).unwrap_err();
        assert_eq!(
            over,
            vec![(
                "emergency_amount",
                "乡镇先行救助最多 2400 元；超过的部分请按临时救助程序报县级审批".to_string()
            )]
        );
    }

    #[test]
    fn every_problem_is_named_at_its_field() {
        let problems = check_grant(&form("", "火"), 2400).unwrap_err();
        let fields: Vec<_> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["emergency_amount", "emergency_reason"]);
        assert_eq!(
            check_grant(&form("0", "房屋失火"), 2400).unwrap_err()[0].1,
            "金额应为大于0的整数（元），如 1500"
        );
        assert_eq!(check_grant(&form("-5", "房屋失火"), 2400).unwrap_err()[0].0, "emergency_amount");
        let long = "火".repeat(REASON_MAX_CHARS + 1);
        assert_eq!(check_grant(&form("100", &long), 2400).unwrap_err()[0].1, "情况说明最多500个字");
    }

    #[test]
    fn an_unfinished_file_is_overdue_once_its_deadline_has_passed() {
        let due = d("2026-12-10");
        let waiting = Stage::of(None, Status::Investigating, due, d("2026-12-09"));
        assert_eq!(waiting, Stage::AwaitingFile { due, overdue: false });
        let late = Stage::of(None, Status::Investigating, due, d("2026-12-10"));
        assert_eq!(late.label(), "补齐材料已超期（期限2026年12月10日）");
        assert_eq!(Stage::of(None, Status::Recommended, due, d("2027-01-10")), Stage::AwaitingCounty);
        let answered = Stage::of(Some(CountyAnswer::Confirmed), Status::Approved, due, d("2027-01-10"));
        assert_eq!(answered.label(), "县级已确认");
    }
}
