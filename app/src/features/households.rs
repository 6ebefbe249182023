//! 户档案 and the register's pages: the households of the monitoring register a village worker, township
//! or county may open, and each household's file (members, warnings, visits with their photos, what
//! departments sent, referrals). Every view is audited, since each shows members of a household; a
//! household outside the viewer's villages, township or county answers 404.

use super::monitoring::WarningError;
use crate::audit::AuditEvent;
use crate::domain::monitoring::{VisitRecord, WarningOutcome};
use crate::domain::staff::{village_scope, Role, StaffIdentity};
use crate::services::Services;
use crate::store::{HouseholdFile, MonitoredHousehold, StoreError, StoredFile, VisitLine};

/// Households on one page of the register.
pub const REGISTER_PAGE_SIZE: u32 = 50;
/// Lines of each kind a household's file shows (newest first).
pub const HISTORY_LIMIT: u32 = 100;

/// Whose register a page lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterScope {
    pub township_code: String,
    /// One village, or every village of the township when empty.
    pub village: String,
}

/// The register a staff member lists: a township reviewer their township, a village worker their
/// villages, a county reviewer the township they chose among their county's (`None` until they choose).
pub fn register_scope(
    staff: &StaffIdentity,
    chosen_township: &str,
) -> Result<Option<RegisterScope>, WarningError> {
    let scope = |township: &str, village: Option<&str>| RegisterScope {
        township_code: township.to_string(),
        village: village.unwrap_or("").to_string(),
    };
    match staff.role {
        Role::TownshipReviewer => Ok(Some(scope(&staff.scope, None))),
        Role::VillageWorker => {
            let (township, village) = village_scope(&staff.scope).ok_or(WarningError::NotFound)?;
            Ok(Some(scope(township, village)))
        }
        Role::CountyReviewer if chosen_township.is_empty() => Ok(None),
        Role::CountyReviewer if staff.may_handle_township(chosen_township) => {
            Ok(Some(scope(chosen_township, None)))
        }
        _ => Err(WarningError::NotFound),
    }
}

/// One line of the register's page: the household and its members as opened.
pub struct RegisterLine {
    pub household: MonitoredHousehold,
    pub members: Vec<(String, String)>,
}

impl RegisterLine {
    /// The members as the register lists them: the first name, and how many there are.
    pub fn members_summary(&self) -> String {
        match self.members.first() {
            Some((name, _)) if self.members.len() > 1 => format!("{name}等{}人", self.members.len()),
            Some((name, _)) => name.clone(),
            None => String::new(),
        }
    }

    pub fn category_label(&self) -> &'static str {
        self.household.category.map(|c| c.label()).unwrap_or("待认定")
    }
}

/// Households read per query by an export of the register.
const REGISTER_EXPORT_QUERY_ROWS: u32 = 500;
/// Households one export holds at most.
pub const REGISTER_EXPORT_MAX_ROWS: usize = 50_000;

/// A page of the register, newest first, below the household id `before` (`i64::MAX` for the first);
/// the view is audited with the page it showed.
pub async fn register_page(
    services: &Services,
    staff: &StaffIdentity,
    scope: &RegisterScope,
    before: i64,
    now: i64,
) -> Result<Vec<RegisterLine>, WarningError> {
    let lines = read_register(services, scope, before, REGISTER_PAGE_SIZE).await?;
    let detail = format!("village:{} before:{before} shown:{}", scope.village, lines.len());
    let audit =
        viewed(staff, "monitoring.register_viewed", format!("township:{}", scope.township_code), detail, now);
    services.store.append_audit(&audit).await?;
    Ok(lines)
}

/// The whole register of `scope` for a 台账 (at most `REGISTER_EXPORT_MAX_ROWS` households, newest
/// first), read a few hundred households per query; audited as `ledger.register_exported`.
pub async fn register_export(
    services: &Services,
    staff: &StaffIdentity,
    scope: &RegisterScope,
    now: i64,
) -> Result<Vec<RegisterLine>, WarningError> {
    let mut lines: Vec<RegisterLine> = Vec::new();
    loop {
        let before = lines.last().map_or(i64::MAX, |line| line.household.id);
        let page = read_register(services, scope, before, REGISTER_EXPORT_QUERY_ROWS).await?;
        let last_page = page.len() < REGISTER_EXPORT_QUERY_ROWS as usize;
        lines.extend(page);
        if last_page || lines.len() >= REGISTER_EXPORT_MAX_ROWS {
            break;
        }
    }
    lines.truncate(REGISTER_EXPORT_MAX_ROWS);
    let detail = format!("village:{} rows:{}", scope.village, lines.len());
    let audit =
        viewed(staff, "ledger.register_exported", format!("township:{}", scope.township_code), detail, now);
    services.store.append_audit(&audit).await?;
    Ok(lines)
}

async fn read_register(
    services: &Services,
    scope: &RegisterScope,
    before: i64,
    limit: u32,
) -> Result<Vec<RegisterLine>, WarningError> {
    let households =
        services.store.register_page(&scope.township_code, &scope.village, before, limit).await?;
    let mut lines = Vec::with_capacity(households.len());
    for household in households {
        let members = open_members(services, &household)?;
        lines.push(RegisterLine { household, members });
    }
    Ok(lines)
}

/// A household's file as its viewer reads it: the sealed parts opened.
pub struct OpenedHousehold {
    pub file: HouseholdFile,
    /// (name, ID number)
    pub members: Vec<(String, String)>,
    /// Each visit with what was seen.
    pub visits: Vec<(VisitLine, VisitRecord)>,
    /// The outcome of each closed warning, by warning id.
    pub outcomes: Vec<(i64, WarningOutcome)>,
}

/// A household's file for one allowed to open it; the view is audited.
pub async fn open_household(
    services: &Services,
    staff: &StaffIdentity,
    id: i64,
    now: i64,
) -> Result<OpenedHousehold, WarningError> {
    let mut file = allowed_file(services, staff, id, HISTORY_LIMIT).await?;
    let members = open_members(services, &file.household)?;
    let mut visits = Vec::with_capacity(file.visits.len());
    for visit in std::mem::take(&mut file.visits) {
        let seen = services.sealer.open(&visit.sealed).map_err(unreadable)?;
        visits.push((visit, seen));
    }
    let mut outcomes = Vec::new();
    for warning in &file.warnings {
        if let Some(sealed) = &warning.outcome_sealed {
            outcomes.push((warning.id, services.sealer.open(sealed).map_err(unreadable)?));
        }
    }
    let audit = viewed(staff, "monitoring.household_viewed", format!("household:{id}"), String::new(), now);
    services.store.append_audit(&audit).await?;
    Ok(OpenedHousehold { file, members, visits, outcomes })
}

/// A photo of a visit to household `household`, for one allowed to open the household; audited.
pub async fn visit_photo(
    services: &Services,
    staff: &StaffIdentity,
    household: i64,
    photo: i64,
    now: i64,
) -> Result<StoredFile, WarningError> {
    let store = services.store.as_ref();
    let found = store.visit_photo(photo).await?;
    let Some((owner, file)) = found.filter(|(owner, _)| *owner == household) else {
        return Err(WarningError::NotFound);
    };
    allowed_file(services, staff, owner, 0).await?;
    let audit =
        viewed(staff, "monitoring.photo_viewed", format!("household:{owner}"), format!("photo:{photo}"), now);
    store.append_audit(&audit).await?;
    Ok(file)
}

async fn allowed_file(
    services: &Services,
    staff: &StaffIdentity,
    id: i64,
    limit: u32,
) -> Result<HouseholdFile, WarningError> {
    let file = services.store.household_file(id, limit).await?.ok_or(WarningError::NotFound)?;
    let h = &file.household;
    match staff.may_open_household(&h.county_code, &h.township_code, &h.village) {
        true => Ok(file),
        false => Err(WarningError::NotFound),
    }
}

fn open_members(
    services: &Services,
    household: &MonitoredHousehold,
) -> Result<Vec<(String, String)>, WarningError> {
    services.sealer.open(&household.sealed).map_err(unreadable)
}

fn unreadable(e: impl std::fmt::Display) -> WarningError {
    WarningError::Store(StoreError::InvalidData(format!("register household: {e}")))
}

fn viewed(staff: &StaffIdentity, action: &str, subject: String, detail: String, now: i64) -> AuditEvent {
    AuditEvent { at: now, actor: format!("staff:{}", staff.id), action: action.into(), subject, detail }
}

/// Where a household was first heard of, as staff read it.
pub fn source_label(source: &str) -> String {
    match source {
        "application" => "申请救助获批".into(),
        "visit" => "走访发现".into(),
        "import" => "名单导入".into(),
        other => match other.strip_prefix("department:") {
            Some(key) => format!("{}推送", department_name(key)),
            None => other.into(),
        },
    }
}

/// Who sent a signal, as staff read it.
pub fn sender_label(sender: &str) -> String {
    match sender.split_once(':') {
        Some(("department", key)) => department_name(key).to_string(),
        Some(("visit", _)) => "走访".into(),
        _ if sender == "resident" => "居民申报".into(),
        _ => sender.into(),
    }
}

fn department_name(key: &str) -> &str {
    crate::domain::staff::DEPARTMENTS.iter().find(|(k, _)| *k == key).map(|(_, label)| *label).unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::staff::staff_for_tests as staff;

    #[test]
    fn each_role_lists_its_own_register_only() {
        let listed = |role, scope, chosen| register_scope(&staff(role, scope), chosen).map_err(|_| ());
        let township = |code: &str, village: &str| {
            Ok(Some(RegisterScope { township_code: code.into(), village: village.into() }))
        };
        assert_eq!(listed(Role::TownshipReviewer, "620702001", "620702002"), township("620702001", ""));
        assert_eq!(listed(Role::VillageWorker, "620702001/东街村", ""), township("620702001", "东街村"));
        assert_eq!(listed(Role::CountyReviewer, "620702", ""), Ok(None));
        assert_eq!(listed(Role::CountyReviewer, "620702", "620702003"), township("620702003", ""));
        assert_eq!(listed(Role::CountyReviewer, "620702", "620721100"), Err(()));
        assert_eq!(listed(Role::DepartmentOfficer, "education", ""), Err(()));
        assert_eq!(listed(Role::Administrator, "city", ""), Err(()));
    }

    #[test]
    fn sources_and_senders_read_in_chinese() {
        assert_eq!(source_label("department:disabled-persons"), "残疾人联合会推送");
        assert_eq!(source_label("visit"), "走访发现");
        assert_eq!(sender_label("department:medical-insurance"), "医疗保障局");
        assert_eq!(sender_label("visit:staff:3"), "走访");
        assert_eq!(sender_label("resident"), "居民申报");
    }
}
