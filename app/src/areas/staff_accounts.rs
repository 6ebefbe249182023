//! 工作人员账号: the administrator's form for a colleague's account (`features::staff_accounts` holds the
//! rules; the post goes to `server/src/web/admin.rs`, which shows the first password once).

use crate::domain::region::{County, Township};
use crate::forms::{query, township_options, Choice, ErrorSummary, Field, TextField};
use crate::suspense::deferred;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccountFormData {
    pub divisions: Vec<(County, Vec<Township>)>,
    pub form: crate::forms::FormFeedback,
}

/// The form for an administrator; `None` for anyone else.
#[server]
pub async fn load_account_form(flash: String) -> Result<Option<AccountFormData>, ServerFnError> {
    let staff = crate::auth::current_staff().await.ok_or_else(|| ServerFnError::new("请先登录"))?;
    if !staff.is_administrator() {
        return Ok(None);
    }
    let services = crate::services::services()?;
    let flash = services.flash.get(&flash).await.unwrap_or_default();
    Ok(Some(AccountFormData { divisions: services.divisions.to_vec(), form: flash }))
}

#[component]
pub fn StaffAccountPage() -> impl IntoView {
    let flash = query("flash");
    let redirect = super::review::SignInRedirect::capture();
    let status = crate::forms::ResponseStatus::capture();
    view! {
        <Title text="创建工作人员账号"/>
        <Meta name="robots" content="noindex"/>
        <p class="breadcrumb"><a href="/admin">"返回系统管理"</a></p>
        <h1>"创建工作人员账号"</h1>
        <p>"为乡镇（街道）、县区审核人员，部门人员和村（社区）协理员创建账号。系统生成初始密码，只显示一次。管理员账号由运维人员在服务器上创建。"</p>
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load_account_form(flash).await {
                    Ok(Some(data)) => view! { <AccountForm data/> }.into_any(),
                    Ok(None) => {
                        status.forbidden();
                        view! { <p>"系统管理只对管理员开放。"</p> }.into_any()
                    }
                    Err(_) => redirect.send(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AccountForm(data: AccountFormData) -> impl IntoView {
    use crate::domain::staff::{CREATED_ROLES, DEPARTMENTS};
    let error_for = |field: &str| data.form.error(field);
    let feedback = data.form.clone();
    let typed = move |field: &str| feedback.value(field);
    let roles: Vec<(&'static str, &'static str)> =
        CREATED_ROLES.iter().map(|r| (r.key(), r.label())).collect();
    let (chosen_township, chosen_county, chosen_department) =
        (typed("township"), typed("county"), typed("department"));
    let townships = township_options(&data.divisions, &chosen_township);
    let counties = data
        .divisions
        .iter()
        .map(|(county, _)| {
            let selected = county.code == chosen_county;
            view! { <option value=county.code.clone() selected=selected>{county.name.clone()}</option> }
        })
        .collect_view();
    view! {
        <ErrorSummary errors=data.form.errors.clone()/>
        <form method="post" action={crate::routes::ADMIN_STAFF} class="question-form" novalidate>
            <TextField name="username" label="登录名" hint="3到32位小写字母、数字、点、横线或下划线，如 wang.li" value=typed("username") error=error_for("username")/>
            <TextField name="display_name" label="姓名" value=typed("display_name") error=error_for("display_name")/>
            <Choice name="role" legend="账号类型" value=typed("role") options=roles error=error_for("role")/>
            <ChooseOne name="township" label="所在乡镇（街道）" hint="乡镇（街道）审核人员和村（社区）协理员填写" error=error_for("township")>
                    {townships}
            </ChooseOne>
            <TextField name="village" label="负责的村（社区）" hint="村（社区）协理员填写全称，如“红沙窝村”；不填则负责全乡镇（街道）的村（社区）" value=typed("village") error=error_for("village")/>
            <ChooseOne name="county" label="所在县区" hint="县区审核人员填写" error=error_for("county")>
                    {counties}
            </ChooseOne>
            <ChooseOne name="department" label="所在部门" hint="部门人员填写" error=error_for("department")>
                    {DEPARTMENTS.iter().map(|(key, name)| view! {
                        <option value=*key selected=chosen_department == *key>{*name}</option>
                    }).collect_view()}
            </ChooseOne>
            <button type="submit" class="primary">"创建账号并显示初始密码"</button>
        </form>
    }
}

/// A drop-down list that starts at "请选择", for the scope field that fits the chosen role.
#[component]
fn ChooseOne(
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    error: Option<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <Field name=name label=label hint=hint error=error>
            <select id=name name=name>
                <option value="">"请选择"</option>
                {children()}
            </select>
        </Field>
    }
}
