//! 审核工作台: staff sign-in, the landing page after it, and password change. The forms post to plain
//! handlers in the server crate (`server/src/web/review.rs`), which answer with a redirect; errors come
//! back as a short code in the address and are explained here in Chinese.

use super::cases::CaseQueue;
use super::referrals::ReferralQueue;
use crate::domain::staff::{Role, StaffIdentity};
use crate::forms::query;
use crate::suspense::deferred;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[server]
pub async fn signed_in_staff() -> Result<Option<StaffIdentity>, ServerFnError> {
    Ok(crate::auth::current_staff().await)
}

/// What the account may work on, in words, for the landing page.
#[server]
pub async fn describe_scope() -> Result<String, ServerFnError> {
    use crate::domain::staff::DEPARTMENTS;
    let Some(staff) = crate::auth::current_staff().await else {
        return Err(ServerFnError::new("请先登录"));
    };
    let divisions = crate::services::services()?.divisions;
    Ok(match staff.role {
        Role::TownshipReviewer => crate::store::place_name(&divisions, &staff.scope),
        Role::CountyReviewer => divisions
            .iter()
            .find(|(c, _)| c.code == staff.scope)
            .map(|(c, _)| c.name.clone())
            .unwrap_or(staff.scope),
        Role::DepartmentOfficer => DEPARTMENTS
            .iter()
            .find(|(key, _)| *key == staff.scope)
            .map(|(_, name)| (*name).to_string())
            .unwrap_or(staff.scope),
        Role::Administrator => "全市".to_string(),
        Role::VillageWorker => match crate::domain::staff::village_scope(&staff.scope) {
            Some((township, Some(village))) => {
                format!("{} {village}", crate::store::place_name(&divisions, township))
            }
            Some((township, None)) => {
                format!("{} 各村（社区）", crate::store::place_name(&divisions, township))
            }
            None => staff.scope,
        },
    })
}

/// Sends a visitor without a session to the sign-in page with a 302. The response context must be
/// captured before the page awaits anything: it is not reachable from inside the async block.
#[derive(Clone)]
pub(crate) struct SignInRedirect {
    #[cfg(feature = "ssr")]
    response: Option<leptos_axum::ResponseOptions>,
}

impl SignInRedirect {
    pub(crate) fn capture() -> Self {
        Self {
            #[cfg(feature = "ssr")]
            response: use_context::<leptos_axum::ResponseOptions>(),
        }
    }

    pub(crate) fn send(self) -> AnyView {
        #[cfg(feature = "ssr")]
        if let Some(response) = self.response {
            response.set_status(http::StatusCode::FOUND);
            response.insert_header(
                http::header::LOCATION,
                http::HeaderValue::from_static(crate::routes::REVIEW_LOGIN),
            );
        }
        view! { <p><a href={crate::routes::REVIEW_LOGIN}>"请先登录"</a></p> }.into_any()
    }
}

/// The body of a staff page that loads one record the caller may or may not see (a case, a warning, a
/// household): `show` it when found; when the server function answers `Ok(None)` (not there, or outside
/// the caller's scope) a 404 with `missing`; the sign-in page when signed out.
pub(crate) fn scoped_record<T, V, M>(
    load: impl std::future::Future<Output = Result<Option<T>, ServerFnError>> + Send + 'static,
    show: impl FnOnce(T) -> V + Send + 'static,
    missing: impl FnOnce() -> M + Send + 'static,
) -> impl IntoView
where
    T: Send + 'static,
    V: IntoAny,
    M: IntoAny,
{
    let redirect = SignInRedirect::capture();
    let status = crate::forms::ResponseStatus::capture();
    view! {
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load.await {
                    Ok(Some(found)) => show(found).into_any(),
                    Ok(None) => {
                        status.not_found();
                        missing().into_any()
                    }
                    Err(_) => redirect.send(),
                }
            })}
        </Suspense>
    }
}

/// "请 3 分钟后再试": after too many wrong passwords from this device.
fn wait_message(minutes: &str) -> String {
    let minutes = minutes.parse::<u32>().unwrap_or(1).clamp(1, 15);
    format!("密码输错次数过多，请{minutes}分钟后再试。忘记密码请联系系统管理员重置。")
}

/// A password box named as its id; the browser's password manager fills or saves it by `autocomplete`.
#[component]
fn PasswordField(
    id: &'static str,
    label: &'static str,
    autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            <input id=id name=id type="password" autocomplete=autocomplete required/>
        </div>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let message = match query("error").as_str() {
        "invalid" => Some("用户名或密码不正确。连续输错5次后，每次重试需要等待一段时间。".to_string()),
        "wait" => Some(wait_message(&query("minutes"))),
        _ => None,
    };
    let signed_out = query("signed_out") == "1";
    let username = query("user");
    view! {
        <Title text="工作人员登录"/>
        <Meta name="robots" content="noindex"/>
        <h1>"工作人员登录"</h1>
        {signed_out.then(|| view! { <p class="notice" role="status">"您已安全退出。"</p> })}
        {message.map(|m| view! {
            <div class="error-summary" role="alert">
                <h3>"登录未成功"</h3>
                <p>{m}</p>
            </div>
        })}
        <form method="post" action={crate::routes::REVIEW_LOGIN} class="question-form">
            <div class="field">
                <label for="username">"用户名"</label>
                <input id="username" name="username" autocomplete="username" value=username required/>
            </div>
            <PasswordField id="password" label="密码" autocomplete="current-password"/>
            <button type="submit" class="primary">"登录"</button>
        </form>
        <p class="hint">"本入口仅供乡镇（街道）、县区民政局和相关部门工作人员使用。群众办理业务请返回"<a href="/">"首页"</a>"。"</p>
    }
}

#[component]
pub fn ReviewHomePage() -> impl IntoView {
    let password_changed = query("password_changed") == "1";
    let redirect = SignInRedirect::capture();
    view! {
        <Title text="审核工作台"/>
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| ()>
            {deferred(async move {
                let Ok(Some(staff)) = signed_in_staff().await else {
                    return redirect.send();
                };
                let scope = describe_scope().await.unwrap_or_default();
                let handles_reports = staff.may_handle_reports_in(&staff.scope);
                view! {
                    <h1>"审核工作台"</h1>
                    {password_changed.then(|| view! { <p class="notice" role="status">"密码已修改，其他设备上的登录已失效。"</p> })}
                    <dl class="account">
                        <dt>"姓名"</dt><dd>{staff.display_name.clone()}</dd>
                        <dt>"岗位"</dt><dd>{staff.role.label()}</dd>
                        <dt>"负责范围"</dt><dd>{scope}</dd>
                    </dl>
                    <super::emergency::OpenEmergencies/>
                    <CaseQueue/>
                    {matches!(staff.role, Role::TownshipReviewer | Role::CountyReviewer)
                        .then(|| view! {
                            <p><a href="/review/records">"复核队列（已批准的救助对象）"</a></p>
                        })}
                    {matches!(staff.role, Role::TownshipReviewer | Role::CountyReviewer | Role::VillageWorker)
                        .then(|| view! {
                            <p><a href="/review/warnings">"预警处置（低收入人口动态监测）"</a></p>
                            <p><a href="/review/households">"监测对象名册"</a></p>
                        })}
                    {matches!(staff.role, Role::TownshipReviewer | Role::VillageWorker)
                        .then(|| view! {
                            <p><a href="/review/visits/new">"登记走访发现的困难家庭"</a></p>
                        })}
                    <ReferralQueue/>
                    <super::monitoring::HouseholdReferralQueue/>
                    {handles_reports.then(|| view! { <p><a href="/review/reports">"举报办理"</a></p> })}
                    {staff.is_administrator().then(|| view! { <p><a href="/admin">"系统管理"</a></p> })}
                    <p><a href={crate::routes::REVIEW_PASSWORD}>"修改密码"</a></p>
                    <form method="post" action={crate::routes::REVIEW_LOGOUT}>
                        <button type="submit" class="secondary">"退出登录"</button>
                    </form>
                }
                .into_any()
            })}
        </Suspense>
    }
}

crate::domain::keyed_enum! {
    /// Why a password change was refused: the handler redirects to `path`, the page says it.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum PasswordRefusal {
        TooShort => ("too_short", "新密码至少需要12个字符。"),
        Mismatch => ("mismatch", "两次输入的新密码不一致。"),
        Unchanged => ("unchanged", "新密码不能与原密码相同。"),
        WrongCurrent => ("wrong_current", "原密码不正确。"),
        Wait => ("wait", "原密码输错次数过多，请稍后再试。"),
    }
}

impl PasswordRefusal {
    pub fn path(self) -> String {
        format!("/review/password?error={}", self.key())
    }
}

#[component]
pub fn PasswordPage() -> impl IntoView {
    let message = PasswordRefusal::from_key(&query("error")).map(PasswordRefusal::label);
    let redirect = SignInRedirect::capture();
    view! {
        <Title text="修改密码"/>
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| ()>
            {deferred(async move {
                if !matches!(signed_in_staff().await, Ok(Some(_))) {
                    return redirect.send();
                }
                view! {
                    <h1>"修改密码"</h1>
                    {message.map(|m| view! { <div class="error-summary" role="alert"><p>{m}</p></div> })}
                    <form method="post" action={crate::routes::REVIEW_PASSWORD} class="question-form">
                        <PasswordField id="current" label="原密码" autocomplete="current-password"/>
                        <PasswordField id="new" label="新密码" autocomplete="new-password" hint="至少12个字符，可以用一句好记的话。"/>
                        <PasswordField id="confirm" label="再次输入新密码" autocomplete="new-password"/>
                        <button type="submit" class="primary">"修改密码"</button>
                    </form>
                    <p><a href="/review">"返回工作台"</a></p>
                }
                .into_any()
            })}
        </Suspense>
    }
}
