//! The eligibility self-check: a few questions, then which kinds of assistance are worth applying for and
//! why, in plain words with the local figures. It is a guide, not a decision: the township and county
//! decide after checking the household's real situation.

use super::assistance::AssistanceType;
use serde::{Deserialize, Serialize};

/// The local figures the rules compare against. Set per county by an administrator each year; the seeded
/// values are marked `confirmed: false` until then and the page says so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalStandards {
    pub county_code: String,
    pub county_name: String,
    /// 城市低保标准, 元 per person per month.
    pub dibao_urban_monthly: u32,
    /// 农村低保标准, 元 per person per month.
    pub dibao_rural_monthly: u32,
    /// Last year's per-capita disposable income, 元 per year (urban / rural).
    pub disposable_income_urban_yearly: u32,
    pub disposable_income_rural_yearly: u32,
    /// Rigid spending (medical, education) above this share of household income counts as a hardship.
    pub rigid_spending_share_percent: u32,
    /// Whether an administrator has confirmed these figures (seeded defaults are not confirmed).
    pub confirmed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Residence {
    Urban,
    Rural,
}

/// Why an administrator's figures cannot be saved; each names its form field.
pub fn check_standards(s: &LocalStandards) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut check = |ok: bool, field, message| {
        if !ok {
            errors.push(FieldError { field, message });
        }
    };
    check(
        (100..=5000).contains(&s.dibao_urban_monthly),
        "dibao_urban_monthly",
        "城市低保标准应在每人每月100到5000元之间",
    );
    check(
        (100..=5000).contains(&s.dibao_rural_monthly),
        "dibao_rural_monthly",
        "农村低保标准应在每人每月100到5000元之间",
    );
    check(
        (1000..=500_000).contains(&s.disposable_income_urban_yearly),
        "disposable_income_urban_yearly",
        "城镇居民人均可支配收入应在每年1000到500000元之间",
    );
    check(
        (1000..=500_000).contains(&s.disposable_income_rural_yearly),
        "disposable_income_rural_yearly",
        "农村居民人均可支配收入应在每年1000到500000元之间",
    );
    check(
        (1..=100).contains(&s.rigid_spending_share_percent),
        "rigid_spending_share_percent",
        "刚性支出占比应在1到100之间",
    );
    errors
}

/// The answers, already checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers {
    pub household_size: u32,
    pub residence: Residence,
    /// Whole household, 元 per month, all sources.
    pub monthly_income: u32,
    /// Savings, vehicles and property within the local limits, as far as the person knows.
    pub assets_within_limits: bool,
    /// Medical and education spending over the last 12 months, 元.
    pub yearly_rigid_spending: u32,
    /// A household member with a disability or a serious illness.
    pub disability_or_illness: bool,
    /// Unable to work, without income, and without anyone legally bound to support them.
    pub no_work_income_or_support: bool,
    /// A sudden event (accident, fire, serious illness) leaves the household unable to cope for now.
    pub sudden_hardship: bool,
}

/// One suggestion with the reason in plain words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub kind: AssistanceType,
    pub reason: String,
}

/// The rules of thumb behind the measures. Order: the strongest protection first.
pub fn suggest(answers: &Answers, standards: &LocalStandards) -> Vec<Suggestion> {
    let mut out = Vec::new();
    let size = answers.household_size.max(1);
    let per_person = answers.monthly_income / size;
    let (dibao, disposable_yearly) = match answers.residence {
        Residence::Urban => (standards.dibao_urban_monthly, standards.disposable_income_urban_yearly),
        Residence::Rural => (standards.dibao_rural_monthly, standards.disposable_income_rural_yearly),
    };
    let edge_limit = dibao * 3 / 2;

    if answers.no_work_income_or_support {
        out.push(Suggestion {
            kind: AssistanceType::Tekun,
            reason: "家中有人无劳动能力、无生活来源，又没有法定赡养、抚养、扶养义务人（或义务人无力履行），可以申请特困人员救助供养。".into(),
        });
    }
    if per_person < dibao && answers.assets_within_limits {
        out.push(Suggestion {
            kind: AssistanceType::Dibao,
            reason: format!(
                "家庭人均月收入约 {per_person} 元，低于{}的低保标准 {dibao} 元，可以申请低保。",
                standards.county_name
            ),
        });
    } else if per_person < edge_limit && answers.assets_within_limits {
        out.push(Suggestion {
            kind: AssistanceType::DibaoEdge,
            reason: format!(
                "家庭人均月收入约 {per_person} 元，不到低保标准（{dibao} 元）的1.5倍（{edge_limit} 元），可以申请认定为低保边缘家庭，享受相应的专项救助。"
            ),
        });
    }
    if !out.iter().any(|s| s.kind == AssistanceType::Dibao) {
        out.extend(rigid_spending(answers, standards, disposable_yearly));
    }
    if answers.sudden_hardship {
        out.push(Suggestion {
            kind: AssistanceType::Temporary,
            reason: "遇到突发事件、意外事故或重病，一时生活困难，可以申请临时救助；情况紧急的，乡镇可以先行救助，手续后补。".into(),
        });
    }
    if answers.disability_or_illness || answers.yearly_rigid_spending > 0 {
        out.push(Suggestion {
            kind: AssistanceType::Medical,
            reason: "家中有重病或残疾的成员、医疗开支较大的，在基本医保报销后还可以申请医疗救助；残疾人还可咨询残疾人两项补贴。".into(),
        });
    }
    out
}

/// 刚性支出困难: a year's medical and school spending above the county's share of the household's income,
/// with an income per person below the local disposable income.
fn rigid_spending(
    answers: &Answers,
    standards: &LocalStandards,
    disposable_yearly: u32,
) -> Option<Suggestion> {
    let yearly_income = answers.monthly_income * 12;
    let per_person_yearly = yearly_income / answers.household_size.max(1);
    let rigid_share_limit = yearly_income * standards.rigid_spending_share_percent / 100;
    let eligible = answers.yearly_rigid_spending > 0
        && per_person_yearly < disposable_yearly
        && answers.yearly_rigid_spending > rigid_share_limit;
    eligible.then(|| Suggestion {
        kind: AssistanceType::RigidSpending,
        reason: format!(
            "过去一年看病、上学的开支约 {} 元，超过家庭年收入的 {}%，且人均年收入低于当地上年人均可支配收入（{disposable_yearly} 元），可以申请认定为刚性支出困难家庭。",
            answers.yearly_rigid_spending, standards.rigid_spending_share_percent
        ),
    })
}

/// The fields of the self-check form, as typed. Kept as text so that a failed check shows exactly what
/// the person wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    pub county: String,
    pub residence: String,
    pub household_size: String,
    pub monthly_income: String,
    pub assets: String,
    pub rigid_spending: String,
    pub disability: String,
    pub no_support: String,
    pub sudden: String,
}

/// A problem with one field, named by its form field so that the message sits next to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: &'static str,
}

impl Form {
    /// Whether the person has submitted anything yet (an empty form shows no errors).
    pub fn is_blank(&self) -> bool {
        *self == Form::default()
    }

    pub fn check(&self) -> Result<Answers, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut error = |field, message| errors.push(FieldError { field, message });
        if self.county.trim().is_empty() {
            error("county", "请选择户籍所在县区");
        }
        let residence = match self.residence.as_str() {
            "urban" => Some(Residence::Urban),
            "rural" => Some(Residence::Rural),
            _ => {
                error("residence", "请选择城市户口还是农村户口");
                None
            }
        };
        let household_size = match whole_number(&self.household_size) {
            Some(n @ 1..=20) => Some(n),
            Some(_) => {
                error("household_size", "家庭人口应在1到20人之间");
                None
            }
            None => {
                error("household_size", "请填写家庭人口数，只填数字，例如 3");
                None
            }
        };
        let monthly_income = whole_number(&self.monthly_income);
        if monthly_income.is_none() {
            error("monthly_income", "请填写全家每月总收入，只填数字（元），没有收入填 0");
        }
        let rigid =
            if self.rigid_spending.trim().is_empty() { Some(0) } else { whole_number(&self.rigid_spending) };
        if rigid.is_none() {
            error("rigid_spending", "看病、上学开支只填数字（元），没有就留空或填 0");
        }
        let assets = match self.assets.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => {
                error("assets", "请选择家庭财产是否在规定范围内");
                None
            }
        };
        match (residence, household_size, monthly_income, rigid, assets) {
            (Some(residence), Some(household_size), Some(monthly_income), Some(rigid), Some(assets))
                if errors.is_empty() =>
            {
                Ok(Answers {
                    household_size,
                    residence,
                    monthly_income,
                    assets_within_limits: assets,
                    yearly_rigid_spending: rigid,
                    disability_or_illness: self.disability == "yes",
                    no_work_income_or_support: self.no_support == "yes",
                    sudden_hardship: self.sudden == "yes",
                })
            }
            _ => Err(errors),
        }
    }
}

/// Accepts what people type on a phone: spaces, full-width digits, a trailing 元, thousands separators.
pub fn whole_number(text: &str) -> Option<u32> {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, ',' | '，' | '元'))
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            other => other,
        })
        .collect();
    if cleaned.is_empty() || cleaned.len() > 9 {
        return None;
    }
    cleaned.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standards() -> LocalStandards {
        LocalStandards {
            county_code: "620702".into(),
            county_name: "甘州区".into(),
            dibao_urban_monthly: 800,
            dibao_rural_monthly: 500,
            disposable_income_urban_yearly: 36000,
            disposable_income_rural_yearly: 18000,
            rigid_spending_share_percent: 50,
            confirmed: false,
        }
    }

    fn answers() -> Answers {
        Answers {
            household_size: 3,
            residence: Residence::Rural,
            monthly_income: 1200,
            assets_within_limits: true,
            yearly_rigid_spending: 0,
            disability_or_illness: false,
            no_work_income_or_support: false,
            sudden_hardship: false,
        }
    }

    fn kinds(answers: &Answers) -> Vec<AssistanceType> {
        suggest(answers, &standards()).into_iter().map(|s| s.kind).collect()
    }

    #[test]
    fn income_below_the_standard_suggests_dibao_with_the_figures() {
        let found = suggest(&answers(), &standards());
        assert_eq!(found[0].kind, AssistanceType::Dibao);
        assert!(found[0].reason.contains("400 元") && found[0].reason.contains("500 元"));
    }

    #[test]
    fn income_up_to_one_and_a_half_times_suggests_the_edge_household() {
        let edge = Answers { monthly_income: 2000, ..answers() }; // 666 per person, limit 750
        assert_eq!(kinds(&edge), vec![AssistanceType::DibaoEdge]);
        let above = Answers { monthly_income: 2400, ..answers() }; // 800 per person
        assert!(kinds(&above).is_empty());
    }

    #[test]
    fn assets_beyond_the_limits_rule_out_dibao_and_edge() {
        let rich = Answers { assets_within_limits: false, ..answers() };
        assert!(kinds(&rich).is_empty());
    }

    #[test]
    fn heavy_medical_spending_suggests_rigid_spending_and_medical_help() {
        let ill = Answers { monthly_income: 3000, yearly_rigid_spending: 20000, ..answers() };
        // 12000 per person per year < 18000; 20000 > 50 % of 36000.
        assert_eq!(kinds(&ill), vec![AssistanceType::RigidSpending, AssistanceType::Medical]);
    }

    #[test]
    fn emergencies_and_the_unsupported_get_their_own_suggestions() {
        let alone =
            Answers { household_size: 1, monthly_income: 0, no_work_income_or_support: true, ..answers() };
        assert_eq!(kinds(&alone), vec![AssistanceType::Tekun, AssistanceType::Dibao]);
        let sudden = Answers { monthly_income: 5000, sudden_hardship: true, ..answers() };
        assert_eq!(kinds(&sudden), vec![AssistanceType::Temporary]);
    }

    #[test]
    fn implausible_standards_are_refused_field_by_field() {
        assert!(check_standards(&standards()).is_empty());
        let bad = LocalStandards { dibao_rural_monthly: 0, rigid_spending_share_percent: 150, ..standards() };
        let fields: Vec<_> = check_standards(&bad).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["dibao_rural_monthly", "rigid_spending_share_percent"]);
    }

    #[test]
    fn the_form_accepts_what_people_type_on_a_phone() {
        assert_eq!(whole_number(" 1,200元 "), Some(1200));
        assert_eq!(whole_number("１２００"), Some(1200));
        assert_eq!(whole_number("一千"), None);
        assert_eq!(whole_number("-5"), None);
    }

    #[test]
    fn each_bad_field_gets_its_own_message() {
        let form = Form { household_size: "0".into(), monthly_income: "很少".into(), ..Form::default() };
        let errors = form.check().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["county", "residence", "household_size", "monthly_income", "assets"]);
        assert!(errors.iter().all(|e| !e.message.is_empty()));
    }

    #[test]
    fn a_complete_form_gives_answers() {
        let form = Form {
            county: "620702".into(),
            residence: "rural".into(),
            household_size: "3".into(),
            monthly_income: "1200".into(),
            assets: "yes".into(),
            rigid_spending: "".into(),
            sudden: "yes".into(),
            ..Form::default()
        };
        let answers = form.check().unwrap();
        assert_eq!(answers.monthly_income, 1200);
        assert!(answers.sudden_hardship && !answers.disability_or_illness);
    }
}
