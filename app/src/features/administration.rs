//! 系统管理: what an administrator keeps up to date for everyone else: the hotlines, each county's
//! standards, the policy guide, announcements, the holiday calendar and the register of staff and their
//! relatives. Each form arrives as a serde struct and becomes a domain value through `TryFrom` (or the
//! messages to show next to its fields); each change is written with its audit entry in one transaction.

use crate::audit::AuditEvent;
use crate::domain::announcement::{check_announcement, Announcement};
use crate::domain::calendar::{Date, DayKind};
use crate::domain::eligibility::{check_standards, whole_number, LocalStandards};
use crate::domain::guide::{check_guide_edit, GuidePage};
use crate::domain::id_number::{BirthDate, IdNumber};
use crate::domain::region::check_hotline;
use crate::domain::staff::{Role, StaffIdentity};
use crate::features::cases::staff_relative_hash;
use crate::services::Services;
use crate::store::StoreError;
use serde::Deserialize;

/// Messages to show next to fields: (field, message).
pub type Problems = Vec<(&'static str, String)>;

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// Not an administrator: answered as `AdminSession` answers staff without the role (403).
    #[error("not an administrator")]
    NotFound,
    /// Back to the form with these messages next to their fields.
    #[error("the change was refused: {0:?}")]
    Refused(Problems),
    /// What was to be removed or edited is not there (already removed): back to the page, nothing done.
    #[error("nothing to change")]
    Unchanged,
    /// 500, with the cause logged.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What every form of the page can do: say back what was typed when it is refused.
pub trait Typed {
    /// The values to put back in the form (never personal data: see `StaffRelativesForm`).
    fn typed(&self) -> Vec<(&'static str, String)>;
}

fn entry(
    services: &Services,
    admin: &StaffIdentity,
    action: &str,
    subject: String,
    detail: String,
) -> AuditEvent {
    AuditEvent::at(services.now(), format!("staff:{}", admin.id), action, subject, detail)
}

fn administrator(admin: &StaffIdentity) -> Result<(), AdminError> {
    if admin.role == Role::Administrator {
        Ok(())
    } else {
        Err(AdminError::NotFound)
    }
}

fn known_county(services: &Services, code: &str) -> bool {
    services.divisions.iter().any(|(county, _)| county.code == code)
}

/// The county a city-or-county form names: `None` for city-wide (left empty).
fn optional_county(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|code| !code.is_empty())
}

fn changed(done: bool) -> Result<(), AdminError> {
    done.then_some(()).ok_or(AdminError::Unchanged)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HotlineForm {
    pub county: String,
    pub label: String,
    pub number: String,
}

impl Typed for HotlineForm {
    fn typed(&self) -> Vec<(&'static str, String)> {
        vec![("county", self.county.clone()), ("label", self.label.clone()), ("number", self.number.clone())]
    }
}

/// A hotline to add: city-wide when `county` is `None`.
pub struct NewHotline {
    pub county: Option<String>,
    pub label: String,
    pub number: String,
}

impl TryFrom<HotlineForm> for NewHotline {
    type Error = Problems;

    fn try_from(form: HotlineForm) -> Result<Self, Problems> {
        let problems: Problems = check_hotline(&form.label, &form.number)
            .into_iter()
            .map(|e| (e.field(), e.to_string()))
            .collect();
        if !problems.is_empty() {
            return Err(problems);
        }
        let (label, number) = (form.label.trim().to_string(), form.number.trim().to_string());
        Ok(Self { county: optional_county(&form.county), label, number })
    }
}

pub async fn add_hotline(
    services: &Services,
    admin: &StaffIdentity,
    form: HotlineForm,
) -> Result<(), AdminError> {
    administrator(admin)?;
    let hotline = NewHotline::try_from(form).map_err(AdminError::Refused)?;
    if hotline.county.as_deref().is_some_and(|code| !known_county(services, code)) {
        return Err(AdminError::Refused(vec![("county", "请从列表中选择县区".into())]));
    }
    let audit = |id| {
        let detail = format!("{} {}", hotline.label, hotline.number);
        entry(services, admin, "admin.hotline_added", format!("hotline:{id}"), detail)
    };
    services.store.add_hotline(hotline.county.as_deref(), &hotline.label, &hotline.number, &audit).await?;
    services.hotlines.forget();
    Ok(())
}

pub async fn remove_hotline(services: &Services, admin: &StaffIdentity, id: i64) -> Result<(), AdminError> {
    administrator(admin)?;
    let audit = entry(services, admin, "admin.hotline_removed", format!("hotline:{id}"), String::new());
    changed(services.store.remove_hotline(id, &audit).await?)?;
    services.hotlines.forget();
    Ok(())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StandardsForm {
    pub county: String,
    pub dibao_urban_monthly: String,
    pub dibao_rural_monthly: String,
    pub disposable_income_urban_yearly: String,
    pub disposable_income_rural_yearly: String,
    pub rigid_spending_share_percent: String,
}

impl Typed for StandardsForm {
    fn typed(&self) -> Vec<(&'static str, String)> {
        vec![("standards_county", self.county.clone())]
    }
}

impl TryFrom<StandardsForm> for LocalStandards {
    type Error = Problems;

    fn try_from(form: StandardsForm) -> Result<Self, Problems> {
        let number = |text: &str| whole_number(text).unwrap_or(0);
        let standards = LocalStandards {
            county_code: form.county.clone(),
            county_name: String::new(),
            dibao_urban_monthly: number(&form.dibao_urban_monthly),
            dibao_rural_monthly: number(&form.dibao_rural_monthly),
            disposable_income_urban_yearly: number(&form.disposable_income_urban_yearly),
            disposable_income_rural_yearly: number(&form.disposable_income_rural_yearly),
            rigid_spending_share_percent: number(&form.rigid_spending_share_percent),
            confirmed: true,
        };
        let problems: Problems =
            check_standards(&standards).into_iter().map(|e| (e.field, e.message.to_string())).collect();
        if problems.is_empty() {
            Ok(standards)
        } else {
            Err(problems)
        }
    }
}

pub async fn confirm_standards(
    services: &Services,
    admin: &StaffIdentity,
    form: StandardsForm,
) -> Result<(), AdminError> {
    administrator(admin)?;
    let standards = LocalStandards::try_from(form).map_err(AdminError::Refused)?;
    let detail = format!(
        "urban {} rural {} income {}/{} share {}%",
        standards.dibao_urban_monthly,
        standards.dibao_rural_monthly,
        standards.disposable_income_urban_yearly,
        standards.disposable_income_rural_yearly,
        standards.rigid_spending_share_percent
    );
    let subject = format!("county:{}", standards.county_code);
    let audit = entry(services, admin, "admin.standards_confirmed", subject, detail);
    changed(services.store.confirm_standards(&standards, &audit).await?)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GuideForm {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body: String,
}

impl Typed for GuideForm {
    fn typed(&self) -> Vec<(&'static str, String)> {
        vec![("title", self.title.clone()), ("summary", self.summary.clone()), ("body", self.body.clone())]
    }
}

impl TryFrom<GuideForm> for GuidePage {
    type Error = Problems;

    fn try_from(form: GuideForm) -> Result<Self, Problems> {
        let problems = check_guide_edit(&form.title, &form.summary, &form.body);
        if !problems.is_empty() {
            return Err(problems.into_iter().map(|(field, message)| (field, message.to_string())).collect());
        }
        Ok(GuidePage {
            slug: form.slug,
            title: form.title.trim().to_string(),
            summary: form.summary.trim().to_string(),
            body_markdown: form.body.trim().to_string(),
            sort_order: 0,
        })
    }
}

pub async fn update_guide(
    services: &Services,
    admin: &StaffIdentity,
    form: GuideForm,
) -> Result<(), AdminError> {
    administrator(admin)?;
    let page = GuidePage::try_from(form).map_err(AdminError::Refused)?;
    let audit =
        entry(services, admin, "admin.guide_updated", format!("guide:{}", page.slug), page.title.clone());
    changed(services.store.update_guide_page(&page, &audit).await?)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnnouncementForm {
    pub county: String,
    pub announcement_title: String,
    pub announcement_body: String,
}

impl Typed for AnnouncementForm {
    fn typed(&self) -> Vec<(&'static str, String)> {
        vec![
            ("announcement_county", self.county.clone()),
            ("announcement_title", self.announcement_title.clone()),
            ("announcement_body", self.announcement_body.clone()),
        ]
    }
}

/// An announcement to publish (its time is the publishing time): city-wide when `county` is `None`.
pub struct NewAnnouncement {
    pub county: Option<String>,
    pub title: String,
    pub body: String,
}

impl TryFrom<AnnouncementForm> for NewAnnouncement {
    type Error = Problems;

    fn try_from(form: AnnouncementForm) -> Result<Self, Problems> {
        let (title, body) = check_announcement(&form.announcement_title, &form.announcement_body)?;
        Ok(Self { county: optional_county(&form.county), title, body })
    }
}

pub async fn publish_announcement(
    services: &Services,
    admin: &StaffIdentity,
    form: AnnouncementForm,
) -> Result<(), AdminError> {
    administrator(admin)?;
    let new = NewAnnouncement::try_from(form).map_err(AdminError::Refused)?;
    if new.county.as_deref().is_some_and(|code| !known_county(services, code)) {
        return Err(AdminError::Refused(vec![("announcement_title", "请从列表中选择县区".into())]));
    }
    let announcement = Announcement {
        id: 0,
        title: new.title,
        body: new.body,
        county_code: new.county,
        published_at: services.now(),
    };
    let audit = |id| {
        let (subject, title) = (format!("announcement:{id}"), announcement.title.clone());
        entry(services, admin, "admin.announcement_published", subject, title)
    };
    services.store.add_announcement(&announcement, &audit).await?;
    Ok(())
}

pub async fn remove_announcement(
    services: &Services,
    admin: &StaffIdentity,
    id: i64,
) -> Result<(), AdminError> {
    administrator(admin)?;
    let audit =
        entry(services, admin, "admin.announcement_removed", format!("announcement:{id}"), String::new());
    changed(services.store.remove_announcement(id, &audit).await?)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StaffRelativesForm {
    pub id_numbers: String,
}

impl Typed for StaffRelativesForm {
    /// Nothing: the numbers typed are personal data and do not go through the flash store.
    fn typed(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// Registers ID numbers of staff and their close relatives (one per line), kept only as keyed hashes;
/// their households' cases are always drawn for the county's re-check.
pub async fn add_staff_relatives(
    services: &Services,
    admin: &StaffIdentity,
    form: StaffRelativesForm,
) -> Result<(), AdminError> {
    administrator(admin)?;
    let today = BirthDate::today_in_china(services.now());
    let lines: Vec<(usize, &str)> =
        form.id_numbers.lines().enumerate().filter(|(_, line)| !line.trim().is_empty()).collect();
    if lines.is_empty() {
        return Err(AdminError::Refused(vec![("id_numbers", "请填写身份证号码，每行一个".into())]));
    }
    let parsed: Vec<Result<String, String>> = lines
        .iter()
        .map(|(index, line)| match IdNumber::parse(line, today) {
            Ok(id) => Ok(staff_relative_hash(&services.hasher, id.as_str())),
            Err(e) => Err(format!("第{}行：{e}", index + 1)),
        })
        .collect();
    let problems: Vec<String> = parsed.iter().filter_map(|p| p.clone().err()).collect();
    if !problems.is_empty() {
        return Err(AdminError::Refused(vec![("id_numbers", problems.join("；"))]));
    }
    let hashes: Vec<String> = parsed.into_iter().flatten().collect();
    let audit = |added| {
        let detail = format!("{} registered, {added} new", hashes.len());
        entry(services, admin, "admin.staff_relatives_added", "staff-register".into(), detail)
    };
    services.store.add_staff_relatives(&hashes, services.now(), &audit).await?;
    Ok(())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CalendarDayForm {
    pub calendar_day: String,
    pub kind: String,
    pub calendar_note: String,
}

impl Typed for CalendarDayForm {
    fn typed(&self) -> Vec<(&'static str, String)> {
        vec![
            ("calendar_day", self.calendar_day.clone()),
            ("calendar_kind", self.kind.clone()),
            ("calendar_note", self.calendar_note.clone()),
        ]
    }
}

/// A holiday or a worked weekend day (调休), with the holiday's name.
pub struct CalendarDay {
    pub day: Date,
    pub kind: DayKind,
    pub note: String,
}

const CALENDAR_NOTE_MAX_CHARS: usize = 30;

impl TryFrom<CalendarDayForm> for CalendarDay {
    type Error = Problems;

    fn try_from(form: CalendarDayForm) -> Result<Self, Problems> {
        let day = Date::parse(form.calendar_day.trim());
        let kind = DayKind::from_key(&form.kind);
        let note = form.calendar_note.trim();
        let note_fits = !note.is_empty() && note.chars().count() <= CALENDAR_NOTE_MAX_CHARS;
        match (day, kind, note_fits) {
            (Some(day), Some(kind), true) => Ok(Self { day, kind, note: note.to_string() }),
            _ => Err([
                (day.is_none(), "calendar_day", "请按 2026-10-01 的格式填写日期".to_string()),
                (kind.is_none(), "calendar_kind", "请选择放假或调休上班".to_string()),
                (!note_fits, "calendar_note", format!("请填写节日名称（最多{CALENDAR_NOTE_MAX_CHARS}个字）")),
            ]
            .into_iter()
            .filter_map(|(wrong, field, message)| wrong.then_some((field, message)))
            .collect()),
        }
    }
}

/// Sets a holiday or a worked weekend day; deadlines count with it at once on this instance, on the
/// others within the page cache's period (`Services::working_calendar`).
pub async fn set_calendar_day(
    services: &Services,
    admin: &StaffIdentity,
    form: CalendarDayForm,
) -> Result<(), AdminError> {
    administrator(admin)?;
    let CalendarDay { day, kind, note } = CalendarDay::try_from(form).map_err(AdminError::Refused)?;
    let detail = format!("{} {note}", kind.key());
    let audit = entry(services, admin, "admin.calendar_day_set", format!("day:{day}"), detail);
    services.store.set_calendar_day(day, kind, &note, &audit).await?;
    services.calendar.forget();
    Ok(())
}

/// Makes a day ordinary again.
pub async fn remove_calendar_day(
    services: &Services,
    admin: &StaffIdentity,
    day: &str,
) -> Result<(), AdminError> {
    administrator(admin)?;
    let day = Date::parse(day).ok_or(AdminError::Unchanged)?;
    let audit = entry(services, admin, "admin.calendar_day_removed", format!("day:{day}"), String::new());
    let removed = services.store.remove_calendar_day(day, &audit).await?;
    services.calendar.forget();
    changed(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_calendar_day_names_every_wrong_field_at_once() {
        let form = CalendarDayForm {
            calendar_day: "10/1".into(),
            kind: "other".into(),
            calendar_note: String::new(),
        };
        let fields: Vec<_> = CalendarDay::try_from(form).err().unwrap().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["calendar_day", "calendar_kind", "calendar_note"]);
    }

    #[test]
    fn a_calendar_day_with_its_name_is_typed() {
        let form = CalendarDayForm {
            calendar_day: " 2026-10-01 ".into(),
            kind: "holiday".into(),
            calendar_note: "国庆节".into(),
        };
        let day = CalendarDay::try_from(form).ok().unwrap();
        assert_eq!(
            (day.day.to_string().as_str(), day.kind, day.note.as_str()),
            ("2026-10-01", DayKind::Holiday, "国庆节")
        );
    }

    #[test]
    fn a_hotline_is_city_wide_without_a_county_and_trimmed() {
        let form =
            HotlineForm { county: " ".into(), label: " 市民政局 ".into(), number: "0936-8212345".into() };
        let hotline = NewHotline::try_from(form).ok().unwrap();
        assert_eq!((hotline.county, hotline.label.as_str()), (None, "市民政局"));
    }

    #[test]
    fn standards_that_are_not_numbers_are_refused_next_to_their_fields() {
        let form = StandardsForm {
            county: "620702".into(),
            dibao_urban_monthly: "很多".into(),
            ..Default::default()
        };
        let problems = LocalStandards::try_from(form).err().unwrap();
        assert!(problems.iter().any(|(field, _)| *field == "dibao_urban_monthly"), "{problems:?}");
    }
}
