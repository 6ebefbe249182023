//! Form handlers of the administration page. Each turns its post into a call of
//! `app::features::administration` (which checks the caller, the form and writes the change with its audit
//! entry) and its result into an answer; only administrators get through (`AdminSession`).

use super::respond::{self, failure, redirect};
use super::sessions::AdminSession;
use super::static_pages::html_response;
use crate::startup::AppState;
use app::areas::admin::Saved;
use app::features::administration::{
    self as administration, AdminError, AnnouncementForm, CalendarDayForm, GuideForm, HotlineForm,
    StaffRelativesForm, StandardsForm, Typed,
};
use app::features::exchange::{self, CredentialForm, ExchangeError};
use app::features::staff_accounts::{create_account, AccountError, AccountForm};
use axum::{extract::State, http::StatusCode, response::Response, Form};

/// What `AdminSession` answers too; the use cases check the role again as the rule's own home.
fn not_an_administrator() -> Response {
    html_response(StatusCode::FORBIDDEN, "无权操作", "系统管理只对管理员开放。")
}

/// How an administrator's change answers: the page saying what was saved; back to the form (`back`) with
/// what was typed and the messages; back to the page when there was nothing to change; 404 or 500.
async fn answer_at(
    state: &AppState,
    saved: Saved,
    back: &str,
    typed: Vec<(&'static str, String)>,
    result: Result<(), AdminError>,
) -> Response {
    match result {
        Ok(()) => redirect(&saved.path(), &[]),
        Err(AdminError::Refused(problems)) => respond::back_with(state, back, &typed, &problems).await,
        Err(AdminError::Unchanged) => redirect(&saved.section(), &[]),
        Err(AdminError::NotFound) => not_an_administrator(),
        Err(e @ AdminError::Store(_)) => failure("an administrator's change failed", e),
    }
}

/// `answer_at` the section of the page the change was posted from.
async fn answer(
    state: &AppState,
    saved: Saved,
    typed: Vec<(&'static str, String)>,
    result: Result<(), AdminError>,
) -> Response {
    answer_at(state, saved, &saved.section(), typed, result).await
}

pub async fn add_hotline(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Form(form): Form<HotlineForm>,
) -> Response {
    let typed = form.typed();
    let result = administration::add_hotline(&state.services, &admin.identity, form).await;
    answer(&state, Saved::Hotline, typed, result).await
}

#[derive(serde::Deserialize)]
pub struct RemoveForm {
    id: i64,
}

pub async fn remove_hotline(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Form(form): Form<RemoveForm>,
) -> Response {
    let result = administration::remove_hotline(&state.services, &admin.identity, form.id).await;
    answer(&state, Saved::HotlineRemoved, Vec::new(), result).await
}

pub async fn confirm_standards(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Form(form): Form<StandardsForm>,
) -> Response {
    let typed = form.typed();
    let result = administration::confirm_standards(&state.services, &admin.identity, form).await;
    answer(&state, Saved::Standards, typed, result).await
}

/// POST /admin/guide: a guide page edited on its own page, which a refusal returns to.
pub async fn update_guide(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Form(form): Form<GuideForm>,
) -> Response {
    let (typed, back) = (form.typed(), format!("/admin/guide/{}", form.slug));
    let result = administration::update_guide(&state.services, &admin.identity, form).await;
    answer_at(&state, Saved::Guide, &back, typed, result).await
}

/// POST /admin/announcements: publishes an announcement, city-wide or for one county.
pub async fn publish_announcement(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Form(form): Form<AnnouncementForm>,
) -> Response {
    let typed = form.typed();
    let result = administration::publish_announcement(&state.services, &admin.identity, form).await;
    answer(&state, Saved::Announcement, typed, result).await
}

/// POST /admin/announcements/remove: takes an announcement down.
pub async fn remove_announcement(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Form(form): Form<RemoveForm>,
) -> Response {
    let result = administration::remove_announcement(&state.services, &admin.identity, form.id).await;
    answer(&state, Saved::AnnouncementRemoved, Vec::new(), result).await
}

/// POST /admin/staff-relatives: ID numbers of staff and their close relatives, one per line.
pub async fn add_staff_relatives(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Form(form): Form<StaffRelativesForm>,
) -> Response {
    let typed = form.typed();
    let result = administration::add_staff_relatives(&state.services, &admin.identity, form).await;
    answer(&state, Saved::StaffRelatives, typed, result).await
}

/// POST /admin/calendar: sets a holiday or a worked weekend day (调休).
pub async fn set_calendar_day(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Form(form): Form<CalendarDayForm>,
) -> Response {
    let typed = form.typed();
    let result = administration::set_calendar_day(&state.services, &admin.identity, form).await;
    answer(&state, Saved::Calendar, typed, result).await
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
    let result = administration::remove_calendar_day(&state.services, &admin.identity, &form.day).await;
    answer(&state, Saved::Calendar, Vec::new(), result).await
}

/// POST /admin/api-credentials: creates a department's credential and shows its token once (only the
/// credential's id is stored; a lost token is revoked and a new one issued).
pub async fn issue_api_credential(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    axum_extra::extract::Form(form): axum_extra::extract::Form<CredentialForm>,
) -> Response {
    let label = form.api_label.clone();
    let now = state.services.now();
    match exchange::issue_credential(&state.services, &admin.identity, form, now).await {
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
            let values = vec![("api_label", label)];
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
        Err(AccountError::Refused(problems)) => respond::back_with(&state, app::routes::ADMIN_STAFF, &typed, &problems).await,
        Err(AccountError::NotFound) => not_an_administrator(),
        Err(e) => failure("creating a staff account failed", e),
    }
}
