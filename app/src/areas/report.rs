//! 举报监督: the hotlines, the report form (anonymous by default), the receipt code shown once and typed
//! back, and the reporter's page behind the receipt (status, questions and answers, more evidence).
//! Forms post to `server/src/web/reports.rs`. Every page of the flow is `no-store` and `noindex` and
//! carries a "leave now" link that needs no JavaScript.

use crate::domain::region::{County, Hotline, Township};
use crate::domain::report::Suspicion;
use crate::forms::{
    query, township_options, Choice, ErrorSummary, Field, FileField, IslandScripts, TextField,
};
use crate::suspense::deferred;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use serde::{Deserialize, Serialize};

/// Where "leave now" goes: an ordinary, neutral page.
pub const EXIT_URL: &str = "https://www.weather.com.cn/";

#[cfg(feature = "ssr")]
fn failed(e: impl std::fmt::Display) -> ServerFnError {
    super::read_failed("report", "暂时无法打开举报页面，请稍后再试或拨打举报电话", e)
}

/// The "leave now" control and the page's robots rule, at the top of every page of the flow.
#[component]
fn Protected(title: &'static str) -> impl IntoView {
    view! {
        <Title text=title/>
        <Meta name="robots" content="noindex, nofollow"/>
        <p class="exit-bar">
            <a class="exit-link" href=EXIT_URL rel="noreferrer">"快速离开"</a>
            <span class="hint">"点击后立即打开天气网页"</span>
        </p>
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ReportFormData {
    pub divisions: Vec<(County, Vec<Township>)>,
    pub hotlines: Vec<Hotline>,
    /// The public entry picked as the subject: its id and how it is shown.
    pub entry: Option<(i64, String)>,
    pub form: crate::forms::FormFeedback,
}

#[server(endpoint = "report-form")]
pub async fn load_report_form(entry: Option<i64>, flash: String) -> Result<ReportFormData, ServerFnError> {
    use crate::domain::calendar::Date;
    let services = crate::services::services()?;
    let store = services.store.clone();
    let divisions = services.divisions.to_vec();
    let hotlines = store.hotlines().await.map_err(failed)?;
    let today = Date::today_in_china(services.now());
    let entry = match entry {
        Some(id) => store.public_entry(id, today).await.map_err(failed)?.map(|e| {
            let township = crate::store::place_name(&divisions, &e.township_code);
            (id, format!("{} · {}{} · {}人户", e.head_name_masked, township, e.village, e.household_size))
        }),
        None => None,
    };
    let flash = services.flash.get(&flash).await.unwrap_or_default();
    Ok(ReportFormData { divisions, hotlines, entry, form: flash })
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let entry = query("entry").parse::<i64>().ok();
    let flash = query("flash");
    view! {
        <Protected title="举报监督"/>
        <h1>"举报骗取救助等问题"</h1>
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load_report_form(entry, flash).await {
                    Ok(data) => view! { <ReportForm data/> }.into_any(),
                    Err(e) => view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReportForm(data: ReportFormData) -> impl IntoView {
    let value = |f: &str| data.form.value(f);
    let error = |f: &str| data.form.error(f);
    let (township, subject, suspicion, description) =
        (value("township"), value("subject"), value("suspicion"), value("description"));
    let (contact_name, contact_phone) = (value("contact_name"), value("contact_phone"));
    let (township_error, subject_error, suspicion_error) =
        (error("township"), error("subject"), error("suspicion"));
    let (description_error, evidence_error) = (error("description"), error("evidence"));
    let (name_error, phone_error) = (error("contact_name"), error("contact_phone"));
    let description_invalid = description_error.as_ref().map(|_| "true");
    let township_invalid = township_error.as_ref().map(|_| "true");
    let options: Vec<(&'static str, &'static str)> =
        Suspicion::ALL.iter().map(|s| (s.key(), s.label())).collect();
    let hotlines = data
        .hotlines
        .iter()
        .map(|h| {
            view! { <li>{h.label.clone()}": "<a href=h.tel_href()>{h.number.clone()}</a></li> }
        })
        .collect_view();
    let subject_part = match data.entry.clone() {
        Some((id, shown)) => view! {
            <input type="hidden" name="entry" value=id.to_string()/>
            <div class="field">
                <p class="label">"被举报的家庭（来自公示或救助名单）"</p>
                <p class="picked-entry">{shown}</p>
                <p class="hint"><a href={crate::routes::REPORT}>"不是这户？改为自己填写"</a></p>
            </div>
        }
        .into_any(),
        None => view! {
            <Field name="township" label="被举报对象所在乡镇（街道）" error=township_error>
                <select id="township" name="township" aria-invalid=township_invalid>
                    <option value="">"请选择"</option>
                    {township_options(&data.divisions, &township)}
                </select>
            </Field>
            <TextField name="subject" label="被举报对象" hint="例如：某村某组 姓名；举报工作人员请写明单位和姓名" value=subject error=subject_error/>
        }
        .into_any(),
    };
    view! {
        <section class="hotlines-first">
            <h2>"电话举报"</h2>
            <ul class="hotline-list">{hotlines}</ul>
        </section>
        <section>
            <h2>"网上举报"</h2>
            <p>"默认匿名。我们不记录您的网络地址和手机型号；被举报的家庭看不到任何举报内容。"</p>
            <p><a href={crate::routes::REPORT_CHECK}>"已经举报过？用回执码查看进展"</a></p>
            <ErrorSummary errors=data.form.errors.clone()/>
            <form method="post" action={crate::routes::REPORT} enctype="multipart/form-data" class="question-form" novalidate>
                {subject_part}
                <Choice name="suspicion" legend="反映什么问题" value=suspicion options error=suspicion_error/>
                <Field name="description" label="具体情况" hint="写明发现了什么、什么时候、在哪里，越具体越便于核实" error=description_error>
                    <textarea id="description" name="description" rows="6" maxlength="3000" aria-invalid=description_invalid>{description}</textarea>
                </Field>
                <FileField name="evidence" label="照片或材料（可以不传）" hint="照片或 PDF，最多3个，每个不超过5MB。照片里的拍摄位置、手机型号等信息会自动去除。" error=evidence_error/>
                <IslandScripts/>
                <fieldset class="field">
                    <legend>"联系方式（可以不填，匿名举报）"</legend>
                    <p class="hint">"留下联系方式，核实时工作人员可能联系您。只有办理举报的工作人员能看到。"</p>
                    <TextField name="contact_name" label="姓名" value=contact_name error=name_error autocomplete="name"/>
                    <TextField name="contact_phone" label="手机号码" value=contact_phone error=phone_error input_mode="tel" autocomplete="tel"/>
                </fieldset>
                <div class="trap" aria-hidden="true">
                    <label for="website">"网站（请留空）"</label>
                    <input id="website" name="website" tabindex="-1" autocomplete="off"/>
                </div>
                <p class="hint">"请如实反映情况。故意捏造事实诬告他人，要承担法律责任。"</p>
                <button type="submit" class="primary">"提交举报"</button>
            </form>
        </section>
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ReceiptData {
    pub receipt: Option<String>,
    pub error: Option<String>,
}

#[server(endpoint = "report-receipt")]
pub async fn load_receipt(flash: String) -> Result<ReceiptData, ServerFnError> {
    let flash = crate::services::services()?.flash.get(&flash).await.unwrap_or_default();
    Ok(ReceiptData { receipt: flash.values.get("receipt").cloned(), error: flash.error("typed") })
}

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let flash = query("flash");
    view! {
        <Protected title="举报回执码"/>
        <Suspense fallback=|| ()>
            {deferred(async move {
                let data = load_receipt(flash).await.unwrap_or_default();
                let Some(receipt) = data.receipt else {
                    return view! {
                        <h1>"回执码已不再显示"</h1>
                        <p>"为保护您，回执码只显示一次。如已记下，可以"<a href={crate::routes::REPORT_CHECK}>"用回执码查看进展"</a>"。"</p>
                    }
                    .into_any();
                };
                let invalid = data.error.as_ref().map(|_| "true");
                view! {
                    <h1>"举报已收到"</h1>
                    <p>"这是您的回执码。请抄写在纸上或拍照保存："</p>
                    <p class="receipt-code" id="receipt">{receipt.clone()}</p>
                    <p class="hint">"回执码只显示这一次，丢失后无法找回。凭它查看办理进展、回答工作人员的问题。不要告诉别人。"</p>
                    <form method="post" action={crate::routes::REPORT_CONFIRM} class="question-form" novalidate>
                        <input type="hidden" name="shown" value=receipt/>
                        <Field name="typed" label="请再输入一遍回执码，确认已经记下" error=data.error>
                            <input id="typed" name="receipt" autocomplete="off" autocapitalize="characters" aria-invalid=invalid/>
                        </Field>
                        <button type="submit" class="primary">"确认已记下"</button>
                    </form>
                }
                .into_any()
            })}
        </Suspense>
    }
}

#[server(endpoint = "report-check")]
pub async fn load_check_errors(flash: String) -> Result<Vec<(String, String)>, ServerFnError> {
    Ok(crate::services::services()?.flash.get(&flash).await.unwrap_or_default().errors)
}

#[component]
pub fn CheckPage() -> impl IntoView {
    let flash = query("flash");
    view! {
        <Protected title="查看举报进展"/>
        <h1>"查看举报进展"</h1>
        <Suspense fallback=|| ()>
            {deferred(async move {
                let errors = load_check_errors(flash).await.unwrap_or_default();
                let error = errors.iter().find(|(f, _)| f == "receipt").map(|(_, m)| m.clone());
                view! {
                    <ErrorSummary errors=errors.clone()/>
                    <form method="post" action={crate::routes::REPORT_CHECK} class="question-form" novalidate>
                        <Field name="receipt" label="回执码" hint=RECEIPT_HINT error=error>
                            <input id="receipt" name="receipt" autocomplete="off" autocapitalize="characters"/>
                        </Field>
                        <button type="submit" class="primary">"查看"</button>
                    </form>
                }
            })}
        </Suspense>
    }
}

const RECEIPT_HINT: &str = "举报时得到的20位字母数字，短横线可以不输";

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ReportView {
    pub filed_on: String,
    pub suspicion: String,
    pub status: String,
    pub concluded: bool,
    pub outcome: String,
    /// (from the officer, date, text)
    pub messages: Vec<ThreadMessage>,
    pub files: usize,
    pub form: crate::forms::FormFeedback,
}

/// The report whose receipt this browser proved in the last minutes; `None` otherwise.
#[server(endpoint = "report-view")]
pub async fn load_report_view(flash: String) -> Result<Option<ReportView>, ServerFnError> {
    use crate::domain::calendar::Date;
    let Some(access) = crate::auth::current_report_access() else { return Ok(None) };
    let services = crate::services::services()?;
    let store = services.store.clone();
    let Some(report) = store.report(access.report).await.map_err(failed)? else { return Ok(None) };
    let messages = read_thread(&services, report.id).await.map_err(failed)?;
    let files = store.report_files(report.id).await.map_err(failed)?.len();
    let flash = services.flash.get(&flash).await.unwrap_or_default();
    Ok(Some(ReportView {
        filed_on: Date::today_in_china(report.created_at).chinese(),
        suspicion: report.suspicion.label().to_string(),
        status: report.status.label().to_string(),
        concluded: report.status == crate::domain::report::ReportStatus::Concluded,
        outcome: report.outcome,
        messages,
        files,
        form: flash,
    }))
}

#[component]
pub fn ReportViewPage() -> impl IntoView {
    let flash = query("flash");
    let sent = query("sent") == "1";
    view! {
        <Protected title="举报进展"/>
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load_report_view(flash).await.ok().flatten() {
                    Some(report) => view! { <ReportDetails report sent/> }.into_any(),
                    None => view! {
                        <h1>"请先输入回执码"</h1>
                        <p><a href={crate::routes::REPORT_CHECK}>"用回执码查看举报进展"</a></p>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// One message between the officer and the reporter, opened for display.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ThreadMessage {
    pub from_officer: bool,
    pub on: String,
    pub text: String,
}

/// A report's messages, opened, oldest first.
#[cfg(feature = "ssr")]
pub(crate) async fn read_thread(
    services: &crate::services::Services,
    report_id: i64,
) -> Result<Vec<ThreadMessage>, crate::store::StoreError> {
    let messages = services.store.report_messages(report_id).await?;
    Ok(messages
        .into_iter()
        .map(|m| ThreadMessage {
            from_officer: m.from_officer,
            on: crate::domain::calendar::Date::today_in_china(m.at).chinese(),
            text: services.sealer.open(&m.body_sealed).unwrap_or_default(),
        })
        .collect())
}

/// The thread as both sides see it; `reporter` names the other side ("您" or "举报人").
#[component]
pub(crate) fn MessageThread(messages: Vec<ThreadMessage>, reporter: &'static str) -> impl IntoView {
    view! {
        <ol class="messages">
            {messages.into_iter().map(|m| {
                let who = if m.from_officer { "工作人员" } else { reporter };
                let class = if m.from_officer { "message from-officer" } else { "message from-reporter" };
                view! { <li class=class><p class="meta">{format!("{who} · {}", m.on)}</p><p>{m.text}</p></li> }
            }).collect_view()}
        </ol>
    }
}

#[component]
fn ReportDetails(report: ReportView, sent: bool) -> impl IntoView {
    let body_error = report.form.error("body");
    let evidence_error = report.form.error("evidence");
    let body = report.form.value("body");
    let waiting = report.messages.last().is_some_and(|m| m.from_officer);
    let has_messages = !report.messages.is_empty();
    let messages = report.messages.clone();
    view! {
        <h1>"举报进展"</h1>
        {sent.then(|| view! { <p class="notice" role="status">"已发送。"</p> })}
        <dl class="summary">
            <dt>"举报日期"</dt><dd>{report.filed_on.clone()}</dd>
            <dt>"反映的问题"</dt><dd>{report.suspicion.clone()}</dd>
            <dt>"办理状态"</dt><dd id="report-status">{report.status.clone()}</dd>
            <dt>"上传的材料"</dt><dd>{format!("{}个", report.files)}</dd>
        </dl>
        {report.concluded.then(|| view! { <h2>"处理结果"</h2><p id="report-outcome">{report.outcome.clone()}</p> })}
        {waiting.then(|| view! { <p class="notice" role="status">"工作人员向您提了问题，请在下方回答。"</p> })}
        {has_messages.then(|| view! { <h2>"留言"</h2><MessageThread messages reporter="您"/> })}
        <ErrorSummary errors=report.form.errors.clone()/>
        <form method="post" action={crate::routes::REPORT_REPLY} enctype="multipart/form-data" class="question-form" novalidate>
            <Field name="body" label="回答或补充情况" error=body_error>
                <textarea id="body" name="body" rows="4" maxlength="2000">{body}</textarea>
            </Field>
            <FileField name="evidence" label="补充照片或材料（可以不传）" hint=EVIDENCE_HINT error=evidence_error/>
            <IslandScripts/>
            <button type="submit" class="primary">"发送"</button>
        </form>
        <form method="post" action={crate::routes::REPORT_LEAVE}>
            <button type="submit" class="secondary">"退出（共用手机请务必退出）"</button>
        </form>
    }
}

const EVIDENCE_HINT: &str = "照片或 PDF，每个不超过5MB。照片里的拍摄位置等信息会自动去除。";
