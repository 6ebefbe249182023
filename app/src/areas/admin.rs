//! 系统管理: administrators maintain the hotlines shown on every page and confirm each county's local
//! standards. Forms post to `server/src/web/admin.rs`; every change is written to the audit log.

use crate::areas::review::SignInRedirect;
use crate::domain::eligibility::LocalStandards;
use crate::domain::region::{County, Hotline};
use crate::forms::{Field, TextField};
use crate::suspense::deferred;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AdminData {
    pub counties: Vec<County>,
    pub hotlines: Vec<Hotline>,
    pub standards: Vec<LocalStandards>,
    /// (slug, title) of every guide page.
    pub guide: Vec<(String, String)>,
    /// (id, title, date) of every announcement, newest first.
    pub announcements: Vec<(i64, String, String)>,
    /// How many ID numbers the register of staff and their close relatives holds.
    pub staff_relatives: u64,
    /// The holiday calendar: (day, holiday or worked weekend day, note), in date order.
    pub calendar: Vec<(String, bool, String)>,
    /// Departments' API credentials, newest first.
    pub api_credentials: Vec<CredentialRow>,
    /// What a failed post typed, and its errors (from the flash store).
    pub form: crate::forms::FormFeedback,
}

/// A department's API credential as the administrator sees it (never its token).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CredentialRow {
    pub id: i64,
    pub department: String,
    pub label: String,
    pub scopes: String,
    pub created_on: String,
    pub revoked_on: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum AdminAccess {
    SignedOut,
    Forbidden,
    Allowed(Box<AdminData>),
}

#[server]
pub async fn load_admin(flash: String) -> Result<AdminAccess, ServerFnError> {
    let Some(staff) = crate::auth::current_staff().await else {
        return Ok(AdminAccess::SignedOut);
    };
    if !staff.is_administrator() {
        return Ok(AdminAccess::Forbidden);
    }
    let services = crate::services::services()?;
    let store = &services.store;
    let read = async {
        Ok::<_, crate::store::StoreError>((
            store.counties().await?,
            store.hotlines().await?,
            store.all_standards().await?,
            store.guide_pages().await?,
            store.announcements(None).await?,
            store.staff_relative_count().await?,
            store.calendar().await?,
            store.api_credentials().await?,
        ))
    };
    let (counties, hotlines, standards, pages, announcements, staff_relatives, calendar, credentials) =
        read.await.map_err(|e| ServerFnError::new(e.to_string()))?;
    let announcements = announcements
        .into_iter()
        .map(|a| (a.id, a.title, crate::domain::calendar::Date::today_in_china(a.published_at).chinese()))
        .collect();
    let guide = pages.into_iter().map(|p| (p.slug, p.title)).collect();
    let flash = services.flash.get(&flash).await.unwrap_or_default();
    Ok(AdminAccess::Allowed(Box::new(AdminData {
        counties,
        hotlines,
        standards,
        guide,
        announcements,
        staff_relatives,
        calendar: calendar
            .into_iter()
            .map(|(day, kind, note)| {
                (day.to_string(), kind == crate::domain::calendar::DayKind::Holiday, note)
            })
            .collect(),
        api_credentials: credentials.into_iter().map(credential_row).collect(),
        form: flash,
    })))
}

#[cfg(feature = "ssr")]
fn credential_row(credential: crate::store::ApiCredential) -> CredentialRow {
    use crate::domain::calendar::Date;
    use crate::domain::monitoring::ApiScope;
    let department = crate::domain::staff::DEPARTMENTS.iter().find(|(key, _)| *key == credential.department);
    CredentialRow {
        id: credential.id,
        department: department.map(|(_, name)| name.to_string()).unwrap_or(credential.department),
        label: credential.label,
        scopes: credential.scopes.iter().map(|s| ApiScope::label(*s)).collect::<Vec<_>>().join("、"),
        created_on: Date::today_in_china(credential.created_at).chinese(),
        revoked_on: credential.revoked_at.map(|at| Date::today_in_china(at).chinese()),
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let (flash, saved) =
        use_query_map().with_untracked(|q| (q.get("flash").unwrap_or_default(), q.get("saved")));
    let redirect = SignInRedirect::capture();
    let status = crate::forms::ResponseStatus::capture();
    view! {
        <Title text="系统管理"/>
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load_admin(flash).await {
                    Ok(AdminAccess::Allowed(data)) => view! { <AdminSections data=*data saved/> }.into_any(),
                    Ok(AdminAccess::Forbidden) => {
                        status.forbidden();
                        view! {
                            <h1>"无权访问"</h1>
                            <p>"系统管理只对管理员开放。"<a href="/review">"返回工作台"</a></p>
                        }
                        .into_any()
                    }
                    _ => redirect.send(),
                }
            })}
        </Suspense>
    }
}

crate::domain::keyed_enum! {
    /// What an administrator's post saved: its handler redirects to `path`, whose `?saved=` key the page
    /// reads back to say so.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Saved {
        Hotline => ("hotline", "热线已保存，所有页面底部即刻显示。"),
        HotlineRemoved => ("hotline_removed", "热线已删除。"),
        Standards => ("standards", "救助标准已核定，自查将使用新的标准。"),
        Guide => ("guide", "政策指南已保存，立即对公众显示。"),
        Announcement => ("announcement", "公告已发布。"),
        AnnouncementRemoved => ("announcement_removed", "公告已撤下。"),
        ApiRevoked => ("api_revoked", "凭据已吊销，使用它的令牌立即失效。"),
        Calendar => ("calendar", "节假日安排已保存，办理期限立即按新安排计算。"),
        StaffRelatives => ("staff_relatives", "备案已保存。这些家庭的申请报到县级时都会抽中复核。"),
    }
}

impl Saved {
    /// The administration page at the section that was saved, saying so.
    pub fn path(self) -> String {
        format!("/admin?saved={}#{}", self.key(), self.anchor())
    }

    /// The section of the administration page this change is made in.
    pub fn section(self) -> String {
        format!("/admin#{}", self.anchor())
    }

    fn anchor(self) -> &'static str {
        match self {
            Self::Hotline | Self::HotlineRemoved => "hotlines",
            Self::Standards => "standards",
            Self::Guide => "guide",
            Self::Announcement | Self::AnnouncementRemoved => "announcements",
            Self::ApiRevoked => "api",
            Self::Calendar => "calendar",
            Self::StaffRelatives => "staff-relatives",
        }
    }
}

/// The department a credential or an imported file belongs to.
#[component]
fn DepartmentChoice(name: &'static str, label: &'static str, error: Option<String>) -> impl IntoView {
    view! {
        <Field name=name label=label error=error>
            <select id=name name=name>
                {crate::domain::staff::DEPARTMENTS
                    .iter()
                    .map(|(key, name)| view! { <option value=*key>{*name}</option> })
                    .collect_view()}
            </select>
        </Field>
    }
}

/// A CSV file to import, with its error next to it.
#[component]
fn CsvFile(name: &'static str, label: &'static str, error: Option<String>) -> impl IntoView {
    view! {
        <Field name=name label=label error=error>
            <input type="file" id=name name=name accept=".csv,text/csv"/>
        </Field>
    }
}

/// A one-button form that removes the entry `id` (a hotline, an announcement).
#[component]
fn RemoveButton(action: &'static str, id: i64, label: &'static str) -> impl IntoView {
    view! {
        <form method="post" action=action>
            <input type="hidden" name="id" value=id.to_string()/>
            <button type="submit" class="secondary">{label}</button>
        </form>
    }
}

/// The county an entry belongs to, posted as `county`; empty for the whole city.
#[component]
fn CountyChoice(
    id: &'static str,
    label: &'static str,
    counties: Vec<County>,
    chosen: String,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id name="county">
                <option value="">"全市"</option>
                {counties
                    .into_iter()
                    .map(|c| view! { <option selected=c.code == chosen value=c.code>{c.name}</option> })
                    .collect_view()}
            </select>
        </div>
    }
}

#[component]
fn AdminSections(data: AdminData, saved: Option<String>) -> impl IntoView {
    let notice = saved.as_deref().and_then(Saved::from_key).map(Saved::label);
    let error_for = |field: &str| data.form.error(field);
    let typed = |field: &str| data.form.value(field);
    let (label_error, number_error) = (error_for("label"), error_for("number"));
    let (label, number, typed_county) = (typed("label"), typed("number"), typed("county"));
    let county_name = {
        let counties = data.counties.clone();
        move |code: &Option<String>| match code {
            None => "全市".to_string(),
            Some(code) => {
                counties.iter().find(|c| &c.code == code).map(|c| c.name.clone()).unwrap_or_default()
            }
        }
    };
    let standards_errors: Vec<(String, String)> = data
        .form
        .errors
        .iter()
        .filter(|(f, _)| {
            !matches!(
                f.as_str(),
                "label"
                    | "number"
                    | "announcement_title"
                    | "announcement_body"
                    | "id_numbers"
                    | "calendar_day"
                    | "calendar_kind"
                    | "calendar_note"
            )
        })
        .cloned()
        .collect();
    let errors_county = typed("standards_county");
    let (calendar_day, calendar_note) = (typed("calendar_day"), typed("calendar_note"));
    let workday = typed("calendar_kind") == "workday";
    let (calendar_day_error, calendar_kind_error, calendar_note_error) =
        (error_for("calendar_day"), error_for("calendar_kind"), error_for("calendar_note"));
    let id_numbers_error = error_for("id_numbers");
    view! {
        <h1>"系统管理"</h1>
        {notice.map(|n| view! { <p class="notice" role="status">{n}</p> })}
        <p><a href={crate::routes::ADMIN_STAFF}>"创建工作人员账号"</a>"（乡镇、县区审核人员，部门人员，村（社区）协理员）"</p>
        <section id="hotlines">
            <h2>"咨询与监督电话"</h2>
            <ul class="hotlines admin-list">
                {data
                    .hotlines
                    .iter()
                    .map(|h| view! {
                        <li>
                            <span>{format!("{}：{}（{}）", h.label, h.number, county_name(&h.county_code))}</span>
                            <RemoveButton action={crate::routes::ADMIN_HOTLINES_REMOVE} id=h.id label="删除"/>
                        </li>
                    })
                    .collect_view()}
            </ul>
            <h3>"添加热线"</h3>
            <form method="post" action={crate::routes::ADMIN_HOTLINES} class="question-form" novalidate>
                <CountyChoice id="county" label="所属县区" counties=data.counties.clone() chosen=typed_county/>
                <TextField name="label" label="名称" value=label error=label_error/>
                <TextField name="number" label="电话号码" value=number error=number_error input_mode="tel"/>
                <button type="submit" class="primary">"添加"</button>
            </form>
        </section>
        <ApiCredentialsSection
            credentials=data.api_credentials.clone()
            label=typed("api_label")
            label_error=error_for("api_label")
            department_error=error_for("api_department")
            scopes_error=error_for("api_scopes")
        />
        <EventImportSection department_error=error_for("import_department") file_error=error_for("import_file")/>
        <RollImportSection file_error=error_for("roll_file")/>
        <AnnouncementsSection
            announcements=data.announcements.clone()
            counties=data.counties.clone()
            title=typed("announcement_title")
            body=typed("announcement_body")
            county=typed("announcement_county")
            title_error=error_for("announcement_title")
            body_error=error_for("announcement_body")
        />
        <section id="calendar">
            <h2>"节假日安排（计算办理期限）"</h2>
            <ul class="admin-list">
                {data.calendar.iter().map(|(day, holiday, note)| view! {
                    <li>
                        <span>{format!("{day} {}（{note}）", if *holiday { "放假" } else { "调休上班" })}</span>
                        <form method="post" action={crate::routes::ADMIN_CALENDAR_REMOVE}>
                            <input type="hidden" name="day" value=day.clone()/>
                            <button type="submit" class="secondary">"删除"</button>
                        </form>
                    </li>
                }).collect_view()}
            </ul>
            <h3>"添加或修改一天"</h3>
            <form method="post" action={crate::routes::ADMIN_CALENDAR} class="question-form" novalidate>
                <TextField name="calendar_day" label="日期" hint="例如 2027-02-16" value=calendar_day error=calendar_day_error/>
                <Field name="calendar_kind" label="安排" error=calendar_kind_error>
                    <select id="calendar_kind" name="kind">
                        <option value="holiday" selected=!workday>"放假"</option>
                        <option value="workday" selected=workday>"调休上班"</option>
                    </select>
                </Field>
                <TextField name="calendar_note" label="节日或事由" value=calendar_note error=calendar_note_error/>
                <button type="submit" class="primary">"保存"</button>
            </form>
        </section>
        <section id="staff-relatives">
            <h2>"工作人员及近亲属备案"</h2>
            <p>{format!("已备案 {} 个身份证号码（只保存加密摘要，无法查看原号码）。家庭成员中有备案人员的申请，报到县级时全部抽中入户复核。", data.staff_relatives)}</p>
            <form method="post" action={crate::routes::ADMIN_STAFF_RELATIVES} class="question-form" novalidate>
                <Field name="id_numbers" label="身份证号码（每行一个）" error=id_numbers_error>
                    <textarea id="id_numbers" name="id_numbers" rows="4" autocomplete="off"></textarea>
                </Field>
                <button type="submit" class="primary">"备案"</button>
            </form>
        </section>
        <section id="guide">
            <h2>"政策指南"</h2>
            <ul class="guide-list">
                {data
                    .guide
                    .into_iter()
                    .map(|(slug, title)| view! { <li><a href=format!("/admin/guide/{slug}")>{format!("编辑：{title}")}</a></li> })
                    .collect_view()}
            </ul>
        </section>
        <section id="standards">
            <h2>"本地救助标准"</h2>
            <p class="hint">"系统预置的是参考值，须由管理员按当地公布的标准核定后，自查页面才不再显示“尚待核定”。"</p>
            {data
                .standards
                .into_iter()
                .map(|s| {
                    let errors = if s.county_code == errors_county { standards_errors.clone() } else { Vec::new() };
                    view! { <StandardsForm standards=s errors/> }
                })
                .collect_view()}
        </section>
    }
}

#[component]
fn ApiCredentialsSection(
    credentials: Vec<CredentialRow>,
    label: String,
    label_error: Option<String>,
    department_error: Option<String>,
    scopes_error: Option<String>,
) -> impl IntoView {
    use crate::domain::monitoring::ApiScope;
    view! {
        <section id="api">
            <h2>"部门数据接口"</h2>
            <p>"医保、残联、教育、人社、应急管理等部门的系统通过接口推送预警事件、查询对象互认。接口说明见 "
                <a href={crate::routes::API_V1_OPENAPI_JSON}>crate::routes::API_V1_OPENAPI_JSON</a>"。"</p>
            <ul class="admin-list">
                {credentials
                    .into_iter()
                    .map(|c| view! {
                        <li>
                            {format!("{}：{}（{}；{}创建）", c.department, c.label, c.scopes, c.created_on)}
                            {match c.revoked_on {
                                Some(day) => view! { <span>{format!(" 已于{day}吊销")}</span> }.into_any(),
                                None => view! {
                                    <form method="post" action={crate::routes::ADMIN_API_CREDENTIALS_REVOKE}>
                                        <input type="hidden" name="id" value=c.id.to_string()/>
                                        <button type="submit" class="secondary">"吊销"</button>
                                    </form>
                                }.into_any(),
                            }}
                        </li>
                    })
                    .collect_view()}
            </ul>
            <h3>"新建凭据"</h3>
            <form method="post" action={crate::routes::ADMIN_API_CREDENTIALS} class="question-form" novalidate>
                <DepartmentChoice name="api_department" label="部门" error=department_error/>
                <TextField name="api_label" label="对接系统" value=label error=label_error/>
                <fieldset class="field checks" class:has-error=scopes_error.is_some()>
                    <legend>"权限"</legend>
                    {scopes_error.clone().map(|e| view! { <p class="field-error">{e}</p> })}
                    {ApiScope::ALL
                        .into_iter()
                        .map(|scope| {
                            let id = format!("api_scope_{}", scope.key());
                            let label_for = id.clone();
                            view! {
                                <label class="choice" for=label_for>
                                    <input type="checkbox" id=id name="api_scopes" value=scope.key() checked=true/>
                                    {scope.label()}
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <button type="submit" class="primary">"创建并显示令牌"</button>
            </form>
        </section>
    }
}

/// 部门数据导入: the events of a department without a system, uploaded as a CSV file with the API's fields
/// as columns (`server/src/web/event_import.rs`).
#[component]
fn EventImportSection(department_error: Option<String>, file_error: Option<String>) -> impl IntoView {
    view! {
        <section id="events">
            <h2>"部门数据导入"</h2>
            <p>"没有对接系统的部门，可把预警事件整理成CSV文件由管理员导入。第一行为列名："
                <code>"reference_id,id_number,kind,out_of_pocket_yuan,disability_grade,home_damaged"</code>
                "；kind 为 hospital_bill、disability_certificate、school_enrolment、unemployment_registration 或 disaster，与接口相同。有问题的行不导入，并逐行说明原因。"</p>
            <form method="post" action={crate::routes::ADMIN_EVENTS_IMPORT} enctype="multipart/form-data" class="question-form" novalidate>
                <DepartmentChoice name="import_department" label="数据来源部门" error=department_error/>
                <CsvFile name="import_file" label="CSV文件" error=file_error/>
                <button type="submit" class="primary">"导入"</button>
            </form>
        </section>
    }
}

/// 名单导入: an existing roll (e.g. 乡村振兴's 防止返贫监测对象) into the monitoring register.
#[component]
fn RollImportSection(file_error: Option<String>) -> impl IntoView {
    view! {
        <section id="rolls">
            <h2>"低收入人口名单导入"</h2>
            <p>"把已有名单（如乡村振兴部门的防止返贫监测对象）导入低收入人口数据库。每行一位家庭成员，同一户的成员户编号相同。第一行为列名："
                <code>"household_no,township_code,village,category,name,id_number"</code>
                "；category 写类别名称（如“防止返贫监测对象”“低保边缘家庭”“其他困难人员”）。已在库中的家庭按身份证号码比对，只补充成员和类别，不会重复建档；有问题的户整户不导入，并说明原因。"</p>
            <form method="post" action={crate::routes::ADMIN_ROLL_IMPORT} enctype="multipart/form-data" class="question-form" novalidate>
                <CsvFile name="roll_file" label="名单CSV文件" error=file_error/>
                <button type="submit" class="primary">"导入名单"</button>
            </form>
        </section>
    }
}

#[component]
fn AnnouncementsSection(
    announcements: Vec<(i64, String, String)>,
    counties: Vec<County>,
    title: String,
    body: String,
    county: String,
    title_error: Option<String>,
    body_error: Option<String>,
) -> impl IntoView {
    let body_invalid = body_error.as_ref().map(|_| "true");
    view! {
        <section id="announcements">
            <h2>"通知公告"</h2>
            <ul class="admin-list">
                {announcements
                    .into_iter()
                    .map(|(id, title, date)| view! {
                        <li>
                            <a href=format!("/announcements/{id}")>{format!("{title}（{date}）")}</a>
                            <RemoveButton action={crate::routes::ADMIN_ANNOUNCEMENTS_REMOVE} id=id label="撤下"/>
                        </li>
                    })
                    .collect_view()}
            </ul>
            <h3>"发布公告"</h3>
            <form method="post" action={crate::routes::ADMIN_ANNOUNCEMENTS} class="question-form" novalidate>
                <CountyChoice id="announcement_county" label="范围" counties=counties.clone() chosen=county/>
                <TextField name="announcement_title" label="标题" value=title error=title_error/>
                <Field name="announcement_body" label="正文" hint="可用 Markdown：空行分段，# 标题，- 列表" error=body_error>
                    <textarea id="announcement_body" name="announcement_body" rows="8" aria-invalid=body_invalid>{body}</textarea>
                </Field>
                <button type="submit" class="primary">"发布"</button>
            </form>
        </section>
    }
}

#[component]
fn StandardsForm(standards: LocalStandards, errors: Vec<(String, String)>) -> impl IntoView {
    let fields: [(&str, &str, u32); 5] = [
        ("dibao_urban_monthly", "城市低保标准（元/人/月）", standards.dibao_urban_monthly),
        ("dibao_rural_monthly", "农村低保标准（元/人/月）", standards.dibao_rural_monthly),
        (
            "disposable_income_urban_yearly",
            "上年城镇居民人均可支配收入（元/年）",
            standards.disposable_income_urban_yearly,
        ),
        (
            "disposable_income_rural_yearly",
            "上年农村居民人均可支配收入（元/年）",
            standards.disposable_income_rural_yearly,
        ),
        (
            "rigid_spending_share_percent",
            "刚性支出占家庭收入比例（%）",
            standards.rigid_spending_share_percent,
        ),
    ];
    let status = if standards.confirmed { "已核定" } else { "尚待核定（参考值）" };
    let code = standards.county_code.clone();
    view! {
        <form method="post" action={crate::routes::ADMIN_STANDARDS} class="question-form standards-form" novalidate>
            <h3>{format!("{}：{status}", standards.county_name)}</h3>
            <input type="hidden" name="county" value=code.clone()/>
            {fields
                .into_iter()
                .map(|(name, label, value)| {
                    let id = format!("{name}-{code}");
                    let error = errors.iter().find(|(f, _)| f == name).map(|(_, m)| m.clone());
                    let has_error = error.is_some();
                    view! {
                        <div class="field" class:has-error=has_error>
                            <label for=id.clone()>{label}</label>
                            {error.map(|e| view! { <p class="field-error">{e}</p> })}
                            <input id=id name=name value=value.to_string() inputmode="numeric" class="short"/>
                        </div>
                    }
                })
                .collect_view()}
            <button type="submit" class="primary">"核定"</button>
        </form>
    }
}

/// A guide page as the edit form shows it: stored text, or what a failed post typed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum GuideEditAccess {
    SignedOut,
    Forbidden,
    NotFound,
    Allowed { slug: String, title: String, summary: String, body: String, errors: Vec<(String, String)> },
}

#[server]
pub async fn load_guide_edit(slug: String, flash: String) -> Result<GuideEditAccess, ServerFnError> {
    let Some(staff) = crate::auth::current_staff().await else {
        return Ok(GuideEditAccess::SignedOut);
    };
    if !staff.is_administrator() {
        return Ok(GuideEditAccess::Forbidden);
    }
    let services = crate::services::services()?;
    let Some(page) = services.store.guide_page(&slug).await.map_err(|e| ServerFnError::new(e.to_string()))?
    else {
        return Ok(GuideEditAccess::NotFound);
    };
    let flash = services.flash.get(&flash).await;
    let typed = |field: &str, stored: String| flash.as_ref().map_or(stored, |f| f.value(field));
    Ok(GuideEditAccess::Allowed {
        slug,
        title: typed("title", page.title),
        summary: typed("summary", page.summary),
        body: typed("body", page.body_markdown),
        errors: flash.map(|f| f.errors).unwrap_or_default(),
    })
}

#[component]
pub fn GuideEditPage() -> impl IntoView {
    let slug = leptos_router::hooks::use_params_map().with_untracked(|p| p.get("slug").unwrap_or_default());
    let flash = use_query_map().with_untracked(|q| q.get("flash").unwrap_or_default());
    let redirect = SignInRedirect::capture();
    view! {
        <Title text="编辑政策指南"/>
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load_guide_edit(slug, flash).await {
                    Ok(GuideEditAccess::Allowed { slug, title, summary, body, errors }) => {
                        let error = |field: &str| errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone());
                        let (title_error, summary_error, body_error) = (error("title"), error("summary"), error("body"));
                        let body_has_error = body_error.is_some();
                        view! {
                            <p class="breadcrumb"><a href="/admin#guide">"系统管理"</a></p>
                            <h1>"编辑政策指南"</h1>
                            <p class="hint">"正文使用 Markdown：## 小标题，- 列表，**加粗**。不支持网页代码，输入的代码会原样显示为文字。"</p>
                            <form method="post" action={crate::routes::ADMIN_GUIDE} class="question-form" novalidate>
                                <input type="hidden" name="slug" value=slug/>
                                <TextField name="title" label="标题" value=title error=title_error/>
                                <TextField name="summary" label="一句话摘要" value=summary error=summary_error/>
                                <div class="field" class:has-error=body_has_error>
                                    <label for="body">"正文"</label>
                                    {body_error.map(|e| view! { <p class="field-error" id="body-error">{e}</p> })}
                                    <textarea id="body" name="body" rows="20">{body}</textarea>
                                </div>
                                <button type="submit" class="primary">"保存"</button>
                            </form>
                        }
                        .into_any()
                    }
                    Ok(GuideEditAccess::Forbidden) => view! { <h1>"无权访问"</h1> }.into_any(),
                    Ok(GuideEditAccess::NotFound) => view! { <crate::areas::not_found::NotFound/> }.into_any(),
                    _ => redirect.send(),
                }
            })}
        </Suspense>
    }
}
