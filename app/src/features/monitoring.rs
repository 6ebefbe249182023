//! 预警处置 and 走访: a township's queue of open warnings (earliest visit deadline first, 超期 flagged), a
//! village worker's queue of their villages' warnings, the county's open and overdue warnings per
//! township, closing a warning with the visit that found its outcome, and registering a household a
//! worker found at the door. Only the warning's township or village worker closes it; anyone else gets
//! 404, as for cases.

use super::cases::FileVault;
use crate::audit::AuditEvent;
use crate::domain::application::Draft;
use crate::domain::calendar::Date;
use crate::domain::id_number::{BirthDate, IdNumber};
use crate::domain::monitoring::{VisitRecord, WarningOutcome, FOUND_MEMBER_ROWS, OBSERVATIONS_MAX_CHARS};
use crate::domain::register::principal_category;
use crate::domain::staff::{village_scope, Role, StaffIdentity};
use crate::keyed_hash::KeyedHasher;
use crate::services::Services;
use crate::store::{ApplicationRecord, HouseholdLead, HouseholdReferral, NewVisit, StoreError, WarningRow};
use serde::Deserialize;

/// The keyed hash a register member is matched on (imports, departments' events, cases, visits).
pub fn member_hash(hasher: &KeyedHasher, id_number: &IdNumber) -> String {
    hasher.digest("register member", id_number.as_str())
}

/// The household an approval puts on the monitoring register: only the low-income categories the
/// measures monitor (低保, 特困, 低保边缘, 刚性支出困难); a one-off or a department's special assistance
/// does not make a household low-income.
pub fn approved_household(
    services: &Services,
    case: &ApplicationRecord,
    draft: &Draft,
    now: i64,
) -> Option<HouseholdLead> {
    use crate::domain::register::GrantKind;
    let category = principal_category(&case.types);
    if !matches!(category.grant(), GrantKind::Monthly | GrantKind::Recognition) || draft.members.is_empty() {
        return None;
    }
    let members: Vec<(&str, &str)> =
        draft.members.iter().map(|m| (m.name.as_str(), m.id_number.as_str())).collect();
    Some(HouseholdLead {
        county_code: case.county_code.clone(),
        township_code: case.township_code.clone(),
        village: case.village.clone(),
        category: Some(category),
        source: "application".into(),
        member_hashes: draft.members.iter().map(|m| member_hash(&services.hasher, &m.id_number)).collect(),
        sealed: services.sealer.seal(&members),
        now,
    })
}

/// A township's queue is bounded: a township with more open warnings than this has a bigger problem
/// than paging, and the county sees the count.
pub const QUEUE_LIMIT: u32 = 200;

#[derive(Debug, thiserror::Error)]
pub enum WarningError {
    /// Not this staff member's warning, closed already, or unknown: answered 404 alike.
    #[error("没有找到这条预警")]
    NotFound,
    /// What was typed does not close it: the message goes next to the field.
    #[error("{1}")]
    Invalid(&'static str, String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The photos could not be kept (500, cause logged).
    #[error("keeping visit photos failed: {0}")]
    Files(String),
}

/// What a reviewer sees: a township its open warnings, a county its townships' counts.
pub enum WarningDesk {
    Township(Vec<WarningRow>),
    /// (township code, open, overdue)
    County(Vec<(String, u64, u64)>),
}

pub async fn warning_desk(
    services: &Services,
    staff: &StaffIdentity,
    today: Date,
) -> Result<WarningDesk, WarningError> {
    let store = services.store.as_ref();
    match staff.role {
        Role::TownshipReviewer => {
            Ok(WarningDesk::Township(store.open_warnings(&staff.scope, "", QUEUE_LIMIT).await?))
        }
        Role::VillageWorker => {
            let (township, village) = village_scope(&staff.scope).ok_or(WarningError::NotFound)?;
            let rows = store.open_warnings(township, village.unwrap_or(""), QUEUE_LIMIT).await?;
            Ok(WarningDesk::Township(rows))
        }
        Role::CountyReviewer => Ok(WarningDesk::County(store.warning_counts(&staff.scope, today).await?)),
        _ => Err(WarningError::NotFound),
    }
}

/// An open warning of the reviewer's township, for its page; the view is audited (it concerns a
/// household of the register).
pub async fn open_warning(
    services: &Services,
    staff: &StaffIdentity,
    id: i64,
    now: i64,
) -> Result<WarningRow, WarningError> {
    let warning = township_warning(services, staff, id).await?;
    let audit = AuditEvent {
        at: now,
        actor: format!("staff:{}", staff.id),
        action: "monitoring.warning_viewed".into(),
        subject: format!("warning:{id}"),
        detail: format!("household:{}", warning.household_id),
    };
    services.store.append_audit(&audit).await?;
    Ok(warning)
}

async fn township_warning(
    services: &Services,
    staff: &StaffIdentity,
    id: i64,
) -> Result<WarningRow, WarningError> {
    let warning = services.store.open_warning(id).await?.ok_or(WarningError::NotFound)?;
    match staff.may_visit(&warning.township_code, &warning.village) {
        true => Ok(warning),
        false => Err(WarningError::NotFound),
    }
}

/// The visit that closes a warning, as posted with its photos.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CloseWarningForm {
    pub outcome: String,
    /// The outcome's one field: the application helped with, the department referred to, or why
    /// nothing is needed.
    pub reference: String,
    pub department: String,
    pub reason: String,
    pub observations: String,
    /// Check boxes of one name, one per risk ticked.
    pub indicators: Vec<String>,
}

impl CloseWarningForm {
    /// What to put back in the form when it is refused (the flash store keeps one value per name, so the
    /// ticked risks are joined).
    pub fn typed(&self) -> Vec<(String, String)> {
        let fields = [
            ("outcome", &self.outcome),
            ("reference", &self.reference),
            ("department", &self.department),
            ("reason", &self.reason),
            ("observations", &self.observations),
        ];
        let mut typed: Vec<(String, String)> =
            fields.into_iter().map(|(name, value)| (name.to_string(), value.clone())).collect();
        typed.push(("indicators".into(), self.indicators.join(",")));
        typed
    }
}

impl TryFrom<&CloseWarningForm> for WarningOutcome {
    type Error = WarningError;

    /// The chosen kind with its one field (checked further by `WarningOutcome::check`).
    fn try_from(form: &CloseWarningForm) -> Result<Self, WarningError> {
        match form.outcome.as_str() {
            "helped_to_apply" => Ok(Self::HelpedToApply { reference: form.reference.clone() }),
            "referred" => Ok(Self::Referred { department: form.department.clone() }),
            "no_action" => Ok(Self::NoAction { reason: form.reason.clone() }),
            _ => Err(WarningError::Invalid("outcome", "请选择处置结果".into())),
        }
    }
}

/// A household found at the door, as posted with the visit's photos.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FoundHouseholdForm {
    pub village: String,
    /// The member rows' names and ID numbers, in the form's order (a blank row posts empty values).
    pub member_name: Vec<String>,
    pub member_id: Vec<String>,
    pub observations: String,
    pub indicators: Vec<String>,
}

impl FoundHouseholdForm {
    /// (name, ID number) of each of the form's rows; rows beyond the form's are not read.
    fn rows(&self) -> Vec<(String, String)> {
        let cell = |column: &[String], row: usize| column.get(row).cloned().unwrap_or_default();
        (0..FOUND_MEMBER_ROWS).map(|row| (cell(&self.member_name, row), cell(&self.member_id, row))).collect()
    }

    /// What to put back in the form when it is refused: each row under its own names (`member_name_0`…,
    /// as the page's fields are identified), the ticked risks joined.
    pub fn typed(&self) -> Vec<(String, String)> {
        let mut typed = vec![
            ("village".to_string(), self.village.clone()),
            ("observations".to_string(), self.observations.clone()),
            ("indicators".to_string(), self.indicators.join(",")),
        ];
        for (row, (name, id_number)) in self.rows().into_iter().enumerate() {
            typed.push((format!("member_name_{row}"), name));
            typed.push((format!("member_id_{row}"), id_number));
        }
        typed
    }
}

/// A visit as posted: what was seen (checked already) and the photos taken.
pub struct PostedVisit {
    pub record: Result<VisitRecord, (&'static str, String)>,
    /// (content type, cleaned bytes)
    pub photos: Vec<(&'static str, Vec<u8>)>,
    /// Why a photo was refused, said next to the photo field.
    pub refused_photo: Option<String>,
}

impl PostedVisit {
    /// What was seen and ticked, with the photos the form carried and why one was refused.
    pub fn new(
        observations: &str,
        indicators: &[String],
        photos: Vec<(&'static str, Vec<u8>)>,
        refused_photo: Option<String>,
    ) -> Self {
        let keys: Vec<&str> = indicators.iter().map(String::as_str).collect();
        Self { record: VisitRecord::check(observations, &keys), photos, refused_photo }
    }

    /// The visit's record, or the first problem to show next to its field.
    fn checked(&self) -> Result<VisitRecord, WarningError> {
        if let Some(problem) = &self.refused_photo {
            return Err(WarningError::Invalid("photos", problem.clone()));
        }
        self.record.clone().map_err(|(field, message)| WarningError::Invalid(field, message))
    }

    /// The visit to store, its photos kept once everything else was accepted.
    async fn stored(
        &self,
        services: &Services,
        files: &dyn FileVault,
        record: &VisitRecord,
        staff: &StaffIdentity,
        now: i64,
    ) -> Result<NewVisit, WarningError> {
        let photos = files.keep(&self.photos).await.map_err(|e| match e.kind() {
            std::io::ErrorKind::StorageFull => {
                WarningError::Invalid("photos", crate::domain::upload::DISK_FULL_MESSAGE.to_string())
            }
            _ => WarningError::Files(e.to_string()),
        })?;
        Ok(NewVisit {
            visited_by: format!("staff:{}", staff.id),
            at: now,
            sealed: services.sealer.seal(record),
            photos,
        })
    }
}

/// Closes an open warning of the visitor's township or villages with the visit and its outcome, audited
/// in the same transaction. Helping to apply names an application of the same township.
pub async fn close_warning(
    services: &Services,
    files: &dyn FileVault,
    staff: &StaffIdentity,
    id: i64,
    visit: PostedVisit,
    outcome: WarningOutcome,
    now: i64,
) -> Result<(), WarningError> {
    let store = services.store.as_ref();
    let warning = township_warning(services, staff, id).await?;
    let invalid = |(field, message)| WarningError::Invalid(field, message);
    let record = visit.checked()?;
    let outcome = outcome.check().map_err(invalid)?;
    if let WarningOutcome::HelpedToApply { reference } = &outcome {
        let case = store.application_by_reference(reference.trim()).await?;
        if case.is_none_or(|case| case.township_code != warning.township_code) {
            return Err(WarningError::Invalid("reference", "本乡镇（街道）没有这个申请编号".into()));
        }
    }
    let audit = AuditEvent {
        at: now,
        actor: format!("staff:{}", staff.id),
        action: "monitoring.warning_closed".into(),
        subject: format!("warning:{id}"),
        detail: format!("household:{} {}", warning.household_id, outcome.key()),
    };
    let visit = visit.stored(services, files, &record, staff, now).await?;
    let sealed = services.sealer.seal(&outcome);
    let referred_to = match &outcome {
        WarningOutcome::Referred { department } => Some(department.as_str()),
        _ => None,
    };
    match store.close_warning(&warning, &visit, &sealed, referred_to, &audit).await? {
        true => Ok(()),
        false => Err(WarningError::NotFound),
    }
}

/// A department sees at most this many referred households waiting at once.
pub const REFERRAL_QUEUE_LIMIT: u32 = 200;

/// The department officer's referred households waiting for an answer; `None` for other accounts.
pub async fn household_referral_queue(
    services: &Services,
    staff: &StaffIdentity,
) -> Result<Option<Vec<HouseholdReferral>>, WarningError> {
    if staff.role != Role::DepartmentOfficer {
        return Ok(None);
    }
    Ok(Some(services.store.open_household_referrals(&staff.scope, REFERRAL_QUEUE_LIMIT).await?))
}

/// What the department reads of a referred household: its members (names and ID numbers: it has to
/// reach them) and the visit that led to the referral.
pub struct ReferredHousehold {
    pub referral: HouseholdReferral,
    pub members: Vec<(String, String)>,
    pub visit: VisitRecord,
}

/// One referral of the officer's department, for its page; the view is audited (it shows members).
pub async fn open_household_referral(
    services: &Services,
    staff: &StaffIdentity,
    id: i64,
    now: i64,
) -> Result<ReferredHousehold, WarningError> {
    let found = services.store.household_referral(id).await?;
    let Some((referral, members, visit)) = found.filter(|(r, _, _)| staff.may_handle_referral(&r.department))
    else {
        return Err(WarningError::NotFound);
    };
    let unreadable = |e| WarningError::Store(StoreError::InvalidData(format!("referred household: {e}")));
    let members = services.sealer.open(&members).map_err(unreadable)?;
    let visit = services.sealer.open(&visit).map_err(unreadable)?;
    let audit = AuditEvent {
        at: now,
        actor: format!("staff:{}", staff.id),
        action: "monitoring.referral_viewed".into(),
        subject: format!("household_referral:{id}"),
        detail: String::new(),
    };
    services.store.append_audit(&audit).await?;
    Ok(ReferredHousehold { referral, members, visit })
}

/// Shortest answer a department gives: what it did, or why it could not help.
pub const REFERRAL_ANSWER_MIN_CHARS: usize = 4;

/// The department's answer to a referred household, as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReferralAnswerForm {
    pub answer: String,
}

/// The department's answer to a referral of its own, once, audited in the same transaction.
pub async fn answer_household_referral(
    services: &Services,
    staff: &StaffIdentity,
    id: i64,
    answer: &str,
    now: i64,
) -> Result<(), WarningError> {
    if staff.role != Role::DepartmentOfficer {
        return Err(WarningError::NotFound);
    }
    let answer = answer.trim();
    match answer.chars().count() {
        n if n < REFERRAL_ANSWER_MIN_CHARS => {
            let message = format!("请写明办理情况（至少{REFERRAL_ANSWER_MIN_CHARS}个字）");
            return Err(WarningError::Invalid("answer", message));
        }
        n if n > OBSERVATIONS_MAX_CHARS => {
            return Err(WarningError::Invalid("answer", format!("办理情况最多{OBSERVATIONS_MAX_CHARS}个字")));
        }
        _ => {}
    }
    let audit = AuditEvent {
        at: now,
        actor: format!("staff:{}", staff.id),
        action: "monitoring.referral_answered".into(),
        subject: format!("household_referral:{id}"),
        detail: staff.scope.clone(),
    };
    let sealed = services.sealer.seal(&answer);
    let by = format!("staff:{}", staff.id);
    match services.store.answer_household_referral(id, &staff.scope, &sealed, &by, now, &audit).await? {
        true => Ok(()),
        false => Err(WarningError::NotFound),
    }
}

/// A household a worker found at the door (主动发现): the form and its visit with the photos.
pub struct FoundHousehold {
    pub form: FoundHouseholdForm,
    pub visit: PostedVisit,
}

/// Registers a household a village worker (or township reviewer) found, with the visit, in one
/// transaction: matched on members' ID numbers like every lead, so a household already on the register
/// gets the visit instead of a duplicate. Returns the household's id and whether it is new.
pub async fn register_found_household(
    services: &Services,
    files: &dyn FileVault,
    staff: &StaffIdentity,
    found: FoundHousehold,
    now: i64,
) -> Result<(i64, bool), WarningError> {
    let invalid = |(field, message)| WarningError::Invalid(field, message);
    let township = match staff.role {
        Role::TownshipReviewer => staff.scope.as_str(),
        Role::VillageWorker => village_scope(&staff.scope).ok_or(WarningError::NotFound)?.0,
        _ => return Err(WarningError::NotFound),
    };
    let village = found.form.village.trim();
    if village.is_empty() || !staff.may_visit(township, village) {
        return Err(WarningError::Invalid("village", "请填写您负责的村（社区）".into()));
    }
    let members = found_members(&found.form.rows(), BirthDate::today_in_china(now)).map_err(invalid)?;
    let visit = found.visit.checked()?;
    let member_hashes = members.iter().map(|(_, id)| member_hash(&services.hasher, id)).collect();
    let sealed_members: Vec<(&str, &str)> = members.iter().map(|(n, id)| (n.as_str(), id.as_str())).collect();
    let lead = HouseholdLead {
        county_code: township[..6].to_string(),
        township_code: township.to_string(),
        village: village.to_string(),
        category: None,
        source: "visit".into(),
        member_hashes,
        sealed: services.sealer.seal(&sealed_members),
        now,
    };
    let visited_by = format!("staff:{}", staff.id);
    let audit = |household: i64| AuditEvent {
        at: now,
        actor: visited_by.clone(),
        action: "monitoring.household_visited".into(),
        subject: format!("household:{household}"),
        detail: visit.indicators.iter().map(|k| k.key()).collect::<Vec<_>>().join(","),
    };
    let new_visit = found.visit.stored(services, files, &visit, staff, now).await?;
    let (household, created) = services.store.register_visited_household(&lead, &new_visit, &audit).await?;
    Ok((household.id, created))
}

/// The members typed on a visit: rows left blank are skipped; at least one; each with a name and a valid
/// ID number, none twice.
fn found_members(
    typed: &[(String, String)],
    today: BirthDate,
) -> Result<Vec<(String, IdNumber)>, (&'static str, String)> {
    let mut members: Vec<(String, IdNumber)> = Vec::new();
    for (name, id_number) in typed.iter().filter(|(n, id)| !(n.trim().is_empty() && id.trim().is_empty())) {
        let name = crate::domain::person_name::check_name(name).map_err(|e| ("members", e.to_string()))?;
        let id_number = IdNumber::parse(id_number, today).map_err(|e| ("members", format!("{name}：{e}")))?;
        if members.iter().any(|(_, known)| *known == id_number) {
            return Err(("members", "同一个身份证号码填写了两次".into()));
        }
        members.push((name, id_number));
    }
    match members.is_empty() {
        true => Err(("members", "请至少填写一位家庭成员的姓名和身份证号码".into())),
        false => Ok(members),
    }
}
