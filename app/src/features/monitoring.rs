//! 预警处置: a township's queue of open warnings (earliest visit deadline first, 超期 flagged), the county's
//! open and overdue warnings per township, and closing a warning after the visit with its outcome. Only
//! the warning's township closes it; anyone else gets 404, as for cases.

use crate::audit::AuditEvent;
use crate::domain::application::Draft;
use crate::domain::calendar::Date;
use crate::domain::id_number::IdNumber;
use crate::domain::monitoring::WarningOutcome;
use crate::domain::register::principal_category;
use crate::domain::staff::{Role, StaffIdentity};
use crate::keyed_hash::KeyedHasher;
use crate::services::Services;
use crate::store::{ApplicationRecord, HouseholdLead, StoreError, WarningRow};

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
            Ok(WarningDesk::Township(store.open_warnings(&staff.scope, QUEUE_LIMIT).await?))
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
    match staff.role == Role::TownshipReviewer && staff.may_handle_township(&warning.township_code) {
        true => Ok(warning),
        false => Err(WarningError::NotFound),
    }
}

/// Closes an open warning of the reviewer's township with the visit's outcome, audited in the same
/// transaction. Helping to apply names an application of the same township.
pub async fn close_warning(
    services: &Services,
    staff: &StaffIdentity,
    id: i64,
    outcome: WarningOutcome,
    now: i64,
) -> Result<(), WarningError> {
    let store = services.store.as_ref();
    let warning = township_warning(services, staff, id).await?;
    let outcome = outcome.check().map_err(|(field, message)| WarningError::Invalid(field, message))?;
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
    let sealed = services.sealer.seal(&outcome);
    match store.close_warning(id, &sealed, &format!("staff:{}", staff.id), now, &audit).await? {
        true => Ok(()),
        false => Err(WarningError::NotFound),
    }
}
