//! 公示公告: the notices on public display, by county and township, and the objection form. These pages
//! read only the notice records written at publication (masked there by the server's one masking
//! module), so unmasked data cannot reach them. Every page is `noindex`. The objection form posts to
//! `server/src/web/notices.rs`.

use crate::domain::region::{County, Township};
use crate::forms::{query, township_options, ErrorSummary, Field, FileField, IslandScripts, TextField};
use crate::paging::{encode, PageLinks, Pager};
use crate::suspense::deferred;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use serde::{Deserialize, Serialize};

/// A notice entry as the public sees it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PublicEntry {
    pub id: i64,
    pub head_name_masked: String,
    pub place: String,
    pub household_size: u32,
    pub types: String,
    /// "每月 640 元" or "一次性 2000 元".
    pub amount: String,
    pub period: String,
    pub days_left: i64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct NoticeList {
    pub divisions: Vec<(County, Vec<Township>)>,
    pub entries: Vec<PublicEntry>,
    /// Entries on display in the chosen area, on every page.
    pub total: u64,
    pub page: u32,
}

/// Entries per page of the notice list: the city-wide list has thousands in a busy week.
pub const NOTICES_PER_PAGE: u32 = 50;

/// Which notices to show: one entry by id, or a page of an area's entries.
#[cfg(feature = "ssr")]
enum Wanted<'a> {
    Entry(i64),
    Page { county: Option<&'a str>, township: Option<&'a str>, page: crate::store::Page },
}

#[cfg(feature = "ssr")]
async fn public_entries(
    wanted: Wanted<'_>,
) -> Result<(Vec<(County, Vec<Township>)>, Vec<PublicEntry>, u64), ServerFnError> {
    use crate::domain::calendar::Date;
    use crate::domain::notice::days_left;
    let services = crate::services::services()?;
    let store = services.store.clone();
    let failed =
        |e: crate::store::StoreError| super::read_failed("notices", "暂时无法读取公示，请稍后再试", e);
    let divisions = services.divisions.to_vec();
    let today = Date::today_in_china(services.now());
    let (notices, total) = match wanted {
        Wanted::Entry(id) => {
            let entry: Vec<_> = store.current_notice(id, today).await.map_err(failed)?.into_iter().collect();
            let total = entry.len() as u64;
            (entry, total)
        }
        Wanted::Page { county, township, page } => {
            store.current_notices(today, county, township, page).await.map_err(failed)?
        }
    };
    let entries = notices
        .into_iter()
        .map(|n| PublicEntry {
            id: n.application_id,
            head_name_masked: n.head_name_masked,
            place: format!("{} {}", crate::store::place_name(&divisions, &n.township_code), n.village),
            household_size: n.household_size,
            types: n.types.iter().map(|t| t.label()).collect::<Vec<_>>().join("、"),
            amount: crate::domain::register::principal_category(&n.types)
                .grant()
                .describe(Some(n.monthly_amount)),
            period: format!("{} 至 {}", n.published_from.chinese(), n.published_until.chinese()),
            days_left: days_left(n.published_until, today),
        })
        .collect();
    Ok((divisions, entries, total))
}

/// A fixed address, so that tests (and anyone) can see exactly what the public API returns.
#[server(endpoint = "public-notices")]
pub async fn load_notices(county: String, township: String, page: u32) -> Result<NoticeList, ServerFnError> {
    let filter = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let (county, township) = (filter(&county), filter(&township));
    let page = page.max(1);
    let rows = crate::store::Page::numbered(page, NOTICES_PER_PAGE);
    let wanted = Wanted::Page { county: county.as_deref(), township: township.as_deref(), page: rows };
    let (divisions, entries, total) = public_entries(wanted).await?;
    Ok(NoticeList { divisions, entries, total, page })
}

#[component]
pub fn NoticesPage() -> impl IntoView {
    let (county, township) = (query("county"), query("township"));
    let page = query("page").parse::<u32>().unwrap_or(1).max(1);
    view! {
        <Title text="公示公告"/>
        <Meta name="robots" content="noindex, nofollow"/>
        <h1>"救助对象公示"</h1>
        <p><a href="/notices/recipients">"查看各乡镇（街道）正在享受救助的家庭名单"</a></p>
        <p>"以下是正在公示的拟救助家庭。只公示正在获得救助的家庭，姓名隐去一部分，不公开身份证号、电话、收入明细和健康情况。对公示对象有不同意见的，可以在公示期内提出异议，可以匿名。"</p>
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load_notices(county.clone(), township.clone(), page).await {
                    Ok(list) => {
                        let (c, t) = (encode(&county), encode(&township));
                        let link = move |p: u64| format!("/notices?county={c}&township={t}&page={p}");
                        let pages = PageLinks::new(list.total, list.page, NOTICES_PER_PAGE, link);
                        view! { <NoticeFilter list=list.clone() county township/><NoticeEntries entries=list.entries pages/> }.into_any()
                    }
                    Err(e) => view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NoticeFilter(list: NoticeList, county: String, township: String) -> impl IntoView {
    view! {
        <form method="get" action="/notices" class="filters">
            <label for="county">"县区"</label>
            <select id="county" name="county">
                <option value="">"全市"</option>
                {list.divisions.iter().map(|(c, _)| view! { <option value=c.code.clone() selected=c.code == county>{c.name.clone()}</option> }).collect_view()}
            </select>
            <label for="township">"乡镇（街道）"</label>
            <select id="township" name="township">
                <option value="">"全部"</option>
                {township_options(&list.divisions, &township)}
            </select>
            <button type="submit" class="secondary">"查看"</button>
        </form>
    }
}

#[component]
fn NoticeEntries(entries: Vec<PublicEntry>, pages: PageLinks) -> impl IntoView {
    if pages.total == 0 {
        return view! { <p class="notice">"所选范围内目前没有正在公示的家庭。"</p> }.into_any();
    }
    view! {
        <p>{format!("共 {} 户正在公示，第 {} / {} 页", pages.total, pages.page, pages.count)}</p>
        <ul class="notice-list">
            {entries.into_iter().map(|e| view! { <li><EntryCard entry=e.clone()/><p class="entry-links"><a href=format!("/notices/{}/objection", e.id)>"我有异议"</a>" "<a href=format!("/report?entry={}", e.id)>"举报"</a></p></li> }).collect_view()}
        </ul>
        <Pager pages/>
    }
    .into_any()
}

#[component]
fn EntryCard(entry: PublicEntry) -> impl IntoView {
    view! {
        <dl class="answers">
            <dt>"户主"</dt><dd><strong>{entry.head_name_masked}</strong></dd>
            <dt>"村（社区）"</dt><dd>{entry.place}</dd>
            <dt>"家庭人口"</dt><dd>{format!("{}人", entry.household_size)}</dd>
            <dt>"救助类型"</dt><dd>{entry.types}</dd>
            <dt>"拟救助金额"</dt><dd>{entry.amount}</dd>
            <dt>"公示期"</dt><dd>{format!("{}（还剩{}天）", entry.period, entry.days_left)}</dd>
        </dl>
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ObjectionPage {
    pub entry: Option<PublicEntry>,
    pub form: crate::forms::FormFeedback,
}

#[server(endpoint = "public-notice")]
pub async fn load_objection_page(id: i64, flash: String) -> Result<ObjectionPage, ServerFnError> {
    let flash = crate::services::services()?.flash.get(&flash).await.unwrap_or_default();
    let (_, entries, _) = public_entries(Wanted::Entry(id)).await?;
    Ok(ObjectionPage { entry: entries.into_iter().next(), form: flash })
}

#[component]
pub fn ObjectionFormPage() -> impl IntoView {
    let id = crate::forms::path_id();
    let flash = query("flash");
    view! {
        <Title text="提出异议"/>
        <Meta name="robots" content="noindex, nofollow"/>
        <p class="breadcrumb"><a href="/notices">"返回公示"</a></p>
        <h1>"对公示提出异议"</h1>
        <Suspense fallback=|| ()>
            {deferred(async move {
                let page = load_objection_page(id, flash).await.unwrap_or_default();
                let Some(entry) = page.entry.clone() else {
                    return view! { <p>"这条公示不存在或公示期已结束。"</p> }.into_any();
                };
                let value = |f: &str| page.form.value(f);
                let error = |f: &str| page.form.error(f);
                let (reason, contact_name, contact_phone) = (value("reason"), value("contact_name"), value("contact_phone"));
                let (name_error, phone_error) = (error("contact_name"), error("contact_phone"));
                let reason_error = error("reason");
                let evidence_error = error("evidence");
                let reason_invalid = reason_error.is_some().then_some("true");
                view! {
                    <EntryCard entry/>
                    <ErrorSummary errors=page.form.errors.clone()/>
                    <form method="post" action=format!("/notices/{id}/objection") enctype="multipart/form-data" class="question-form" novalidate>
                        <Field name="reason" label="异议内容" hint="请写明具体情况，例如：家里有没有申报的收入、住房、车辆，或家庭人口不实" error=reason_error>
                            <textarea id="reason" name="reason" rows="5" maxlength="2000" aria-invalid=reason_invalid>{reason}</textarea>
                        </Field>
                        <FileField name="evidence" label="证据照片或材料（可以不传）" hint="照片或 PDF，最多3个，每个不超过5MB。照片里的拍摄位置等信息会自动去除。" error=evidence_error/>
                        <IslandScripts/>
                        <fieldset class="field">
                            <legend>"联系方式（可以不填，匿名提出）"</legend>
                            <p class="hint">"留下联系方式，工作人员核实时可能联系您。您的信息只有工作人员可见，不会告诉被公示的家庭。"</p>
                            <TextField name="contact_name" label="姓名" value=contact_name error=name_error autocomplete="name"/>
                            <TextField name="contact_phone" label="手机号码" value=contact_phone error=phone_error input_mode="tel" autocomplete="tel"/>
                        </fieldset>
                        <button type="submit" class="primary">"提交异议"</button>
                    </form>
                }
                .into_any()
            })}
        </Suspense>
    }
}

#[server]
pub async fn load_objection_receipt(flash: String) -> Result<Option<String>, ServerFnError> {
    let flash = crate::services::services()?.flash.get(&flash).await;
    Ok(flash.and_then(|f| f.values.get("receipt").cloned()))
}

#[component]
pub fn ObjectionDonePage() -> impl IntoView {
    let flash = query("flash");
    view! {
        <Title text="异议已提交"/>
        <Meta name="robots" content="noindex, nofollow"/>
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load_objection_receipt(flash).await.ok().flatten() {
                    Some(receipt) => view! {
                        <h1>"异议已提交"</h1>
                        <p>"乡镇（街道）会重新调查核实。请记下回执码，需要补充情况时向工作人员出示："</p>
                        <p class="reference" id="receipt">{receipt}</p>
                        <p><a href="/notices">"返回公示"</a></p>
                    }
                    .into_any(),
                    None => view! { <h1>"回执已过期"</h1><p><a href="/notices">"返回公示"</a></p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Rows per page of the recipient list.
pub const RECIPIENTS_PER_PAGE: u32 = 20;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RecipientList {
    pub divisions: Vec<(County, Vec<Township>)>,
    /// (entry id, masked name, village, household size, types, what is paid each month)
    pub rows: Vec<(i64, String, String, u32, String, String)>,
    pub total: u64,
    pub page: u32,
}

/// One township's current recipients, masked; paginated and rate limited per IP address (see
/// `server/src/web/rate_limit.rs`), so that the list cannot be copied in bulk.
#[server(endpoint = "public-recipients")]
pub async fn load_recipients(
    township: String,
    village: String,
    name: String,
    kind: String,
    page: u32,
) -> Result<RecipientList, ServerFnError> {
    let services = crate::services::services()?;
    let store = services.store.clone();
    let failed =
        |e: crate::store::StoreError| super::read_failed("recipients", "暂时无法读取名单，请稍后再试", e);
    let divisions = services.divisions.to_vec();
    if township.is_empty() {
        return Ok(RecipientList { divisions, ..RecipientList::default() });
    }
    let page = page.max(1);
    let today = crate::domain::calendar::Date::today_in_china(services.now());
    let query = crate::store::RecipientQuery {
        today,
        township_code: township,
        village: village.trim().chars().take(30).collect(),
        masked_name: name.trim().chars().take(30).collect(),
        kind,
        offset: (page - 1).saturating_mul(RECIPIENTS_PER_PAGE),
        limit: RECIPIENTS_PER_PAGE,
    };
    let (entries, total) = store.recipients(&query).await.map_err(failed)?;
    let rows = entries
        .into_iter()
        .map(|recipient| {
            let n = recipient.entry;
            let types = n.types.iter().map(|t| t.label()).collect::<Vec<_>>().join("、");
            let paid = match recipient.phase_out_until {
                Some(until) => format!("{} 元（渐退中，发放至{}）", n.monthly_amount, until.chinese()),
                None => format!("{} 元", n.monthly_amount),
            };
            (n.application_id, n.head_name_masked, n.village, n.household_size, types, paid)
        })
        .collect();
    Ok(RecipientList { divisions, rows, total, page })
}

#[component]
pub fn RecipientsPage() -> impl IntoView {
    let (township, village, name, kind) = (query("township"), query("village"), query("name"), query("type"));
    let page = query("page").parse::<u32>().unwrap_or(1).max(1);
    view! {
        <Title text="救助对象名单"/>
        <Meta name="robots" content="noindex, nofollow"/>
        <p class="breadcrumb"><a href="/notices">"公示公告"</a></p>
        <h1>"救助对象名单"</h1>
        <p>"按月领取低保、特困供养救助金的家庭（含渐退期内的家庭），按乡镇（街道）查看。一次性临时救助和低保边缘、刚性支出困难家庭的认定不列入。姓名隐去一部分，不公开身份证号、电话和收入明细。"</p>
        <Suspense fallback=|| ()>
            {deferred(async move {
                let list = match load_recipients(township.clone(), village.clone(), name.clone(), kind.clone(), page).await {
                    Ok(list) => list,
                    Err(e) => return view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
                };
                let (t, v, n, k) = (encode(&township), encode(&village), encode(&name), encode(&kind));
                let link = |p: u64| format!("/notices/recipients?township={t}&village={v}&name={n}&type={k}&page={p}");
                let pages = PageLinks::new(list.total, list.page, RECIPIENTS_PER_PAGE, link);
                view! {
                    <form method="get" action="/notices/recipients" class="filters">
                        <label for="township">"乡镇（街道）"</label>
                        <select id="township" name="township">
                            <option value="">"请选择"</option>
                            {township_options(&list.divisions, &township)}
                        </select>
                        <label for="village">"村（社区）"</label>
                        <input id="village" name="village" value=village.clone() maxlength="30"/>
                        <label for="name">"户主（如 张*三）"</label>
                        <input id="name" name="name" value=name.clone() maxlength="30"/>
                        <input type="hidden" name="type" value=kind.clone()/>
                        <button type="submit" class="secondary">"查询"</button>
                    </form>
                    {if township.is_empty() {
                        view! { <p class="notice">"请先选择乡镇（街道）。"</p> }.into_any()
                    } else {
                        view! {
                            <p>{format!("共 {} 户，第 {} / {} 页", pages.total, pages.page, pages.count)}</p>
                            <div class="table-scroll"><table class="queue">
                                <thead><tr><th>"户主"</th><th>"村（社区）"</th><th>"人口"</th><th>"救助类型"</th><th>"每月金额"</th><th></th></tr></thead>
                                <tbody>
                                    {list.rows.into_iter().map(|(id, masked, village, size, types, amount)| view! {
                                        <tr><td>{masked}</td><td>{village}</td><td>{size}</td><td>{types}</td><td>{amount}</td><td><a href=format!("/report?entry={id}")>"举报"</a></td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                            <Pager pages/>
                        }
                        .into_any()
                    }}
                }
                .into_any()
            })}
        </Suspense>
    }
}
