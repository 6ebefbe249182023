//! The register of assisted households (救助对象) after the decision: what an approval grants, how a
//! record stands on a given day, when it is reviewed (复核) and how a review may end (continue, adjust,
//! 渐退, 终止). The measures fix the outcomes; the periods are configuration with placeholder defaults.

use super::assistance::AssistanceType;
use super::calendar::Date;
use super::eligibility::{whole_number, Residence};
use serde::{Deserialize, Serialize};

/// A register category: the kinds of assistance, plus the two categories of the monitoring database
/// that no application asks for (they come from other rolls and workers' visits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Category {
    Assistance(AssistanceType),
    /// 防止返贫监测对象
    PovertyRelapseWatch,
    /// 其他困难人员
    OtherHardship,
}

impl Category {
    pub fn all() -> impl Iterator<Item = Category> {
        AssistanceType::ALL
            .into_iter()
            .map(Self::Assistance)
            .chain([Self::PovertyRelapseWatch, Self::OtherHardship])
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::Assistance(t) => t.key(),
            Self::PovertyRelapseWatch => "poverty_relapse_watch",
            Self::OtherHardship => "other_hardship",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::all().find(|c| c.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Assistance(AssistanceType::DibaoEdge) => "低保边缘家庭",
            Self::Assistance(AssistanceType::RigidSpending) => "刚性支出困难家庭",
            Self::Assistance(t) => t.label(),
            Self::PovertyRelapseWatch => "防止返贫监测对象",
            Self::OtherHardship => "其他困难人员",
        }
    }

    /// What a record of this category grants.
    pub fn grant(self) -> GrantKind {
        use AssistanceType as T;
        match self {
            Self::Assistance(T::Dibao | T::Tekun) => GrantKind::Monthly,
            Self::Assistance(T::Temporary) => GrantKind::OneOff,
            Self::Assistance(T::DibaoEdge | T::RigidSpending)
            | Self::PovertyRelapseWatch
            | Self::OtherHardship => GrantKind::Recognition,
            Self::Assistance(_) => GrantKind::Department,
        }
    }
}

/// The record an approval creates is of the case's principal kind: 特困 before 低保 (a household is
/// supported under one of the two), then 临时救助, then the identifications, then the first special
/// kind (given by its department after referral). One record per household and case.
pub fn principal_category(types: &[AssistanceType]) -> Category {
    use AssistanceType as T;
    let order = [T::Tekun, T::Dibao, T::Temporary, T::DibaoEdge, T::RigidSpending];
    let principal = order.into_iter().find(|t| types.contains(t)).or_else(|| types.first().copied());
    Category::Assistance(principal.unwrap_or(T::Dibao))
}

/// What a record grants, which decides how its amount is asked for and shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GrantKind {
    /// 元 every month (低保, 特困).
    Monthly,
    /// One sum (临时救助).
    OneOff,
    /// A recognised status with a validity period, no money (低保边缘, 刚性支出困难).
    Recognition,
    /// Given by a department after referral; the record says what the department gave.
    Department,
}

impl GrantKind {
    pub fn key(self) -> &'static str {
        match self {
            Self::Monthly => "monthly",
            Self::OneOff => "one_off",
            Self::Recognition => "recognition",
            Self::Department => "department",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        [Self::Monthly, Self::OneOff, Self::Recognition, Self::Department]
            .into_iter()
            .find(|k| k.key() == key)
    }

    /// Whether the decision states a sum of money.
    pub fn takes_amount(self) -> bool {
        matches!(self, Self::Monthly | Self::OneOff)
    }

    /// The amount field's label on the decision form.
    pub fn amount_label(self) -> &'static str {
        match self {
            Self::OneOff => "一次性救助金额（元）",
            _ => "每月救助金额（元）",
        }
    }

    /// "每月 640 元", "一次性 2000 元": never "每月" for a one-off sum.
    pub fn describe(self, amount: Option<u32>) -> String {
        match (self, amount) {
            (Self::Monthly, Some(a)) => format!("每月 {a} 元"),
            (Self::OneOff, Some(a)) => format!("一次性 {a} 元"),
            (Self::Recognition, _) => "身份认定（不直接发放资金）".to_string(),
            (Self::Department, _) => "由相关部门给予专项救助".to_string(),
            (_, None) => "未定".to_string(),
        }
    }
}

keyed_enum! {
    /// How a record stands.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum RecordState {
        /// 在保: paid every month.
        InForce => ("in_force", "在保"),
        /// 渐退中: paid until the phase-out end date.
        PhasingOut => ("phasing_out", "渐退中"),
        /// 已终止
        Ended => ("ended", "已终止"),
        /// 认定有效: a recognised status within its validity.
        Recognised => ("recognised", "认定有效"),
        /// 已到期: a recognised status past its validity without a review.
        Expired => ("expired", "已到期"),
        /// A one-off sum was granted; nothing recurs.
        OneOffGranted => ("one_off_granted", "已给予一次性救助"),
        /// Special assistance, given by the department.
        ReferredToDepartment => ("referred", "由部门给予专项救助"),
    }
}

impl RecordState {
    /// The state a new record starts in.
    pub fn at_approval(grant: GrantKind) -> Self {
        match grant {
            GrantKind::Monthly => Self::InForce,
            GrantKind::OneOff => Self::OneOffGranted,
            GrantKind::Recognition => Self::Recognised,
            GrantKind::Department => Self::ReferredToDepartment,
        }
    }

    /// Whether records in this state are reviewed when due.
    pub fn is_reviewed(self) -> bool {
        matches!(self, Self::InForce | Self::Recognised | Self::Expired)
    }
}

keyed_enum! {
    /// Why assistance ended. Staff choose one of the first five; a phase-out that reaches its end date
    /// ends by itself.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum EndReason {
        IncomeAboveStandard => ("income", "家庭收入超过救助标准"),
        AssetsAboveLimit => ("assets", "家庭财产超过规定"),
        MovedAway => ("moved", "户籍或居住地迁出本县区"),
        Deceased => ("deceased", "救助对象死亡"),
        DeclinedReview => ("declined", "无正当理由拒不配合复核"),
        PhaseOutCompleted => ("phase_out", "渐退期满"),
    }
}

impl EndReason {
    /// The reasons a reviewer may choose.
    pub fn chosen_by_staff() -> impl Iterator<Item = EndReason> {
        Self::ALL.into_iter().filter(|r| *r != Self::PhaseOutCompleted)
    }
}

/// A record's state on `today`: a phase-out past its end date has ended (by 渐退期满), a recognised
/// status past its validity has expired. Stored states change only by a person's decision; the dates
/// do the rest, so no job has to run at midnight.
pub fn state_on(stored: RecordState, ends_on: Option<Date>, today: Date) -> (RecordState, Option<EndReason>) {
    let passed = ends_on.is_some_and(|end| end < today);
    match stored {
        RecordState::PhasingOut if passed => (RecordState::Ended, Some(EndReason::PhaseOutCompleted)),
        RecordState::Recognised if passed => (RecordState::Expired, None),
        other => (other, None),
    }
}

/// Review periods and limits, from configuration. The defaults are placeholders marked as such in the
/// configuration documentation: each county sets its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReviewRules {
    /// Months between reviews of 低保 and 特困 records.
    pub basic_living_months: u32,
    /// Months a 低保边缘 or 刚性支出困难 recognition is valid; it is reviewed when it runs out.
    pub identification_months: u32,
    /// Working days a review has from the day it falls due.
    pub working_days_to_review: u32,
    /// The longest 渐退期, in months.
    pub phase_out_max_months: u32,
    /// 扣减必要的就业成本: per employed member, this share of the 低保 standard is not counted as income.
    pub employment_cost_share_percent: u32,
}

impl Default for ReviewRules {
    fn default() -> Self {
        Self {
            basic_living_months: 12,
            identification_months: 12,
            working_days_to_review: 20,
            phase_out_max_months: 6,
            employment_cost_share_percent: 30,
        }
    }
}

impl ReviewRules {
    /// When a record granted on `from` is next reviewed (none for one-off and department help).
    pub fn next_review(&self, grant: GrantKind, from: Date) -> Option<Date> {
        match grant {
            GrantKind::Monthly => Some(from.add_months(self.basic_living_months)),
            GrantKind::Recognition => Some(from.add_months(self.identification_months)),
            GrantKind::OneOff | GrantKind::Department => None,
        }
    }

    /// Until when a recognition granted on `from` is valid: the day before its review falls due.
    pub fn valid_until(&self, grant: GrantKind, from: Date) -> Option<Date> {
        (grant == GrantKind::Recognition).then(|| from.add_months(self.identification_months).add_days(-1))
    }
}

keyed_enum! {
    /// How a review ends.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
    pub enum Outcome {
        Continue => ("continue", "继续保障"),
        Adjust => ("adjust", "调整救助金额"),
        PhaseOut => ("phase_out", "渐退"),
        End => ("end", "终止救助"),
    }
}

impl Outcome {
    /// Adjusting and ending change what the county decided, so the county confirms them.
    pub fn needs_county(self) -> bool {
        matches!(self, Self::Adjust | Self::End)
    }

    /// The outcomes open to a record that grants `grant`.
    pub fn open_to(grant: GrantKind, category: Category) -> Vec<Outcome> {
        Self::ALL
            .into_iter()
            .filter(|o| match o {
                Self::Adjust => grant == GrantKind::Monthly,
                Self::PhaseOut => category == Category::Assistance(AssistanceType::Dibao),
                _ => true,
            })
            .collect()
    }
}

/// How the case history names the events of a record (keys written by `features::register`).
pub fn event_label(key: &str) -> Option<&'static str> {
    match key {
        "review" => Some("复核"),
        "review_proposed" => Some("复核（调整或终止，报县级确认）"),
        "review_confirmed" => Some("县级确认复核结果"),
        "review_returned" => Some("县级退回复核结果"),
        "declaration" => Some("居民申报家庭情况变化"),
        _ => None,
    }
}

/// A review's result, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewDecision {
    pub outcome: Outcome,
    pub note: String,
    /// The new monthly amount of an adjustment.
    pub amount: Option<u32>,
    /// The last day paid of a phase-out.
    pub phase_out_until: Option<Date>,
    pub end_reason: Option<EndReason>,
}

/// What the reviewer typed, as posted (the visit's photos come beside it, read by the server).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReviewForm {
    pub outcome: String,
    pub note: String,
    pub amount: String,
    pub until: String,
    pub reason: String,
    /// For a phase-out: the household's monthly income now, how many members work, how many people
    /// live in the household and whether the urban or rural standard applies.
    pub income: String,
    pub employed: String,
    pub household_size: String,
    pub residence: String,
}

/// What a review is checked against besides the form.
#[derive(Clone, Copy, Debug)]
pub struct ReviewContext<'a> {
    pub grant: GrantKind,
    pub category: Category,
    pub today: Date,
    pub rules: &'a ReviewRules,
    /// The county's 低保 standards (元 per person per month): (urban, rural).
    pub standards: (u32, u32),
}

type Problems = Vec<(&'static str, String)>;

/// Checks a review: the outcome must be open to the record, reasons are required where assistance is
/// cut, and a phase-out needs a date within the limit and a household whose income, after the costs of
/// working, is above the standard.
pub fn check_review(form: &ReviewForm, context: &ReviewContext) -> Result<ReviewDecision, Problems> {
    let mut problems = Vec::new();
    let note = form.note.trim().to_string();
    let outcome = Outcome::from_key(&form.outcome)
        .filter(|o| Outcome::open_to(context.grant, context.category).contains(o));
    let Some(outcome) = outcome else {
        return Err(vec![("outcome", "请选择复核结果".to_string())]);
    };
    if note.chars().count() < 4 {
        problems.push(("note", "请写明入户核查和经济状况核对的情况（至少4个字）".to_string()));
    }
    if note.chars().count() > 2000 {
        problems.push(("note", "说明最多2000个字".to_string()));
    }
    let mut decision =
        ReviewDecision { outcome, note, amount: None, phase_out_until: None, end_reason: None };
    match outcome {
        Outcome::Continue => {}
        Outcome::Adjust => match whole_number(&form.amount) {
            Some(n) if (1..=super::workflow::MAX_MONTHLY_AMOUNT).contains(&n) => decision.amount = Some(n),
            _ => {
                problems.push(("amount", "请填写调整后的每月救助金额（元），1到100000之间的整数".to_string()))
            }
        },
        Outcome::End => {
            match EndReason::from_key(&form.reason).filter(|r| *r != EndReason::PhaseOutCompleted) {
                Some(reason) => decision.end_reason = Some(reason),
                None => problems.push(("reason", "请选择终止救助的原因".to_string())),
            }
        }
        Outcome::PhaseOut => {
            decision.phase_out_until = check_phase_out(form, context, &mut problems);
        }
    }
    if problems.is_empty() {
        Ok(decision)
    } else {
        Err(problems)
    }
}

fn check_phase_out(form: &ReviewForm, context: &ReviewContext, problems: &mut Problems) -> Option<Date> {
    let latest = context.today.add_months(context.rules.phase_out_max_months);
    let until = match Date::parse(&form.until) {
        Some(d) if d >= context.today && d <= latest => Some(d),
        _ => {
            let limit = context.rules.phase_out_max_months;
            problems.push((
                "until",
                format!("请填写渐退截止日期（格式 2027-06-30），从今天起最长{limit}个月，最晚 {latest}"),
            ));
            None
        }
    };
    let income = whole_number(&form.income);
    let employed = whole_number(&form.employed);
    let size = whole_number(&form.household_size).filter(|n| (1..=20).contains(n));
    let residence = match form.residence.as_str() {
        "urban" => Some(Residence::Urban),
        "rural" => Some(Residence::Rural),
        _ => None,
    };
    if income.is_none() {
        problems.push(("income", "请填写家庭现在每月总收入（元），只填数字".to_string()));
    }
    if size.is_none() {
        problems.push(("household_size", "请填写家庭人口数（1到20）".to_string()));
    }
    if residence.is_none() {
        problems.push(("residence", "请选择适用城市还是农村低保标准".to_string()));
    }
    match employed {
        Some(n) if n >= 1 => {}
        _ => problems.push((
            "employed",
            "渐退适用于家庭成员就业后收入增加的情形，请填写就业人数（至少1人）".to_string(),
        )),
    }
    let (Some(income), Some(employed), Some(size), Some(residence)) = (income, employed, size, residence)
    else {
        return until;
    };
    let standard = match residence {
        Residence::Urban => context.standards.0,
        Residence::Rural => context.standards.1,
    };
    let counted = counted_income(income, employed, standard, context.rules.employment_cost_share_percent);
    let per_person = counted / size;
    if employed >= 1 && per_person <= standard {
        problems.push((
            "income",
            format!("扣除就业成本后家庭人均月收入 {per_person} 元，未超过低保标准 {standard} 元，不适用渐退，应继续保障或调整金额"),
        ));
    }
    until
}

/// A household's monthly income as the test counts it: for each employed member, `share_percent` of the
/// 低保 standard is deducted as the necessary cost of working (扣减必要的就业成本).
pub fn counted_income(income: u32, employed: u32, standard: u32, share_percent: u32) -> u32 {
    let deduction = u64::from(employed) * u64::from(standard) * u64::from(share_percent) / 100;
    u32::try_from(u64::from(income).saturating_sub(deduction)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use AssistanceType as T;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn dibao<'a>(rules: &'a ReviewRules) -> ReviewContext<'a> {
        ReviewContext {
            grant: GrantKind::Monthly,
            category: Category::Assistance(T::Dibao),
            today: d("2027-12-02"),
            rules,
            standards: (800, 600),
        }
    }

    fn phase_out(until: &str, income: &str, employed: &str) -> ReviewForm {
        ReviewForm {
            outcome: "phase_out".into(),
            note: "入户核查：儿子已在县城就业".into(),
            until: until.into(),
            income: income.into(),
            employed: employed.into(),
            household_size: "3".into(),
            residence: "rural".into(),
            ..ReviewForm::default()
        }
    }

    fn fields(result: Result<ReviewDecision, Problems>) -> Vec<&'static str> {
        result.unwrap_err().into_iter().map(|(field, _)| field).collect()
    }

    #[test]
    fn what_an_approval_grants_depends_on_the_principal_kind() {
        assert_eq!(principal_category(&[T::Medical, T::Dibao]), Category::Assistance(T::Dibao));
        assert_eq!(principal_category(&[T::Dibao, T::Tekun]), Category::Assistance(T::Tekun));
        assert_eq!(principal_category(&[T::Temporary]).grant(), GrantKind::OneOff);
        assert_eq!(principal_category(&[T::RigidSpending]).grant(), GrantKind::Recognition);
        assert_eq!(principal_category(&[T::Housing]).grant(), GrantKind::Department);
        assert_eq!(GrantKind::OneOff.describe(Some(2000)), "一次性 2000 元");
        assert_eq!(GrantKind::Monthly.describe(Some(640)), "每月 640 元");
        assert!(!GrantKind::Recognition.describe(None).contains("元"));
        assert_eq!(Category::from_key("poverty_relapse_watch"), Some(Category::PovertyRelapseWatch));
        assert_eq!(Category::all().count(), 12, "ten kinds of assistance and two monitoring categories");
    }

    #[test]
    fn dates_end_a_phase_out_and_a_recognition_without_anyone_acting() {
        let end = Some(d("2028-05-31"));
        assert_eq!(state_on(RecordState::PhasingOut, end, d("2028-05-31")), (RecordState::PhasingOut, None));
        assert_eq!(
            state_on(RecordState::PhasingOut, end, d("2028-06-01")),
            (RecordState::Ended, Some(EndReason::PhaseOutCompleted))
        );
        assert_eq!(state_on(RecordState::Recognised, end, d("2028-06-01")).0, RecordState::Expired);
        assert_eq!(state_on(RecordState::InForce, None, d("2099-01-01")).0, RecordState::InForce);
    }

    #[test]
    fn reviews_fall_due_by_kind() {
        let rules = ReviewRules::default();
        assert_eq!(rules.next_review(GrantKind::Monthly, d("2026-12-02")), Some(d("2027-12-02")));
        assert_eq!(rules.next_review(GrantKind::OneOff, d("2026-12-02")), None);
        assert_eq!(rules.valid_until(GrantKind::Recognition, d("2026-12-02")), Some(d("2027-12-01")));
    }

    #[test]
    fn a_phase_out_needs_income_from_work_above_the_standard_and_a_date_within_the_limit() {
        let rules = ReviewRules::default();
        let context = dibao(&rules);
        // 3 people, 2,400 元 with one worker: 2,400 - 30 % of 600 = 2,220, 740 a head > 600.
        let decision = check_review(&phase_out("2028-05-31", "2400", "1"), &context).unwrap();
        assert_eq!(decision.phase_out_until, Some(d("2028-05-31")));
        assert_eq!(fields(check_review(&phase_out("2028-06-03", "2400", "1"), &context)), vec!["until"]);
        // 1,900 - 180 = 1,720, 573 a head: still below the standard.
        assert_eq!(fields(check_review(&phase_out("2028-05-31", "1900", "1"), &context)), vec!["income"]);
        assert_eq!(fields(check_review(&phase_out("2028-05-31", "2400", "0"), &context)), vec!["employed"]);
        assert_eq!(counted_income(1000, 2, 600, 30), 640);
        assert_eq!(counted_income(100, 2, 600, 30), 0);
    }

    #[test]
    fn cutting_assistance_needs_reasons_and_only_money_can_be_adjusted() {
        let rules = ReviewRules::default();
        let context = dibao(&rules);
        let end =
            ReviewForm { outcome: "end".into(), note: "已迁往兰州".into(), ..ReviewForm::default() };
        assert_eq!(fields(check_review(&end, &context)), vec!["reason"]);
        let end = ReviewForm { reason: "moved".into(), ..end };
        assert_eq!(check_review(&end, &context).unwrap().end_reason, Some(EndReason::MovedAway));
        let adjust = ReviewForm {
            outcome: "adjust".into(),
            note: "好".into(),
            amount: "0".into(),
            ..ReviewForm::default()
        };
        assert_eq!(fields(check_review(&adjust, &context)), vec!["note", "amount"]);
        let edge = ReviewContext {
            grant: GrantKind::Recognition,
            category: Category::Assistance(T::DibaoEdge),
            ..context
        };
        let adjust = ReviewForm { note: "收入有变化".into(), amount: "300".into(), ..adjust };
        assert_eq!(fields(check_review(&adjust, &edge)), vec!["outcome"]);
        assert!(Outcome::End.needs_county() && !Outcome::PhaseOut.needs_county());
    }
}
