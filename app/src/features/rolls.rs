//! 名单导入: an administrator uploads an existing roll of low-income households (e.g. 乡村振兴's
//! 防止返贫监测对象) into the monitoring register. Each household is checked whole; the households that pass
//! are registered together, matched on members' ID numbers like every lead.

use super::monitoring::{member_hash, WarningError};
use crate::audit::AuditEvent;
use crate::domain::id_number::{BirthDate, IdNumber};
use crate::domain::staff::StaffIdentity;
use crate::services::Services;
use crate::store::HouseholdLead;
use std::collections::HashMap;

/// A row of an existing roll (e.g. 乡村振兴's 防止返贫监测对象), as read from the file: one member per row,
/// members of one household sharing the roll's household number.
#[derive(Clone, Debug, Default)]
pub struct RollRow {
    pub line: usize,
    pub household_no: String,
    pub township_code: String,
    pub village: String,
    pub category: String,
    pub name: String,
    pub id_number: String,
}

/// What became of a household of the roll.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RollOutcome {
    Added,
    /// Already on the register (matched on a member): its members and category were brought up to date.
    Matched,
    Refused(String),
}

/// A roll holds at most this many rows; a bigger one is split.
pub const ROLL_MAX_ROWS: usize = 20_000;

/// The categories a roll may carry: those the register monitors, by key or by name.
fn roll_category(typed: &str) -> Option<crate::domain::register::Category> {
    use crate::domain::register::{Category, GrantKind};
    let typed = typed.trim();
    let category = Category::from_key(typed).or_else(|| Category::all().find(|c| c.label() == typed))?;
    matches!(category.grant(), GrantKind::Monthly | GrantKind::Recognition).then_some(category)
}

/// 名单导入: an administrator uploads an existing roll. Each household (its rows) is checked whole; the
/// households that pass are registered together in one transaction with one audit entry (matched on
/// members' ID numbers: a household already on the register is completed, never duplicated); a household
/// with a bad row is refused whole. The report has one line per household: (first line, household
/// number, outcome).
pub async fn import_roll(
    services: &Services,
    admin: &StaffIdentity,
    rows: Vec<RollRow>,
    now: i64,
) -> Result<Vec<(usize, String, RollOutcome)>, WarningError> {
    if !admin.is_administrator() {
        return Err(WarningError::NotFound);
    }
    match rows.len() {
        0 => return Err(WarningError::Invalid("file", "文件中没有名单，请检查是否选错了文件".into())),
        n if n > ROLL_MAX_ROWS => {
            return Err(WarningError::Invalid(
                "file",
                format!("一个文件最多{ROLL_MAX_ROWS}行，请分成几个文件"),
            ))
        }
        _ => {}
    }
    let today = BirthDate::today_in_china(now);
    let mut report = Vec::new();
    let mut leads = Vec::new();
    let mut seen_ids: HashMap<String, String> = HashMap::new();
    for household in group_by_household(rows) {
        let (line, number) = (household[0].line, household[0].household_no.clone());
        match roll_lead(services, &household, &mut seen_ids, today, now) {
            Ok(lead) => {
                leads.push((report.len(), lead));
                report.push((line, number, RollOutcome::Added));
            }
            Err(reason) => report.push((line, number, RollOutcome::Refused(reason))),
        }
    }
    let accepted: Vec<HouseholdLead> = leads.iter().map(|(_, lead)| lead.clone()).collect();
    let audit = AuditEvent {
        at: now,
        actor: format!("staff:{}", admin.id),
        action: "monitoring.roll_imported".into(),
        subject: "register".into(),
        detail: format!("{} households accepted, {} refused", accepted.len(), report.len() - accepted.len()),
    };
    if !accepted.is_empty() {
        let created = services.store.register_households(&accepted, &audit).await?;
        for ((index, _), created) in leads.iter().zip(created) {
            report[*index].2 = if created { RollOutcome::Added } else { RollOutcome::Matched };
        }
    }
    Ok(report)
}

/// The rows of each household number, households in the order they first appear.
/// Looked up by number, so that a roll of many households is grouped in one pass.
fn group_by_household(rows: Vec<RollRow>) -> Vec<Vec<RollRow>> {
    let mut households: Vec<Vec<RollRow>> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for row in rows {
        match index.get(row.household_no.trim()) {
            Some(&i) => households[i].push(row),
            None => {
                index.insert(row.household_no.trim().to_string(), households.len());
                households.push(vec![row]);
            }
        }
    }
    households
}

/// One household of the roll as a lead, or why it is refused (the first bad row, by line).
fn roll_lead(
    services: &Services,
    rows: &[RollRow],
    seen_ids: &mut HashMap<String, String>,
    today: BirthDate,
    now: i64,
) -> Result<HouseholdLead, String> {
    let first = &rows[0];
    let at = |row: &RollRow, what: String| format!("第{}行：{what}", row.line);
    if first.household_no.trim().is_empty() {
        return Err(at(first, "缺少户编号".into()));
    }
    let township = first.township_code.trim();
    if crate::store::place_name(&services.divisions, township).is_empty() {
        return Err(at(first, format!("“{township}”不是张掖市的乡镇（街道）代码")));
    }
    let village = first.village.trim();
    if village.is_empty() || village.chars().count() > crate::domain::staff::VILLAGE_MAX_CHARS {
        return Err(at(first, "请填写村（社区）名称（不超过30个字）".into()));
    }
    let category = roll_category(&first.category)
        .ok_or_else(|| at(first, format!("不认识的类别“{}”", first.category.trim())))?;
    let mut members = Vec::new();
    for row in rows {
        if row.township_code.trim() != township
            || row.village.trim() != village
            || roll_category(&row.category) != Some(category)
        {
            return Err(at(row, "同一户的乡镇、村（社区）和类别须一致".into()));
        }
        let name = crate::domain::person_name::check_name(&row.name).map_err(|e| at(row, e.to_string()))?;
        let id = IdNumber::parse(&row.id_number, today).map_err(|e| at(row, e.to_string()))?;
        if let Some(other) = seen_ids.get(id.as_str()) {
            return Err(at(row, format!("身份证号码已出现在户编号{other}中")));
        }
        members.push((name, id));
    }
    seen_ids.extend(
        members.iter().map(|(_, id)| (id.as_str().to_string(), first.household_no.trim().to_string())),
    );
    let sealed: Vec<(&str, &str)> = members.iter().map(|(n, id)| (n.as_str(), id.as_str())).collect();
    Ok(HouseholdLead {
        county_code: township[..6].to_string(),
        township_code: township.to_string(),
        village: village.to_string(),
        category: Some(category),
        source: "import".into(),
        member_hashes: members.iter().map(|(_, id)| member_hash(&services.hasher, id)).collect(),
        sealed: services.sealer.seal(&sealed),
        now,
    })
}
