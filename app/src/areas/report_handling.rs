//! 举报办理 for county reviewers (their county) and administrators (the city): the reports queue, where
//! reports about the same household arrive as one group, and the report page with the evidence, the
//! thread with the reporter, the link to a case and the outcome. Every view is audited; the forms post
//! to `server/src/web/reports.rs`, which checks the account again.

use crate::domain::report::ReportStatus;
use crate::forms::{query, ErrorSummary, Field, TextField};
use crate::suspense::deferred;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
fn failed(e: impl std::fmt::Display) -> ServerFnError {
    super::read_failed("reports", "暂时无法读取举报，请稍后再试", e)
}

/// Reports about one household (or one free-text subject) within the grouping period.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReportGroup {
    pub place: String,
    /// (id, filed on, suspicion, status)
    pub reports: Vec<(i64, String, String, String)>,
    pub open: bool,
}

/// The signed-in officer's reports queue; `None` when the account does not handle reports.
#[server(endpoint = "report-queue")]
pub async fn load_report_queue() -> Result<Option<Vec<ReportGroup>>, ServerFnError> {
    use crate::domain::calendar::Date;
    use crate::domain::staff::Role;
    let Some(staff) = crate::auth::current_staff().await else {
        return Err(ServerFnError::new("请先登录"));
    };
    let scope = match staff.role {
        Role::CountyReviewer => Some(staff.scope.as_str()),
        Role::Administrator => None,
        Role::TownshipReviewer | Role::DepartmentOfficer | Role::VillageWorker => return Ok(None),
    };
    let services = crate::services::services()?;
    let (store, divisions) = (services.store, services.divisions);
    let mut groups: Vec<(i64, ReportGroup)> = Vec::new();
    for r in store.reports(scope).await.map_err(failed)? {
        let row = (
            r.id,
            Date::today_in_china(r.created_at).chinese(),
            r.suspicion.label().to_string(),
            r.status.label().to_string(),
        );
        let open = r.status != ReportStatus::Concluded;
        match groups.iter_mut().find(|(id, _)| *id == r.group_id) {
            Some((_, group)) => {
                group.reports.push(row);
                group.open |= open;
            }
            None => groups.push((
                r.group_id,
                ReportGroup {
                    place: crate::store::place_name(&divisions, &r.township_code),
                    reports: vec![row],
                    open,
                },
            )),
        }
    }
    Ok(Some(groups.into_iter().map(|(_, g)| g).collect()))
}

#[component]
pub fn ReportQueuePage() -> impl IntoView {
    let redirect = super::review::SignInRedirect::capture();
    view! {
        <Title text="举报办理"/>
        <Meta name="robots" content="noindex"/>
        <p class="breadcrumb"><a href="/review">"返回审核工作台"</a></p>
        <h1>"举报办理"</h1>
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load_report_queue().await {
                    Ok(Some(groups)) if groups.is_empty() => view! { <p>"目前没有举报。"</p> }.into_any(),
                    Ok(Some(groups)) => view! { <ReportGroups groups/> }.into_any(),
                    Ok(None) => view! { <p>"举报由县（区）审核人员办理，您的岗位不办理举报。"</p> }.into_any(),
                    Err(_) => redirect.send(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReportGroups(groups: Vec<ReportGroup>) -> impl IntoView {
    groups
        .into_iter()
        .map(|group| {
            let count = group.reports.len();
            let heading = if count > 1 { format!("{} · 同一对象{}条举报", group.place, count) } else { group.place.clone() };
            let rows = group
                .reports
                .into_iter()
                .map(|(id, on, suspicion, status)| {
                    view! {
                        <li><a href=format!("/review/reports/{id}")>{format!("第{id}号 · {on} · {suspicion}")}</a>" · "{status}</li>
                    }
                })
                .collect_view();
            view! {
                <section class="report-group" class:closed=!group.open>
                    <h2>{heading}</h2>
                    <ul>{rows}</ul>
                </section>
            }
        })
        .collect_view()
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReportDetail {
    pub id: i64,
    pub place: String,
    pub filed_on: String,
    pub suspicion: String,
    pub status: ReportStatus,
    pub outcome: String,
    pub subject: String,
    pub picked: bool,
    pub description: String,
    pub contact: Option<String>,
    /// (file id, "照片（12KB）")
    pub files: Vec<(i64, String)>,
    /// (from the officer, date, text)
    pub messages: Vec<super::report::ThreadMessage>,
    /// Other reports of the same group: (id, filed on, suspicion).
    pub group: Vec<(i64, String, String)>,
    pub linked_reference: Option<String>,
    pub form: crate::forms::FormFeedback,
}

/// A report the officer handles, with what the reporter wrote; `None` for a report that does not
/// exist or lies in another county (both look the same). Every view is audited.
#[server(endpoint = "report-detail")]
pub async fn load_report(id: i64, flash: String) -> Result<Option<ReportDetail>, ServerFnError> {
    use crate::audit::AuditEvent;
    use crate::domain::calendar::Date;
    use crate::domain::report::ReportContent;
    let Some(staff) = crate::auth::current_staff().await else {
        return Err(ServerFnError::new("请先登录"));
    };
    let services = crate::services::services()?;
    let store = services.store.clone();
    let Some(report) = store.report(id).await.map_err(failed)? else { return Ok(None) };
    if !staff.may_handle_reports_in(&report.county_code) {
        return Ok(None);
    }
    let content: ReportContent = services.sealer.open(&report.sealed).map_err(failed)?;
    store
        .append_audit(&AuditEvent::at(
            services.now(),
            format!("staff:{}", staff.id),
            "report.viewed",
            format!("report:{id}"),
            "report shown",
        ))
        .await
        .map_err(failed)?;
    let place = crate::store::place_name(&services.divisions, &report.township_code);
    let files =
        store.report_files(id).await.map_err(failed)?.into_iter().map(|f| (f.id, f.describe())).collect();
    let messages = super::report::read_thread(&services, id).await.map_err(failed)?;
    let group = store
        .reports_in_group(report.group_id)
        .await
        .map_err(failed)?
        .into_iter()
        .filter(|r| r.id != id)
        .map(|r| (r.id, Date::today_in_china(r.created_at).chinese(), r.suspicion.label().to_string()))
        .collect();
    let linked_reference = match report.linked_application_id {
        Some(case) => store.application_by_id(case).await.map_err(failed)?.map(|c| c.reference),
        None => None,
    };
    let flash = services.flash.get(&flash).await.unwrap_or_default();
    Ok(Some(ReportDetail {
        id,
        place,
        filed_on: Date::today_in_china(report.created_at).chinese(),
        suspicion: report.suspicion.label().to_string(),
        status: report.status,
        outcome: report.outcome,
        subject: content.subject,
        picked: report.picked_entry.is_some(),
        description: content.description,
        contact: content.contact.map(|c| format!("{} {}", c.name, c.phone)),
        files,
        messages,
        group,
        linked_reference,
        form: flash,
    }))
}

#[component]
pub fn ReportHandlingPage() -> impl IntoView {
    let id = crate::forms::path_id();
    let flash = query("flash");
    let redirect = super::review::SignInRedirect::capture();
    view! {
        <Title text="举报详情"/>
        <Meta name="robots" content="noindex"/>
        <p class="breadcrumb"><a href="/review/reports">"返回举报办理"</a></p>
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load_report(id, flash).await {
                    Ok(Some(report)) => view! { <ReportFile report/> }.into_any(),
                    Ok(None) => view! { <h1>"没有这条举报"</h1><p>"编号不存在，或不属于您负责的范围。"</p> }.into_any(),
                    Err(_) => redirect.send(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReportFile(report: ReportDetail) -> impl IntoView {
    let id = report.id;
    let value = |f: &str, default: String| report.form.values.get(f).cloned().unwrap_or(default);
    let error = |f: &str| report.form.error(f);
    let status_value = value("status", report.status.key().to_string());
    let outcome = value("outcome", report.outcome.clone());
    let reference = value("reference", report.linked_reference.clone().unwrap_or_default());
    let body = value("body", String::new());
    let (status_error, outcome_error, reference_error, body_error) =
        (error("status"), error("outcome"), error("reference"), error("body"));
    let statuses = [ReportStatus::Received, ReportStatus::Verifying, ReportStatus::Concluded]
        .into_iter()
        .map(|s| view! { <option value=s.key() selected=status_value == s.key()>{s.label()}</option> })
        .collect_view();
    let files = report
        .files
        .iter()
        .map(|(file, label)| view! { <li><a href=format!("/review/reports/file/{file}") target="_blank" rel="noopener">{label.clone()}</a></li> })
        .collect_view();
    let has_files = !report.files.is_empty();
    let messages = report.messages.clone();
    let group = report
        .group
        .iter()
        .map(|(other, on, suspicion)| view! { <li><a href=format!("/review/reports/{other}")>{format!("第{other}号 · {on} · {suspicion}")}</a></li> })
        .collect_view();
    let grouped = !report.group.is_empty();
    view! {
        <h1>{format!("举报 第{id}号")}</h1>
        <dl class="summary">
            <dt>"地点"</dt><dd>{report.place.clone()}</dd>
            <dt>"举报日期"</dt><dd>{report.filed_on.clone()}</dd>
            <dt>"被举报对象"</dt><dd>{report.subject.clone()}{report.picked.then_some("（从公示/名单选择）")}</dd>
            <dt>"反映的问题"</dt><dd>{report.suspicion.clone()}</dd>
            <dt>"办理状态"</dt><dd>{report.status.label()}</dd>
            <dt>"举报人"</dt><dd>{report.contact.clone().unwrap_or_else(|| "匿名".to_string())}</dd>
            <dt>"关联案件"</dt><dd>{report.linked_reference.clone().unwrap_or_else(|| "未关联".to_string())}</dd>
        </dl>
        <h2>"具体情况"</h2>
        <p class="report-description">{report.description.clone()}</p>
        {has_files.then(|| view! { <h2>"材料"</h2><ul>{files}</ul> })}
        {grouped.then(|| view! { <h2>"同一对象的其他举报"</h2><ul>{group}</ul> })}
        <h2>"与举报人的留言"</h2>
        <super::report::MessageThread messages reporter="举报人"/>
        <ErrorSummary errors=report.form.errors.clone()/>
        <form method="post" action=format!("/review/reports/{id}/message") class="question-form" novalidate>
            <Field name="body" label="向举报人提问" hint="举报人凭回执码查看并回答，不会收到短信" error=body_error>
                <textarea id="body" name="body" rows="3" maxlength="2000">{body}</textarea>
            </Field>
            <button type="submit" class="secondary">"发送问题"</button>
        </form>
        <form method="post" action=format!("/review/reports/{id}/update") class="question-form" novalidate>
            <h2>"办理"</h2>
            <Field name="status" label="办理状态" error=status_error>
                <select id="status" name="status">{statuses}</select>
            </Field>
            <TextField name="reference" label="关联案件编号（可以不填）" hint="关联后，县级工作人员在案件页面会看到举报提示" value=reference error=reference_error/>
            <Field name="outcome" label="处理结果（办结时告知举报人，不写个人信息）" error=outcome_error>
                <textarea id="outcome" name="outcome" rows="3" maxlength="500">{outcome}</textarea>
            </Field>
            <button type="submit" class="primary">"保存"</button>
        </form>
    }
}
