//! Form handlers of the administration page: hotlines, local standards, the guide and announcements. Only administrators get
//! through (`AdminSession`); every change is audited.

use super::respond::{self, failure, redirect};
use super::sessions::AdminSession;
use super::static_pages::html_response;
use crate::startup::AppState;
use app::areas::admin::Saved;
use app::audit::AuditEvent;
use app::domain::announcement::{check_announcement, Announcement};
use app::domain::calendar::{Date, DayKind};
use app::domain::eligibility::{check_standards, whole_number, LocalStandards};
use app::domain::guide::{check_guide_edit, GuidePage};
use app::domain::id_number::{BirthDate, IdNumber};
use app::domain::monitoring::ApiScope;
use app::domain::region::check_hotline;
use app::features::cases::staff_relative_hash;
use app::features::exchange::{self, ExchangeError};
use app::features::staff_accounts::{create_account, AccountError, AccountForm};
use app::store::StaffAccount;
use axum::{extract::State, http::StatusCode, response::Response, Form};

async fn back_with(
    state: &AppState,
    anchor: &str,
    values: Vec<(&str, String)>,
    errors: Vec<(&str, String)>,
) -> Response {
    respond::back_with(state, &format!("/admin#{anchor}"), &values, &errors).await
}

/// The audit entry of an administrator's change; the store writes it in the change's transaction.
fn audit(
    state: &AppState,
    admin: &StaffAccount,
    action: &str,
    subject: String,
    detail: String,
) -> AuditEvent {
    AuditEvent::at(state.services.now(), format!("staff:{}", admin.identity.id), action, subject, detail)
}

#[derive(serde::Deserialize)]
pub struct HotlineForm {
    #[serde(default)]
    county: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    number: String,
}

pub async fn add_hotline(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Form(form): Form<HotlineForm>,
) -> Response {
    let errors: Vec<_> =
        check_hotline(&form.label, &form.number).into_iter().map(|e| (e.field(), e.to_string())).collect();
    let county = Some(form.county.trim()).filter(|c| !c.is_empty());
    let known_county = match county {
        None => true,
        Some(code) => match state.services.store.counties().await {
            Ok(counties) => counties.iter().any(|c| c.code == code),
            Err(e) => return failure("an administrator's change failed", e),
        },
    };
    if !errors.is_empty() || !known_county {
        let values = vec![
            ("county", form.county.clone()),
            ("label", form.label.clone()),
            ("number", form.number.clone()),
        ];
        return back_with(&state, "hotlines", values, errors).await;
    }
    let (label, number) = (form.label.trim(), form.number.trim());
    let entry = |id| {
        audit(&state, &admin, "admin.hotline_added", format!("hotline:{id}"), format!("{label} {number}"))
    };
    if let Err(e) = state.services.store.add_hotline(county, label, number, &entry).await {
        return failure("an administrator's change failed", e);
    }
    state.services.hotlines.forget();
    redirect(&Saved::Hotline.path(), &[])
}

#[derive(serde::Deserialize)]
pub struct RemoveHotlineForm {
    id: i64,
}

pub async fn remove_hotline(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Form(form): Form<RemoveHotlineForm>,
) -> Response {
    let entry = audit(&state, &admin, "admin.hotline_removed", format!("hotline:{}", form.id), String::new());
    match state.services.store.remove_hotline(form.id, &entry).await {
        Ok(true) => state.services.hotlines.forget(),
        Ok(false) => return redirect("/admin#hotlines", &[]),
        Err(e) => return failure("an administrator's change failed", e),
    }
    redirect(&Saved::HotlineRemoved.path(), &[])
}

#[derive(serde::Deserialize)]
pub struct StandardsForm {
    county: String,
    #[serde(default)]
    dibao_urban_monthly: String,
    #[serde(default)]
    dibao_rural_monthly: String,
    #[serde(default)]
    disposable_income_urban_yearly: String,
    #[serde(default)]
    disposable_income_rural_yearly: String,
    #[serde(default)]
    rigid_spending_share_percent: String,
}

pub async fn confirm_standards(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Form(form): Form<StandardsForm>,
) -> Response {
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
    let errors: Vec<_> =
        check_standards(&standards).into_iter().map(|e| (e.field, e.message.to_string())).collect();
    if !errors.is_empty() {
        return back_with(&state, "standards", vec![("standards_county", form.county)], errors).await;
    }
    let detail = format!(
        "urban {} rural {} income {}/{} share {}%",
        standards.dibao_urban_monthly,
        standards.dibao_rural_monthly,
        standards.disposable_income_urban_yearly,
        standards.disposable_income_rural_yearly,
        standards.rigid_spending_share_percent
    );
    let entry = audit(
        &state,
        &admin,
        "admin.standards_confirmed",
        format!("county:{}", standards.county_code),
        detail,
    );
    match state.services.store.confirm_standards(&standards, &entry).await {
        Ok(true) => {}
        Ok(false) => return redirect("/admin#standards", &[]),
        Err(e) => return failure("an administrator's change failed", e),
    }
    redirect(&Saved::Standards.path(), &[])
}

#[derive(serde::Deserialize)]
pub struct GuideForm {
    slug: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    body: String,
}

pub async fn update_guide(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Form(form): Form<GuideForm>,
) -> Response {
    let errors = check_guide_edit(&form.title, &form.summary, &form.body);
    if !errors.is_empty() {
        let values = [("title", &form.title), ("summary", &form.summary), ("body", &form.body)];
        let errors: Vec<(&str, String)> = errors.into_iter().map(|(f, m)| (f, m.to_string())).collect();
        return respond::back_with(&state, &format!("/admin/guide/{}", form.slug), &values, &errors).await;
    }
    let page = GuidePage {
        slug: form.slug.clone(),
        title: form.title.trim().to_string(),
        summary: form.summary.trim().to_string(),
        body_markdown: form.body.trim().to_string(),
        sort_order: 0,
    };
    let entry =
        audit(&state, &admin, "admin.guide_updated", format!("guide:{}", page.slug), page.title.clone());
    match state.services.store.update_guide_page(&page, &entry).await {
        Ok(true) => {}
        Ok(false) => return redirect("/admin#guide", &[]),
        Err(e) => return failure("an administrator's change failed", e),
    }
    redirect(&Saved::Guide.path(), &[])
}

#[derive(serde::Deserialize)]
pub struct AnnouncementForm {
    #[serde(default)]
    county: String,
    #[serde(default)]
    announcement_title: String,
    #[serde(default)]
    announcement_body: String,
}

/// POST /admin/announcements: publishes an announcement, city-wide or for one county.
pub async fn publish_announcement(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Form(form): Form<AnnouncementForm>,
) -> Response {
    let county = Some(form.county.trim().to_string()).filter(|c| !c.is_empty());
    let mut errors = Vec::new();
    if let Some(code) = &county {
        match state.services.store.counties().await {
            Ok(counties) if counties.iter().any(|c| &c.code == code) => {}
            Ok(_) => errors.push(("announcement_title", "请从列表中选择县区".to_string())),
            Err(e) => return failure("an administrator's change failed", e),
        }
    }
    let checked = check_announcement(&form.announcement_title, &form.announcement_body);
    if let Err(problems) = &checked {
        errors.extend(problems.iter().cloned());
    }
    let (title, body) = match checked {
        Ok(checked) if errors.is_empty() => checked,
        _ => {
            let values = vec![
                ("announcement_county", form.county.clone()),
                ("announcement_title", form.announcement_title.clone()),
                ("announcement_body", form.announcement_body.clone()),
            ];
            return back_with(&state, "announcements", values, errors).await;
        }
    };
    let announcement = Announcement {
        id: 0,
        title: title.clone(),
        body,
        county_code: county,
        published_at: state.services.now(),
    };
    let entry = |id| {
        audit(&state, &admin, "admin.announcement_published", format!("announcement:{id}"), title.clone())
    };
    if let Err(e) = state.services.store.add_announcement(&announcement, &entry).await {
        return failure("an administrator's change failed", e);
    }
    redirect(&Saved::Announcement.path(), &[])
}

#[derive(serde::Deserialize)]
pub struct RemoveAnnouncementForm {
    id: i64,
}

/// POST /admin/announcements/remove: takes an announcement down.
pub async fn remove_announcement(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Form(form): Form<RemoveAnnouncementForm>,
) -> Response {
    let subject = format!("announcement:{}", form.id);
    let entry = audit(&state, &admin, "admin.announcement_removed", subject, String::new());
    match state.services.store.remove_announcement(form.id, &entry).await {
        Ok(true) => {}
        Ok(false) => return redirect("/admin#announcements", &[]),
        Err(e) => return failure("an administrator's change failed", e),
    }
    redirect(&Saved::AnnouncementRemoved.path(), &[])
}

#[derive(serde::Deserialize)]
pub struct StaffRelativesForm {
    #[serde(default)]
    id_numbers: String,
}

/// POST /admin/staff-relatives: registers ID numbers of staff and their close relatives (one per line),
/// kept only as keyed hashes; their households' cases are always drawn for the county's re-check.
pub async fn add_staff_relatives(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Form(form): Form<StaffRelativesForm>,
) -> Response {
    let today = BirthDate::today_in_china(state.services.now());
    let lines: Vec<(usize, &str)> =
        form.id_numbers.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).collect();
    let mut hashes = Vec::new();
    let mut problems = Vec::new();
    for (index, line) in &lines {
        match IdNumber::parse(line, today) {
            Ok(id) => hashes.push(staff_relative_hash(&state.services.hasher, id.as_str())),
            Err(e) => problems.push(format!("第{}行：{e}", index + 1)),
        }
    }
    if lines.is_empty() {
        problems.push("请填写身份证号码，每行一个".to_string());
    }
    if !problems.is_empty() {
        // The numbers typed are not sent back through the flash store: they are personal data.
        return back_with(&state, "staff-relatives", Vec::new(), vec![("id_numbers", problems.join("；"))])
            .await;
    }
    let entry = |added| {
        let detail = format!("{} registered, {added} new", hashes.len());
        audit(&state, &admin, "admin.staff_relatives_added", "staff-register".into(), detail)
    };
    if let Err(e) = state.services.store.add_staff_relatives(&hashes, state.services.now(), &entry).await {
        return failure("an administrator's change failed", e);
    }
    redirect(&Saved::StaffRelatives.path(), &[])
}

#[derive(serde::Deserialize)]
pub struct CalendarDayForm {
    #[serde(default)]
    calendar_day: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    calendar_note: String,
}

/// POST /admin/calendar: sets a holiday or a worked weekend day (调休); deadlines count with it at once.
pub async fn set_calendar_day(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Form(form): Form<CalendarDayForm>,
) -> Response {
    let day = Date::parse(form.calendar_day.trim());
    let kind = DayKind::from_key(&form.kind);
    let note = form.calendar_note.trim();
    let mut errors = Vec::new();
    if day.is_none() {
        errors.push(("calendar_day", "请按 2026-10-01 的格式填写日期".to_string()));
    }
    if kind.is_none() {
        errors.push(("calendar_kind", "请选择放假或调休上班".to_string()));
    }
    if note.is_empty() || note.chars().count() > 30 {
        errors.push(("calendar_note", "请填写节日名称（最多30个字）".to_string()));
    }
    let (Some(day), Some(kind), true) = (day, kind, errors.is_empty()) else {
        let values = vec![
            ("calendar_day", form.calendar_day.clone()),
            ("calendar_kind", form.kind.clone()),
            ("calendar_note", form.calendar_note.clone()),
        ];
        return back_with(&state, "calendar", values, errors).await;
    };
    let entry = audit(
        &state,
        &admin,
        "admin.calendar_day_set",
        format!("day:{day}"),
        format!("{} {note}", kind.key()),
    );
    if let Err(e) = state.services.store.set_calendar_day(day, kind, note, &entry).await {
        return failure("an administrator's change failed", e);
    }
    redirect(&Saved::Calendar.path(), &[])
}

#[derive(serde::Deserialize)]
pub struct RemoveCalendarDayForm {
    #[serde(default)]
    day: String,
}

/// POST /admin/calendar/remove: makes a day ordinary again.
pub async fn remove_calendar_day(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Form(form): Form<RemoveCalendarDayForm>,
) -> Response {
    let Some(day) = Date::parse(&form.day) else { return redirect("/admin#calendar", &[]) };
    let entry = audit(&state, &admin, "admin.calendar_day_removed", format!("day:{day}"), String::new());
    match state.services.store.remove_calendar_day(day, &entry).await {
        Ok(true) => {}
        Ok(false) => return redirect("/admin#calendar", &[]),
        Err(e) => return failure("an administrator's change failed", e),
    }
    redirect(&Saved::Calendar.path(), &[])
}

/// POST /admin/api-credentials: creates a department's credential and shows its token once (only the
/// credential's id is stored; a lost token is revoked and a new one issued).
pub async fn issue_api_credential(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let posted = app::domain::application::Posted(pairs);
    let (department, label) = (posted.get("api_department"), posted.get("api_label"));
    let scopes = posted.all("api_scopes").filter_map(ApiScope::from_key).collect();
    let now = state.services.now();
    match exchange::issue_credential(&state.services, &admin.identity, department, label, scopes, now).await {
        Ok((id, token)) => html_response(
            StatusCode::OK,
            "凭据已创建",
            &format!(
                "第{id}号凭据已创建。请立即复制下面的令牌，通过安全渠道交给部门；离开本页后无法再次查看：\
                 </p><p><code class=\"token\">{token}</code></p><p><a href=\"/admin#api\">返回系统管理</a>"
            ),
        ),
        Err(ExchangeError::Invalid { field, message }) => {
            let field = format!("api_{field}");
            let values = vec![("api_label", label.to_string())];
            respond::back_with(&state, "/admin#api", &values, &[(field.as_str(), message)]).await
        }
        Err(e) => failure("creating an API credential failed", e),
    }
}

#[derive(serde::Deserialize)]
pub struct RevokeCredentialForm {
    id: i64,
}

/// POST /admin/api-credentials/revoke
pub async fn revoke_api_credential(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Form(form): Form<RevokeCredentialForm>,
) -> Response {
    let now = state.services.now();
    match exchange::revoke_credential(&state.services, &admin.identity, form.id, now).await {
        Ok(()) => redirect(&Saved::ApiRevoked.path(), &[]),
        Err(ExchangeError::UnknownCredential) => redirect("/admin#api", &[]),
        Err(e) => failure("revoking an API credential failed", e),
    }
}

#[derive(serde::Deserialize)]
pub struct StaffAccountForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    township: String,
    #[serde(default)]
    county: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    village: String,
}

/// POST /admin/staff: creates a colleague's account and shows its first password once.
pub async fn create_staff_account(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Form(form): Form<StaffAccountForm>,
) -> Response {
    let typed = vec![
        ("username", form.username.clone()),
        ("display_name", form.display_name.clone()),
        ("role", form.role.clone()),
        ("township", form.township.clone()),
        ("county", form.county.clone()),
        ("department", form.department.clone()),
        ("village", form.village.clone()),
    ];
    let account = AccountForm {
        username: form.username,
        display_name: form.display_name,
        role: form.role,
        township: form.township,
        county: form.county,
        department: form.department,
        village: form.village,
    };
    let now = state.services.now();
    match create_account(&state.services, &admin.identity, account, now).await {
        Ok((id, password)) => html_response(
            StatusCode::OK,
            "账号已创建",
            &format!(
                "第{id}号账号已创建。初始密码只显示这一次，请当面或通过安全渠道交给本人，并请其登录后立即修改：\
                 </p><p><code class=\"token\">{password}</code></p><p><a href=\"/admin/staff\">继续创建账号</a>"
            ),
        ),
        Err(AccountError::Refused(problems)) => respond::back_with(&state, "/admin/staff", &typed, &problems).await,
        Err(AccountError::NotFound) => {
            html_response(StatusCode::FORBIDDEN, "无权操作", "系统管理只对管理员开放。")
        }
        Err(e) => failure("creating a staff account failed", e),
    }
}
