//! The application form: its steps, what each step accepts, and the draft that collects the answers.
//! Each step is checked here from the fields as posted, so the server applies the same rules whether the
//! browser ran JavaScript or not.

use super::assistance::AssistanceType;
use super::eligibility::whole_number;
use super::id_number::{BirthDate, IdNumber};
use super::person_name::check_name;
use super::region::{County, Township};
use serde::{Deserialize, Serialize};

/// Problems with a posted step: (field name, message in Chinese), in the order of the form.
pub type Problems = Vec<(&'static str, String)>;

/// The question pages in order, then the check-your-answers page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    Types,
    Place,
    Household,
    Income,
    Assets,
    Spending,
    Account,
    Check,
}

impl Step {
    pub const ALL: [Step; 8] = [
        Self::Types,
        Self::Place,
        Self::Household,
        Self::Income,
        Self::Assets,
        Self::Spending,
        Self::Account,
        Self::Check,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Self::Types => "types",
            Self::Place => "place",
            Self::Household => "household",
            Self::Income => "income",
            Self::Assets => "assets",
            Self::Spending => "spending",
            Self::Account => "account",
            Self::Check => "check",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.slug() == slug)
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Types => "申请哪些救助",
            Self::Place => "户籍所在地和住址",
            Self::Household => "家庭成员",
            Self::Income => "家庭收入",
            Self::Assets => "家庭财产",
            Self::Spending => "看病和上学的开支",
            Self::Account => "困难情况说明",
            Self::Check => "核对并提交",
        }
    }

    /// 1-based position, for "第2步，共8步".
    pub fn number(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }

    pub fn next(self) -> Self {
        Self::ALL.get(self.number()).copied().unwrap_or(Self::Check)
    }

    pub fn previous(self) -> Option<Self> {
        self.number().checked_sub(2).map(|i| Self::ALL[i])
    }

    pub fn path(self) -> String {
        format!("/apply/form/{}", self.slug())
    }
}

/// Who the applicant is to a household member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Relationship {
    /// The applicant (本人).
    Applicant,
    Spouse,
    Child,
    Parent,
    Grandparent,
    Grandchild,
    Sibling,
    Other,
}

impl Relationship {
    /// What a member can be added as (the applicant is always there).
    pub const CHOICES: [Relationship; 7] = [
        Self::Spouse,
        Self::Child,
        Self::Parent,
        Self::Grandparent,
        Self::Grandchild,
        Self::Sibling,
        Self::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Applicant => "applicant",
            Self::Spouse => "spouse",
            Self::Child => "child",
            Self::Parent => "parent",
            Self::Grandparent => "grandparent",
            Self::Grandchild => "grandchild",
            Self::Sibling => "sibling",
            Self::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Applicant => "本人",
            Self::Spouse => "配偶",
            Self::Child => "子女",
            Self::Parent => "父母",
            Self::Grandparent => "（外）祖父母",
            Self::Grandchild => "（外）孙子女",
            Self::Sibling => "兄弟姐妹",
            Self::Other => "其他共同生活的亲属",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::CHOICES.into_iter().find(|r| r.key() == key)
    }
}

/// One person in the household. Health details are sensitive data: they are stored sealed and never
/// published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub relationship: Relationship,
    pub name: String,
    pub id_number: IdNumber,
    pub disabled: bool,
    pub seriously_ill: bool,
    pub in_school: bool,
    pub working: bool,
}

impl Member {
    /// 残疾、重病 … in plain words, or "无特殊情况".
    pub fn situation(&self) -> String {
        let parts: Vec<&str> = [
            (self.disabled, "残疾"),
            (self.seriously_ill, "重病"),
            (self.in_school, "在校学生"),
            (self.working, "有工作"),
        ]
        .into_iter()
        .filter_map(|(on, label)| on.then_some(label))
        .collect();
        if parts.is_empty() {
            "无特殊情况".into()
        } else {
            parts.join("、")
        }
    }
}

/// The applicant as checked at identity level 1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub name: String,
    pub id_number: IdNumber,
    pub phone: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub county_code: String,
    pub township_code: String,
    /// 村（社区）: shown on the public notice, so it is kept outside the sealed data too.
    pub village: String,
    pub address: String,
}

/// Whole household, 元 per month.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Income {
    pub wages: u32,
    pub business: u32,
    pub transfers: u32,
    pub other: u32,
}

impl Income {
    pub fn total(&self) -> u32 {
        self.wages + self.business + self.transfers + self.other
    }

    /// One line for the case page and the 审批表.
    pub fn describe(&self) -> String {
        format!(
            "工资 {} 元，经营 {} 元，养老金和补贴 {} 元，其他 {} 元，合计 {} 元/月",
            self.wages,
            self.business,
            self.transfers,
            self.other,
            self.total()
        )
    }
}

/// A closed list of answers, each with its form key and its words.
pub trait AnswerSet: Copy + Sized + 'static {
    const ALL: &'static [Self];
    fn key(self) -> &'static str;
    fn label(self) -> &'static str;
    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.key() == key)
    }
    /// (key, label) pairs for radio buttons.
    fn options() -> Vec<(&'static str, &'static str)> {
        Self::ALL.iter().map(|c| (c.key(), c.label())).collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Housing {
    None,
    One,
    TwoOrMore,
}

impl AnswerSet for Housing {
    const ALL: &'static [Self] = &[Self::None, Self::One, Self::TwoOrMore];
    fn key(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::One => "one",
            Self::TwoOrMore => "two_or_more",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::None => "没有自有住房",
            Self::One => "有1套住房",
            Self::TwoOrMore => "有2套及以上住房",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Vehicle {
    None,
    /// Farm vehicles, a motorbike for work, or a mobility vehicle for a disabled member.
    ForWorkOrDisability,
    Other,
}

impl AnswerSet for Vehicle {
    const ALL: &'static [Self] = &[Self::None, Self::ForWorkOrDisability, Self::Other];
    fn key(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::ForWorkOrDisability => "work_or_disability",
            Self::Other => "other",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::None => "没有机动车",
            Self::ForWorkOrDisability => "只有农用车、谋生用的摩托车或残疾人代步车",
            Self::Other => "有小汽车等其他机动车",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Savings {
    Under10k,
    From10kTo30k,
    From30kTo50k,
    Over50k,
}

impl AnswerSet for Savings {
    const ALL: &'static [Self] = &[Self::Under10k, Self::From10kTo30k, Self::From30kTo50k, Self::Over50k];
    fn key(self) -> &'static str {
        match self {
            Self::Under10k => "under_10k",
            Self::From10kTo30k => "10k_30k",
            Self::From30kTo50k => "30k_50k",
            Self::Over50k => "over_50k",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Under10k => "没有或少于1万元",
            Self::From10kTo30k => "1万到3万元",
            Self::From30kTo50k => "3万到5万元",
            Self::Over50k => "5万元以上",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assets {
    pub housing: Housing,
    pub vehicle: Vehicle,
    pub savings: Savings,
}

impl Assets {
    /// One line for the check page and the case page.
    pub fn summary(&self) -> String {
        format!("{}；{}；存款{}", self.housing.label(), self.vehicle.label(), self.savings.label())
    }
}

/// Paid by the household over the last 12 months, after insurance, 元.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spending {
    pub medical: u32,
    pub education: u32,
}

impl Spending {
    /// One line for the case page and the 审批表.
    pub fn describe(&self) -> String {
        format!("看病 {} 元，上学 {} 元（过去12个月自付）", self.medical, self.education)
    }
}

/// Everything entered so far. Saved (sealed) after every step, so the resident can leave and resume.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// Random; a submission with the same key creates no second application.
    pub submission_key: String,
    pub applicant: Applicant,
    pub types: Vec<AssistanceType>,
    /// 急难: aid first, paperwork later.
    pub emergency: bool,
    pub place: Option<Place>,
    /// The applicant first.
    pub members: Vec<Member>,
    pub household_confirmed: bool,
    pub income: Option<Income>,
    pub assets: Option<Assets>,
    pub spending: Option<Spending>,
    pub account: Option<String>,
    /// Files uploaded on the check page (drafts saved before documents existed have none).
    #[serde(default)]
    pub documents: Vec<super::documents::DraftDocument>,
    /// 代办: who is filling in the form for the resident (the latest identity check decides).
    #[serde(default)]
    pub filed_by: Option<super::helper::Helper>,
    /// The consent and promise as worded when the applicant submitted (kept since `consent` existed).
    #[serde(default)]
    pub agreed: Option<super::consent::AgreedWording>,
}

pub const MAX_MEMBERS: usize = 20;
pub const ACCOUNT_MIN_CHARS: usize = 10;
pub const ACCOUNT_MAX_CHARS: usize = 2000;

impl Draft {
    pub fn new(submission_key: String, applicant: Applicant) -> Self {
        let myself = Member {
            relationship: Relationship::Applicant,
            name: applicant.name.clone(),
            id_number: applicant.id_number.clone(),
            disabled: false,
            seriously_ill: false,
            in_school: false,
            working: false,
        };
        Self {
            submission_key,
            applicant,
            types: Vec::new(),
            emergency: false,
            place: None,
            members: vec![myself],
            household_confirmed: false,
            income: None,
            assets: None,
            spending: None,
            account: None,
            documents: Vec::new(),
            filed_by: None,
            agreed: None,
        }
    }

    /// A new identity check on the same phone: keep the answers, take the checked name and ID number.
    pub fn set_applicant(&mut self, applicant: Applicant) {
        if let Some(myself) = self.members.iter_mut().find(|m| m.relationship == Relationship::Applicant) {
            myself.name = applicant.name.clone();
            myself.id_number = applicant.id_number.clone();
        }
        self.applicant = applicant;
    }

    pub fn is_done(&self, step: Step) -> bool {
        match step {
            Step::Types => !self.types.is_empty(),
            Step::Place => self.place.is_some(),
            Step::Household => self.household_confirmed,
            Step::Income => self.income.is_some(),
            Step::Assets => self.assets.is_some(),
            Step::Spending => self.spending.is_some(),
            Step::Account => self.account.is_some(),
            Step::Check => false,
        }
    }

    /// The question pages not answered yet, in order.
    pub fn unanswered(&self) -> Vec<Step> {
        Step::ALL.into_iter().filter(|s| *s != Step::Check && !self.is_done(*s)).collect()
    }

    /// Where to continue: the first unanswered question, or the check page.
    pub fn resume_step(&self) -> Step {
        self.unanswered().first().copied().unwrap_or(Step::Check)
    }

    pub fn household_size(&self) -> usize {
        self.members.len()
    }
}

/// A check box: ticked when posted as `yes` (a box left empty is not posted at all).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tick(pub bool);

impl<'de> Deserialize<'de> for Tick {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self(String::deserialize(deserializer)? == "yes"))
    }
}

/// Where a step's post leaves the resident: on to the next question, or on the same page (the household
/// page's small forms add, remove and describe members until the list is confirmed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moved {
    On,
    Stay,
}

/// What a step's checks need besides the post.
pub struct StepContext<'a> {
    /// The counties and their townships the place must be in.
    pub divisions: &'a [(County, Vec<Township>)],
    pub today: BirthDate,
}

/// A question page's form as posted (a serde struct: fields missing from the post are empty), whose
/// answers go into the draft once they pass the step's checks.
pub trait StepForm: serde::de::DeserializeOwned {
    const STEP: Step;

    /// Checks the answers and writes them into the draft, or says what is wrong next to which field.
    fn answer(self, draft: &mut Draft, context: &StepContext) -> Result<Moved, Problems>;
}

fn problems_or<T>(value: T, problems: Problems) -> Result<T, Problems> {
    if problems.is_empty() {
        Ok(value)
    } else {
        Err(problems)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TypesForm {
    /// Check boxes of one name, one per assistance type ticked.
    pub types: Vec<String>,
    pub emergency: Tick,
}

/// The assistance asked for, in the canonical order, and whether the family is in urgent need.
#[derive(Debug, PartialEq, Eq)]
pub struct Chosen {
    pub types: Vec<AssistanceType>,
    pub emergency: bool,
}

impl TryFrom<TypesForm> for Chosen {
    type Error = Problems;

    fn try_from(form: TypesForm) -> Result<Self, Problems> {
        let types: Vec<AssistanceType> =
            AssistanceType::ALL.into_iter().filter(|t| form.types.iter().any(|key| key == t.key())).collect();
        if types.is_empty() {
            return Err(vec![("types", "请至少选择一项救助。不确定的，可以先做“看看能申请什么”自测".into())]);
        }
        Ok(Self { types, emergency: form.emergency.0 })
    }
}

impl StepForm for TypesForm {
    const STEP: Step = Step::Types;

    fn answer(self, draft: &mut Draft, _: &StepContext) -> Result<Moved, Problems> {
        let chosen = Chosen::try_from(self)?;
        (draft.types, draft.emergency) = (chosen.types, chosen.emergency);
        Ok(Moved::On)
    }
}

fn trimmed_length(text: &str) -> usize {
    text.trim().chars().count()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PlaceForm {
    pub township: String,
    pub village: String,
    pub address: String,
}

impl PlaceForm {
    /// The place, if the township is one of `divisions`' and the village and address are plausible.
    pub fn place(&self, divisions: &[(County, Vec<Township>)]) -> Result<Place, Problems> {
        let mut problems = Problems::new();
        let township =
            divisions.iter().flat_map(|(_, townships)| townships).find(|t| t.code == self.township);
        if township.is_none() {
            problems.push(("township", "请选择户籍所在的乡镇（街道）".into()));
        }
        let village = self.village.trim();
        if !(2..=30).contains(&trimmed_length(village)) {
            problems.push(("village", "请填写所在的村或社区名称，2到30个字，例如 城关村".into()));
        }
        let address = self.address.trim();
        if !(2..=60).contains(&trimmed_length(address)) {
            problems.push(("address", "请填写现在的住址，例如 3组15号，2到60个字".into()));
        }
        match township {
            Some(t) if problems.is_empty() => Ok(Place {
                county_code: t.county_code.clone(),
                township_code: t.code.clone(),
                village: village.to_string(),
                address: address.to_string(),
            }),
            _ => Err(problems),
        }
    }
}

impl StepForm for PlaceForm {
    const STEP: Step = Step::Place;

    fn answer(self, draft: &mut Draft, context: &StepContext) -> Result<Moved, Problems> {
        draft.place = Some(self.place(context.divisions)?);
        Ok(Moved::On)
    }
}

/// The household page's small forms, told apart by the hidden `op` field.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum HouseholdOp {
    Add,
    Remove,
    /// The applicant's own situation.
    #[serde(rename = "self")]
    Myself,
    /// The list is complete.
    Continue,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HouseholdForm {
    pub op: Option<HouseholdOp>,
    /// The member to remove (its place in the list; the applicant, first, cannot be removed).
    pub index: String,
    pub relationship: String,
    pub member_name: String,
    pub member_id_number: String,
    pub disabled: Tick,
    pub seriously_ill: Tick,
    pub in_school: Tick,
    pub working: Tick,
}

impl HouseholdForm {
    /// The member to add; `existing` are the members already listed (no person twice).
    pub fn member(&self, existing: &[Member], today: BirthDate) -> Result<Member, Problems> {
        let mut problems = Problems::new();
        if existing.len() >= MAX_MEMBERS {
            return Err(vec![("relationship", format!("家庭成员最多填写{MAX_MEMBERS}人"))]);
        }
        let relationship = Relationship::from_key(&self.relationship);
        if relationship.is_none() {
            problems.push(("relationship", "请选择这位成员和您的关系".into()));
        }
        let name = check_name(&self.member_name).map_err(|e| problems.push(("member_name", e.to_string())));
        let id = IdNumber::parse(&self.member_id_number, today)
            .map_err(|e| problems.push(("member_id_number", e.to_string())));
        if let Ok(id) = &id {
            if existing.iter().any(|m| &m.id_number == id) {
                problems.push(("member_id_number", "这个身份证号码已经在家庭成员名单里了".into()));
            }
        }
        match (relationship, name, id) {
            (Some(relationship), Ok(name), Ok(id_number)) if problems.is_empty() => {
                let mut member = Member {
                    relationship,
                    name,
                    id_number,
                    disabled: false,
                    seriously_ill: false,
                    in_school: false,
                    working: false,
                };
                self.describe(&mut member);
                Ok(member)
            }
            _ => Err(problems),
        }
    }

    /// The situation boxes ticked for this member.
    fn describe(&self, member: &mut Member) {
        member.disabled = self.disabled.0;
        member.seriously_ill = self.seriously_ill.0;
        member.in_school = self.in_school.0;
        member.working = self.working.0;
    }
}

impl StepForm for HouseholdForm {
    const STEP: Step = Step::Household;

    fn answer(self, draft: &mut Draft, context: &StepContext) -> Result<Moved, Problems> {
        match self.op {
            Some(HouseholdOp::Add) => {
                let member = self.member(&draft.members, context.today)?;
                draft.members.push(member);
            }
            Some(HouseholdOp::Remove) => {
                let index: usize = self.index.parse().unwrap_or(0);
                if index > 0 && index < draft.members.len() {
                    draft.members.remove(index);
                }
            }
            Some(HouseholdOp::Myself) => {
                if let Some(me) = draft.members.iter_mut().find(|m| m.relationship == Relationship::Applicant)
                {
                    self.describe(me);
                }
            }
            Some(HouseholdOp::Continue) => {
                draft.household_confirmed = true;
                return Ok(Moved::On);
            }
            None => {}
        }
        Ok(Moved::Stay)
    }
}

/// A step whose form becomes one answer of the draft through `TryFrom`, then moves on.
macro_rules! answers_into {
    ($form:ty, $step:expr, $field:ident) => {
        impl StepForm for $form {
            const STEP: Step = $step;

            fn answer(self, draft: &mut Draft, _: &StepContext) -> Result<Moved, Problems> {
                draft.$field = Some(self.try_into()?);
                Ok(Moved::On)
            }
        }
    };
}

/// An amount field where empty means none.
fn amount(text: &str, field: &'static str, problems: &mut Problems, words: &str) -> u32 {
    if text.trim().is_empty() {
        return 0;
    }
    whole_number(text).unwrap_or_else(|| {
        problems.push((field, format!("{words}只填数字（元），没有就留空")));
        0
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct IncomeForm {
    pub wages: String,
    pub business: String,
    pub transfers: String,
    pub other: String,
}

impl TryFrom<IncomeForm> for Income {
    type Error = Problems;

    fn try_from(form: IncomeForm) -> Result<Self, Problems> {
        let mut problems = Problems::new();
        let income = Income {
            wages: amount(&form.wages, "wages", &mut problems, "工资收入"),
            business: amount(&form.business, "business", &mut problems, "种养殖和经营收入"),
            transfers: amount(&form.transfers, "transfers", &mut problems, "养老金和补贴"),
            other: amount(&form.other, "other", &mut problems, "其他收入"),
        };
        problems_or(income, problems)
    }
}

answers_into!(IncomeForm, Step::Income, income);

fn choice<C: AnswerSet>(key: &str, field: &'static str, problems: &mut Problems, ask: &str) -> Option<C> {
    let found = C::from_key(key);
    if found.is_none() {
        problems.push((field, ask.to_string()));
    }
    found
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssetsForm {
    pub housing: String,
    pub vehicle: String,
    pub savings: String,
}

impl TryFrom<AssetsForm> for Assets {
    type Error = Problems;

    fn try_from(form: AssetsForm) -> Result<Self, Problems> {
        let mut problems = Problems::new();
        let housing = choice(&form.housing, "housing", &mut problems, "请选择家里的住房情况");
        let vehicle = choice(&form.vehicle, "vehicle", &mut problems, "请选择家里有没有机动车");
        let savings = choice(&form.savings, "savings", &mut problems, "请选择全家存款大约有多少");
        match (housing, vehicle, savings) {
            (Some(housing), Some(vehicle), Some(savings)) => Ok(Self { housing, vehicle, savings }),
            _ => Err(problems),
        }
    }
}

answers_into!(AssetsForm, Step::Assets, assets);

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SpendingForm {
    pub medical: String,
    pub education: String,
}

impl TryFrom<SpendingForm> for Spending {
    type Error = Problems;

    fn try_from(form: SpendingForm) -> Result<Self, Problems> {
        let mut problems = Problems::new();
        let spending = Spending {
            medical: amount(&form.medical, "medical", &mut problems, "看病开支"),
            education: amount(&form.education, "education", &mut problems, "上学开支"),
        };
        problems_or(spending, problems)
    }
}

answers_into!(SpendingForm, Step::Spending, spending);

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AccountForm {
    pub account: String,
}

impl AccountForm {
    /// The account of the family's difficulties, trimmed, if it is neither too short nor too long.
    pub fn account(&self) -> Result<String, Problems> {
        let text = self.account.trim();
        match trimmed_length(text) {
            0 => Err(vec![("account", "请简单说说家里遇到了什么困难".into())]),
            n if n < ACCOUNT_MIN_CHARS => {
                Err(vec![("account", format!("请多写几句，至少{ACCOUNT_MIN_CHARS}个字，让工作人员了解情况"))])
            }
            n if n > ACCOUNT_MAX_CHARS => Err(vec![(
                "account",
                format!("最多{ACCOUNT_MAX_CHARS}个字，现在是{n}个字，详细情况可以当面说明"),
            )]),
            _ => Ok(text.to_string()),
        }
    }
}

impl StepForm for AccountForm {
    const STEP: Step = Step::Account;

    fn answer(self, draft: &mut Draft, _: &StepContext) -> Result<Moved, Problems> {
        draft.account = Some(self.account()?);
        Ok(Moved::On)
    }
}

/// The check page's submit button: the consent box, and the draft's key (a repeated post finds the
/// application it made).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SubmitForm {
    pub consent: Tick,
    pub submission_key: String,
}

/// Everything must be answered and the consent given before an application is made.
pub fn check_submission(draft: &Draft, form: &SubmitForm) -> Result<(), Problems> {
    let mut problems = Problems::new();
    for step in draft.unanswered() {
        problems.push(("unanswered", format!("“{}”还没有填写", step.title())));
    }
    if !form.consent.0 {
        problems.push(("consent", "需要您同意核对家庭经济状况，才能提交申请".into()));
    }
    problems_or((), problems)
}

/// Letters and digits that cannot be mistaken for each other when read out over the phone.
pub(crate) const REFERENCE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A reference number such as `ZY20261129-7K3M9Q`: the date received, then six random characters (the
/// random part comes from the caller, so this stays free of I/O).
pub fn reference_number(date: super::calendar::Date, random: [u8; 6]) -> String {
    let tail: String =
        random.iter().map(|b| REFERENCE_ALPHABET[*b as usize % REFERENCE_ALPHABET.len()] as char).collect();
    format!("ZY{}-{tail}", date.to_string().replace('-', ""))
}

/// Normalises a typed reference number (case, spaces, full-width dash); `None` if it cannot be one.
pub fn parse_reference(text: &str) -> Option<String> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if matches!(c, '－' | '—' | '–') { '-' } else { c.to_ascii_uppercase() })
        .collect();
    let (head, tail) = cleaned.split_once('-')?;
    let valid = head.len() == 10
        && head.starts_with("ZY")
        && head[2..].chars().all(|c| c.is_ascii_digit())
        && tail.len() == 6
        && tail.bytes().all(|b| REFERENCE_ALPHABET.contains(&b));
    valid.then_some(cleaned)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: BirthDate = BirthDate { year: 2026, month: 11, day: 29 };

    fn applicant() -> Applicant {
        let id_number = IdNumber::parse(&valid_id("62070219800101123"), TODAY).unwrap();
        Applicant { name: "张三".into(), id_number, phone: "13812345678".into() }
    }

    fn valid_id(body: &str) -> String {
        format!("{body}{}", super::super::id_number::check_character(body))
    }

    #[test]
    fn steps_run_in_order_with_back_links() {
        assert_eq!(Step::Types.number(), 1);
        assert_eq!(Step::Check.number(), 8);
        assert_eq!(Step::Types.next(), Step::Place);
        assert_eq!(Step::Account.next(), Step::Check);
        assert_eq!(Step::Types.previous(), None);
        assert_eq!(Step::Place.previous(), Some(Step::Types));
        assert_eq!(Step::from_slug("income"), Some(Step::Income));
        assert_eq!(Step::from_slug("nope"), None);
    }

    #[test]
    fn a_new_draft_resumes_at_the_first_question_and_lists_what_is_missing() {
        let mut draft = Draft::new("key".into(), applicant());
        assert_eq!(draft.household_size(), 1);
        assert_eq!(draft.resume_step(), Step::Types);
        draft.types = vec![AssistanceType::Dibao];
        draft.household_confirmed = true;
        assert_eq!(draft.resume_step(), Step::Place);
        assert_eq!(draft.unanswered().len(), 5);
        let consent = SubmitForm { consent: Tick(true), submission_key: String::new() };
        let problems = check_submission(&draft, &consent).unwrap_err();
        assert_eq!(problems.len(), 5);
        assert_eq!(problems[0].1, "“户籍所在地和住址”还没有填写");
    }

    #[test]
    fn types_need_at_least_one_known_choice() {
        assert!(Chosen::try_from(TypesForm { types: vec!["bogus".into()], emergency: Tick(false) }).is_err());
        let form = TypesForm { types: vec!["medical".into(), "dibao".into()], emergency: Tick(true) };
        let chosen = Chosen::try_from(form).unwrap();
        assert_eq!(
            chosen.types,
            vec![AssistanceType::Dibao, AssistanceType::Medical],
            "in the canonical order"
        );
        assert!(chosen.emergency);
    }

    #[test]
    fn the_place_must_be_a_listed_township() {
        let county = County { code: "620702".into(), name: "甘州区".into() };
        let townships = vec![(
            county,
            vec![Township {
                code: "620702001".into(),
                name: "东街街道".into(),
                county_code: "620702".into(),
            }],
        )];
        let wrong = PlaceForm { township: "999".into(), village: "村".into(), ..PlaceForm::default() };
        let problems = wrong.place(&townships).unwrap_err();
        let fields: Vec<_> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["township", "village", "address"]);
        let form =
            PlaceForm {
                township: "620702001".into(), village: " 城关村 ".into(), address: "3组15号".into()
            };
        let place = form.place(&townships).unwrap();
        assert_eq!(place.county_code, "620702");
        assert_eq!(place.village, "城关村");
    }

    #[test]
    fn a_member_is_checked_and_never_listed_twice() {
        let draft = Draft::new("key".into(), applicant());
        let id = valid_id("62070220100101002");
        let child = HouseholdForm {
            op: Some(HouseholdOp::Add),
            relationship: "child".into(),
            member_name: "张小明".into(),
            member_id_number: id,
            in_school: Tick(true),
            ..HouseholdForm::default()
        };
        let member = child.member(&draft.members, TODAY).unwrap();
        assert_eq!(member.situation(), "在校学生");
        let again = HouseholdForm { member_id_number: draft.applicant.id_number.as_str().into(), ..child };
        let problems = again.member(&draft.members, TODAY).unwrap_err();
        assert_eq!(problems, vec![("member_id_number", "这个身份证号码已经在家庭成员名单里了".to_string())]);
        let applicant = HouseholdForm { relationship: "applicant".into(), ..HouseholdForm::default() };
        let problems = applicant.member(&draft.members, TODAY).unwrap_err();
        assert_eq!(problems.len(), 3, "the applicant cannot be added twice, and name and ID are required");
    }

    #[test]
    fn posts_read_as_browsers_send_them() {
        let types: TypesForm = serde_html_form::from_str("types=medical&types=dibao&emergency=yes").unwrap();
        assert_eq!((types.types.len(), types.emergency), (2, Tick(true)));
        let one: TypesForm = serde_html_form::from_str("types=dibao").unwrap();
        assert_eq!((one.types, one.emergency), (vec!["dibao".to_string()], Tick(false)));
        let household: HouseholdForm = serde_html_form::from_str("op=self&working=yes").unwrap();
        assert_eq!((household.op, household.working), (Some(HouseholdOp::Myself), Tick(true)));
        assert!(serde_html_form::from_str::<HouseholdForm>("op=delete_everything").is_err());
        assert!(serde_html_form::from_str::<AccountForm>("account=a&account=b").is_err(), "one value only");
    }

    #[test]
    fn the_household_page_stays_until_the_list_is_confirmed() {
        let mut draft = Draft::new("key".into(), applicant());
        let context = StepContext { divisions: &[], today: TODAY };
        let post = |op, index: &str| HouseholdForm { op, index: index.into(), ..HouseholdForm::default() };
        let me =
            HouseholdForm { op: Some(HouseholdOp::Myself), disabled: Tick(true), ..HouseholdForm::default() };
        assert_eq!(me.answer(&mut draft, &context), Ok(Moved::Stay));
        assert_eq!(draft.members[0].situation(), "残疾");
        assert_eq!(post(Some(HouseholdOp::Remove), "0").answer(&mut draft, &context), Ok(Moved::Stay));
        assert_eq!(draft.household_size(), 1, "the applicant stays on the list");
        assert_eq!(post(None, "").answer(&mut draft, &context), Ok(Moved::Stay));
        assert!(!draft.household_confirmed, "a post without its button does nothing");
        assert_eq!(post(Some(HouseholdOp::Continue), "").answer(&mut draft, &context), Ok(Moved::On));
        assert!(draft.household_confirmed);
    }

    #[test]
    fn amounts_accept_blank_as_none_and_refuse_words() {
        let form =
            IncomeForm { wages: "1,200元".into(), transfers: "３００".into(), ..IncomeForm::default() };
        assert_eq!(Income::try_from(form).unwrap().total(), 1500);
        let problems =
            Income::try_from(IncomeForm { business: "很少".into(), ..IncomeForm::default() }).unwrap_err();
        assert_eq!(problems[0].0, "business");
        assert!(Spending::try_from(SpendingForm::default()).is_ok());
    }

    #[test]
    fn assets_need_every_answer() {
        let problems =
            Assets::try_from(AssetsForm { housing: "one".into(), ..AssetsForm::default() }).unwrap_err();
        assert_eq!(problems.iter().map(|(f, _)| *f).collect::<Vec<_>>(), vec!["vehicle", "savings"]);
        let form = AssetsForm { housing: "none".into(), vehicle: "none".into(), savings: "under_10k".into() };
        let assets = Assets::try_from(form).unwrap();
        assert_eq!(assets.savings, Savings::Under10k);
    }

    #[test]
    fn the_account_has_a_sensible_length() {
        let account = |text: &str| AccountForm { account: text.into() }.account();
        assert!(account("困难").is_err());
        assert!(account(&"字".repeat(2001)).is_err());
        assert!(account("丈夫去年因病去世，家里没有收入来源。").is_ok());
    }

    #[test]
    fn reference_numbers_are_readable_and_parse_back() {
        let date = super::super::calendar::Date::parse("2026-11-29").unwrap();
        let reference = reference_number(date, [0, 1, 30, 31, 200, 255]);
        assert_eq!(reference, "ZY20261129-23Z2G9");
        assert_eq!(parse_reference(" zy20261129－23z2g9 "), Some(reference));
        assert_eq!(parse_reference("ZY20261129-23Z2G0"), None, "0 is not in the alphabet");
        assert_eq!(parse_reference("ZY2026112-23Z2G9"), None);
    }
}
