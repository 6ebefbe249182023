//! 低收入人口动态监测: the risk signals that say a household may need help (an event a department sends, or
//! what a village worker saw), the warnings (预警) they raise with a level and a visit deadline, and how a
//! warning is closed after the visit. The measures name the risks (重病, 残疾, 就学, 失业, 灾害) and ask for
//! levels and visit deadlines without fixing them: every threshold and deadline here is configuration,
//! with placeholder defaults taken from other cities (`shared/docs/MONITORING.md`).

use super::assistance::AssistanceType;
use super::calendar::{Calendar, Date};
use super::register::Category;
use serde::{Deserialize, Serialize};

/// What was observed about a household.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Signal {
    /// 重病: out-of-pocket medical spending in the last twelve months, in 元 (医保).
    MedicalSpending { out_of_pocket_yuan: u32 },
    /// 残疾: a disability certificate issued, grade 1 (most severe) to 4 (残联).
    Disability { grade: u8 },
    /// 就学: a member enrolled in senior school, vocational school or university (教育).
    SchoolEnrolment,
    /// 失业: a member registered as unemployed (人社).
    Unemployment,
    /// 灾害: the household was hit by a disaster; `home_damaged` when its house was damaged (应急管理).
    Disaster { home_damaged: bool },
    /// A household whose assistance ended reports or is found with its income fallen again.
    IncomeFellAfterExit,
}

keyed_enum! {
    /// The kind of a signal: a household has at most one open warning of each kind.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum SignalKind {
        Medical => ("medical", "大额医疗支出"),
        Disability => ("disability", "新办残疾人证"),
        School => ("school", "子女就学"),
        Unemployment => ("unemployment", "登记失业"),
        Disaster => ("disaster", "遭受灾害"),
        IncomeFall => ("income_fall", "退出救助后收入下降"),
    }
}

impl SignalKind {
    /// The department whose system sends signals of this kind (a key of `staff::DEPARTMENTS`); `None`
    /// for what only the register and workers' visits find.
    pub fn sent_by(self) -> Option<&'static str> {
        match self {
            Self::Medical => Some("medical-insurance"),
            Self::Disability => Some("disabled-persons"),
            Self::School => Some("education"),
            Self::Unemployment => Some("human-resources"),
            Self::Disaster => Some("emergency"),
            Self::IncomeFall => None,
        }
    }
}

/// The category a register household keeps when a new lead names one: the stronger support (特困 over
/// 低保 over 低保边缘 over 刚性支出困难 over 防止返贫监测对象 over 其他困难人员), so that an import of a roll
/// never demotes a household a county approved. `None` when the household keeps what it has.
pub fn raised_category(current: Option<Category>, new: Option<Category>) -> Option<Category> {
    use AssistanceType as T;
    let rank = |category: Category| match category {
        Category::Assistance(T::Tekun) => 6,
        Category::Assistance(T::Dibao) => 5,
        Category::Assistance(T::DibaoEdge) => 4,
        Category::Assistance(T::RigidSpending) => 3,
        Category::PovertyRelapseWatch => 2,
        Category::OtherHardship => 1,
        Category::Assistance(_) => 0,
    };
    match (current, new) {
        (_, None) => None,
        (None, Some(new)) => Some(new),
        (Some(current), Some(new)) => (rank(new) > rank(current)).then_some(new),
    }
}

keyed_enum! {
    /// What a department's credential lets its system do through the API.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum ApiScope {
        /// Send events of the kinds its department sends (`SignalKind::sent_by`).
        SendEvents => ("events", "推送预警事件"),
        /// Ask 对象互认: is this person a recognised low-income household member, and of which category.
        AskRecognition => ("recognition", "对象互认查询"),
    }
}

impl ApiScope {
    /// The scopes of a stored comma-separated list; unknown keys are dropped.
    pub fn parse_list(list: &str) -> Vec<Self> {
        list.split(',').filter_map(|key| Self::from_key(key.trim())).collect()
    }

    pub fn join(scopes: &[Self]) -> String {
        scopes.iter().map(|s| s.key()).collect::<Vec<_>>().join(",")
    }
}

impl Signal {
    pub fn kind(&self) -> SignalKind {
        match self {
            Self::MedicalSpending { .. } => SignalKind::Medical,
            Self::Disability { .. } => SignalKind::Disability,
            Self::SchoolEnrolment => SignalKind::School,
            Self::Unemployment => SignalKind::Unemployment,
            Self::Disaster { .. } => SignalKind::Disaster,
            Self::IncomeFellAfterExit => SignalKind::IncomeFall,
        }
    }
}

keyed_enum! {
    /// How urgent a warning is: the level decides the visit deadline. Ordered from the least urgent.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    pub enum Level {
        Yellow => ("yellow", "三级（黄色）预警"),
        Orange => ("orange", "二级（橙色）预警"),
        Red => ("red", "一级（红色）预警"),
    }
}

/// Thresholds and deadlines, from configuration. Every default is a placeholder: the medical thresholds
/// are 铜陵's tiers, the deadlines are shorter than the 15 days a Gansu county gives to identify a
/// 防返贫 case from its first lead. Each county sets its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WarningRules {
    /// Yearly out-of-pocket medical spending (元) that raises a warning, for 特困 members.
    pub medical_yuan_tekun: u32,
    /// The same for 低保 members.
    pub medical_yuan_dibao: u32,
    /// The same for 低保边缘, 刚性支出困难 and 防止返贫监测 households.
    pub medical_yuan_watched: u32,
    /// The same for everyone else (households not yet in a category).
    pub medical_yuan_other: u32,
    /// Spending of this many times the threshold makes the warning red.
    pub medical_red_multiple: u32,
    /// Working days from the warning to the visit, by level.
    pub visit_days_red: u32,
    pub visit_days_orange: u32,
    pub visit_days_yellow: u32,
    /// Months after a household's assistance ended in which it may tell the portal that its
    /// income fell again (a warning for the township).
    pub income_fall_months: u32,
}

impl Default for WarningRules {
    fn default() -> Self {
        Self {
            medical_yuan_tekun: 1_000,
            medical_yuan_dibao: 5_000,
            medical_yuan_watched: 10_000,
            medical_yuan_other: 15_000,
            medical_red_multiple: 3,
            visit_days_red: 3,
            visit_days_orange: 7,
            visit_days_yellow: 15,
            income_fall_months: 12,
        }
    }
}

impl WarningRules {
    /// The medical threshold for a household of `category` (`None`: not in a category yet).
    pub fn medical_threshold(&self, category: Option<Category>) -> u32 {
        use AssistanceType as T;
        match category {
            Some(Category::Assistance(T::Tekun)) => self.medical_yuan_tekun,
            Some(Category::Assistance(T::Dibao)) => self.medical_yuan_dibao,
            Some(Category::Assistance(T::DibaoEdge | T::RigidSpending) | Category::PovertyRelapseWatch) => {
                self.medical_yuan_watched
            }
            _ => self.medical_yuan_other,
        }
    }

    /// The warning a signal raises for a household of `category`, if any.
    pub fn assess(&self, signal: &Signal, category: Option<Category>) -> Option<Level> {
        match *signal {
            Signal::MedicalSpending { out_of_pocket_yuan } => {
                let threshold = self.medical_threshold(category);
                let red = threshold.saturating_mul(self.medical_red_multiple.max(1));
                match out_of_pocket_yuan {
                    spent if spent >= red => Some(Level::Red),
                    spent if spent >= threshold => Some(Level::Orange),
                    _ => None,
                }
            }
            Signal::Disability { grade: 1 | 2 } => Some(Level::Red),
            Signal::Disability { .. } => Some(Level::Orange),
            Signal::SchoolEnrolment => Some(Level::Yellow),
            Signal::Unemployment | Signal::IncomeFellAfterExit => Some(Level::Orange),
            Signal::Disaster { home_damaged: true } => Some(Level::Red),
            Signal::Disaster { home_damaged: false } => Some(Level::Orange),
        }
    }

    /// The last day for the visit of a warning of `level` raised on `raised_on`.
    pub fn visit_due(&self, level: Level, raised_on: Date, calendar: &Calendar) -> Date {
        let days = match level {
            Level::Red => self.visit_days_red,
            Level::Orange => self.visit_days_orange,
            Level::Yellow => self.visit_days_yellow,
        };
        calendar.add_working_days(raised_on, days)
    }
}

/// An open warning: its level and visit deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenWarning {
    pub level: Level,
    pub visit_due: Date,
}

impl OpenWarning {
    /// A new signal of the same kind for a household with this warning open: no second warning, the
    /// open one takes the higher level and the earlier deadline (never a later one).
    pub fn merged_with(self, new: OpenWarning) -> OpenWarning {
        OpenWarning { level: self.level.max(new.level), visit_due: self.visit_due.min(new.visit_due) }
    }

    /// 超期: still open after its deadline.
    pub fn is_overdue(self, today: Date) -> bool {
        today > self.visit_due
    }
}

/// How a warning ends after the visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WarningOutcome {
    /// 帮助申请: the household was helped to apply (the application's reference).
    HelpedToApply { reference: String },
    /// 分类推送: referred to the department that can help (a key of `staff::DEPARTMENTS`).
    Referred { department: String },
    /// 无需救助: nothing to do, with the reason found at the visit.
    NoAction { reason: String },
}

/// Shortest reason accepted for closing a warning without action.
pub const NO_ACTION_REASON_MIN_CHARS: usize = 4;

impl WarningOutcome {
    pub fn key(&self) -> &'static str {
        match self {
            Self::HelpedToApply { .. } => "helped_to_apply",
            Self::Referred { .. } => "referred",
            Self::NoAction { .. } => "no_action",
        }
    }

    /// The outcome in a household's history.
    pub fn describe(&self) -> String {
        match self {
            Self::HelpedToApply { reference } => format!("帮助申请救助（申请编号 {reference}）"),
            Self::Referred { department } => {
                let name = super::staff::DEPARTMENTS.iter().find(|(key, _)| key == department);
                format!("推送{}", name.map(|(_, label)| *label).unwrap_or(department.as_str()))
            }
            Self::NoAction { reason } => format!("无需救助：{reason}"),
        }
    }

    /// Checks what the township typed: `Err((field, message))` to show next to the field.
    pub fn check(self) -> Result<Self, (&'static str, String)> {
        match self {
            Self::NoAction { reason } if reason.trim().chars().count() < NO_ACTION_REASON_MIN_CHARS => {
                Err(("reason", format!("请写明不需要救助的原因（至少{NO_ACTION_REASON_MIN_CHARS}个字）")))
            }
            Self::Referred { department }
                if !super::staff::DEPARTMENTS.iter().any(|(key, _)| *key == department) =>
            {
                Err(("department", "请选择推送的部门".to_string()))
            }
            Self::HelpedToApply { reference } if reference.trim().is_empty() => {
                Err(("reference", "请填写帮助提交的申请编号".to_string()))
            }
            Self::NoAction { reason } => Ok(Self::NoAction { reason: reason.trim().to_string() }),
            other => Ok(other),
        }
    }
}

/// What a worker saw at a visit (走访): their own words and the risks they found at the door.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitRecord {
    pub observations: String,
    pub indicators: Vec<SignalKind>,
}

/// How many member rows the found-household form offers (and reads); a household with more members adds
/// them on its application.
pub const FOUND_MEMBER_ROWS: usize = 4;

/// A visit is written up in a sentence at least, and a page at most.
pub const OBSERVATIONS_MIN_CHARS: usize = 4;
pub const OBSERVATIONS_MAX_CHARS: usize = 1000;

impl VisitRecord {
    /// Checks what the worker typed and ticked: `Err((field, message))` to show next to the field.
    pub fn check(observations: &str, indicator_keys: &[&str]) -> Result<Self, (&'static str, String)> {
        let observations = observations.trim();
        let chars = observations.chars().count();
        if chars < OBSERVATIONS_MIN_CHARS {
            return Err((
                "observations",
                format!("请写明走访看到的情况（至少{OBSERVATIONS_MIN_CHARS}个字）"),
            ));
        }
        if chars > OBSERVATIONS_MAX_CHARS {
            return Err(("observations", format!("走访情况最多{OBSERVATIONS_MAX_CHARS}个字")));
        }
        let mut indicators = Vec::new();
        for key in indicator_keys {
            let kind =
                SignalKind::from_key(key).ok_or(("indicators", "请从列表中选择风险情况".to_string()))?;
            if !indicators.contains(&kind) {
                indicators.push(kind);
            }
        }
        Ok(Self { observations: observations.to_string(), indicators })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> Date {
        Date::new(year, month, day).unwrap()
    }

    #[test]
    fn a_household_keeps_its_strongest_category() {
        let dibao = Some(Category::Assistance(AssistanceType::Dibao));
        let watch = Some(Category::PovertyRelapseWatch);
        assert_eq!(raised_category(None, watch), watch);
        assert_eq!(raised_category(watch, dibao), dibao, "an approval raises an imported household");
        assert_eq!(raised_category(dibao, watch), None, "an import never demotes an approved one");
        assert_eq!(raised_category(dibao, None), None);
    }

    #[test]
    fn each_department_sends_its_own_kinds_and_scopes_survive_storage() {
        let medical: Vec<_> =
            SignalKind::ALL.into_iter().filter(|k| k.sent_by() == Some("medical-insurance")).collect();
        assert_eq!(medical, [SignalKind::Medical]);
        assert_eq!(SignalKind::IncomeFall.sent_by(), None);
        for kind in SignalKind::ALL.into_iter().filter_map(SignalKind::sent_by) {
            assert!(super::super::staff::DEPARTMENTS.iter().any(|(key, _)| *key == kind), "{kind}");
        }
        let scopes = [ApiScope::SendEvents, ApiScope::AskRecognition];
        assert_eq!(ApiScope::parse_list(&ApiScope::join(&scopes)), scopes);
        assert_eq!(ApiScope::parse_list("recognition, nonsense"), [ApiScope::AskRecognition]);
    }

    #[test]
    fn medical_spending_is_weighed_against_the_households_category() {
        let rules = WarningRules::default();
        let spent = |yuan| Signal::MedicalSpending { out_of_pocket_yuan: yuan };
        let tekun = Some(Category::Assistance(AssistanceType::Tekun));
        let watched = Some(Category::PovertyRelapseWatch);
        assert_eq!(rules.assess(&spent(999), tekun), None);
        assert_eq!(rules.assess(&spent(1_000), tekun), Some(Level::Orange));
        assert_eq!(rules.assess(&spent(3_000), tekun), Some(Level::Red));
        assert_eq!(rules.assess(&spent(9_999), watched), None);
        assert_eq!(rules.assess(&spent(10_000), watched), Some(Level::Orange));
        assert_eq!(rules.assess(&spent(14_999), None), None, "a household in no category: 15,000");
        assert_eq!(rules.assess(&spent(45_000), None), Some(Level::Red));
    }

    #[test]
    fn every_other_signal_raises_a_warning_of_its_level() {
        let rules = WarningRules::default();
        assert_eq!(rules.assess(&Signal::Disability { grade: 1 }, None), Some(Level::Red));
        assert_eq!(rules.assess(&Signal::Disability { grade: 4 }, None), Some(Level::Orange));
        assert_eq!(rules.assess(&Signal::SchoolEnrolment, None), Some(Level::Yellow));
        assert_eq!(rules.assess(&Signal::Unemployment, None), Some(Level::Orange));
        assert_eq!(rules.assess(&Signal::Disaster { home_damaged: true }, None), Some(Level::Red));
        assert_eq!(rules.assess(&Signal::IncomeFellAfterExit, None), Some(Level::Orange));
    }

    #[test]
    fn the_visit_is_due_in_working_days_by_level() {
        let rules = WarningRules::default();
        let calendar = Calendar::default();
        // Friday 2026-12-04: a red warning's three working days end on Wednesday.
        assert_eq!(rules.visit_due(Level::Red, date(2026, 12, 4), &calendar), date(2026, 12, 9));
        assert_eq!(rules.visit_due(Level::Yellow, date(2026, 12, 4), &calendar), date(2026, 12, 25));
    }

    #[test]
    fn a_second_signal_of_a_kind_escalates_the_open_warning_and_never_delays_it() {
        let open = OpenWarning { level: Level::Orange, visit_due: date(2026, 12, 15) };
        let later_red = OpenWarning { level: Level::Red, visit_due: date(2026, 12, 18) };
        let merged = open.merged_with(later_red);
        assert_eq!(merged, OpenWarning { level: Level::Red, visit_due: date(2026, 12, 15) });
        let sooner_yellow = OpenWarning { level: Level::Yellow, visit_due: date(2026, 12, 10) };
        assert_eq!(open.merged_with(sooner_yellow).visit_due, date(2026, 12, 10));
        assert!(open.is_overdue(date(2026, 12, 16)) && !open.is_overdue(date(2026, 12, 15)));
    }

    #[test]
    fn a_warning_closes_only_with_an_outcome_that_says_enough() {
        let no_action = |reason: &str| WarningOutcome::NoAction { reason: reason.into() }.check();
        assert_eq!(no_action(" 收入 ").unwrap_err().0, "reason");
        assert_eq!(
            no_action(" 已有稳定工作 ").unwrap(),
            WarningOutcome::NoAction { reason: "已有稳定工作".into() }
        );
        let referred = |department: &str| WarningOutcome::Referred { department: department.into() }.check();
        assert_eq!(referred("nowhere").unwrap_err().0, "department");
        assert!(referred("medical-insurance").is_ok());
        assert!(WarningOutcome::HelpedToApply { reference: " ".into() }.check().is_err());
    }

    #[test]
    fn a_visit_is_written_up_and_ticks_only_known_risks() {
        assert_eq!(VisitRecord::check(" 很好 ", &[]).unwrap_err().0, "observations");
        assert_eq!(VisitRecord::check(&"走".repeat(1001), &[]).unwrap_err().0, "observations");
        assert_eq!(VisitRecord::check("家中老人卧床", &["flood"]).unwrap_err().0, "indicators");
        let visit = VisitRecord::check(" 家中老人卧床 ", &["medical", "disability", "medical"]).unwrap();
        assert_eq!(visit.observations, "家中老人卧床");
        assert_eq!(visit.indicators, [SignalKind::Medical, SignalKind::Disability]);
    }

    #[test]
    fn kinds_and_levels_round_trip_through_their_keys() {
        for kind in SignalKind::ALL {
            assert_eq!(SignalKind::from_key(kind.key()), Some(kind));
        }
        for level in Level::ALL {
            assert_eq!(Level::from_key(level.key()), Some(level));
        }
    }
}
