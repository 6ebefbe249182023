//! 监测对象名册 and 户档案: the register's households a village worker, township or county may open, newest
//! first, and each household's file: its members, warnings and their outcomes, visits with photos, what
//! departments sent and where it was referred. `features::households` holds the rules and audits views.

use crate::forms::query;
use crate::suspense::deferred;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RegisterRow {
    pub id: i64,
    pub village: String,
    pub members: String,
    pub category: String,
    pub source: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum RegisterView {
    /// A county reviewer chooses one of their townships: (code, name).
    ChooseTownship(Vec<(String, String)>),
    Page {
        place: String,
        township: String,
        rows: Vec<RegisterRow>,
        next_before: Option<i64>,
    },
}

#[server]
pub async fn load_register(township: String, before: i64) -> Result<Option<RegisterView>, ServerFnError> {
    use crate::features::households::{register_page, register_scope, source_label, REGISTER_PAGE_SIZE};
    let staff = crate::auth::current_staff().await.ok_or_else(|| ServerFnError::new("请先登录"))?;
    let services = crate::services::services()?;
    let Ok(scope) = register_scope(&staff, &township) else { return Ok(None) };
    let Some(scope) = scope else {
        let townships = services.divisions.iter().filter(|(county, _)| county.code == staff.scope);
        let choices = townships.flat_map(|(_, ts)| ts.iter().map(|t| (t.code.clone(), t.name.clone())));
        return Ok(Some(RegisterView::ChooseTownship(choices.collect())));
    };
    let before = if before > 0 { before } else { i64::MAX };
    let now = services.now();
    let lines = register_page(&services, &staff, &scope, before, now)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    let full = lines.len() == REGISTER_PAGE_SIZE as usize;
    let next_before = lines.last().filter(|_| full).map(|line| line.household.id);
    let rows = lines
        .into_iter()
        .map(|line| RegisterRow {
            id: line.household.id,
            village: line.household.village.clone(),
            members: line.members_summary(),
            category: line.category_label().to_string(),
            source: source_label(&line.household.source),
        })
        .collect();
    let place = crate::store::place_name(&services.divisions, &scope.township_code);
    let place = if scope.village.is_empty() { place } else { format!("{place} {}", scope.village) };
    let township =
        if staff.role == crate::domain::staff::Role::CountyReviewer { township } else { String::new() };
    Ok(Some(RegisterView::Page { place, township, rows, next_before }))
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let township = query("township");
    let before = query("before").parse::<i64>().unwrap_or(0);
    let redirect = super::review::SignInRedirect::capture();
    let status = crate::forms::ResponseStatus::capture();
    view! {
        <Title text="监测对象名册"/>
        <Meta name="robots" content="noindex"/>
        <p class="breadcrumb"><a href="/review">"返回工作台"</a></p>
        <h1>"监测对象名册"</h1>
        <p>"纳入低收入人口动态监测的家庭，最近纳入的在前。每次查看都会记录。"</p>
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load_register(township, before).await {
                    Ok(Some(RegisterView::ChooseTownship(townships))) => view! {
                        <h2>"请选择乡镇（街道）"</h2>
                        <ul class="links">
                            {townships.into_iter().map(|(code, name)| view! {
                                <li><a href=format!("/review/households?township={code}")>{name}</a></li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Ok(Some(RegisterView::Page { place, township, rows, next_before })) => {
                        view! { <RegisterTable place township rows next_before/> }.into_any()
                    }
                    Ok(None) => {
                        status.not_found();
                        view! { <p>"您的账号不查看监测对象名册。"</p> }.into_any()
                    }
                    Err(_) => redirect.send(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RegisterTable(
    place: String,
    township: String,
    rows: Vec<RegisterRow>,
    next_before: Option<i64>,
) -> impl IntoView {
    let township_query = if township.is_empty() { String::new() } else { format!("township={township}&") };
    view! {
        <h2>{place}</h2>
        <p><a href=format!("/review/households.xlsx?{township_query}") download>"导出名册台账（Excel）"</a></p>
        {rows.is_empty().then(|| view! { <p>"没有更多家庭。"</p> })}
        <div class="table-scroll"><table class="queue">
            <thead><tr><th>"村（社区）"</th><th>"家庭成员"</th><th>"类别"</th><th>"纳入来源"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|row| view! {
                    <tr>
                        <td>{row.village}</td>
                        <td><a href=format!("/review/households/{}", row.id)>{row.members}</a></td>
                        <td>{row.category}</td>
                        <td>{row.source}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
        {next_before.map(|before| view! {
            <p><a href=format!("/review/households?{township_query}before={before}")>"下一页"</a></p>
        })}
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WarningEntry {
    pub id: i64,
    pub kind: String,
    pub level: String,
    pub raised_on: String,
    pub due: String,
    /// `None` while open.
    pub closed: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VisitEntry {
    pub on: String,
    pub visitor: String,
    pub observations: String,
    pub indicators: String,
    /// Photo ids.
    pub photos: Vec<i64>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HouseholdView {
    pub id: i64,
    pub place: String,
    pub category: String,
    pub source: String,
    pub registered_on: String,
    /// (name, masked ID number)
    pub members: Vec<(String, String)>,
    pub warnings: Vec<WarningEntry>,
    /// Whether the viewer visits this household (and so may open its open warnings).
    pub visits_here: bool,
    pub visits: Vec<VisitEntry>,
    /// (what, from whom, when)
    pub signals: Vec<(String, String, String)>,
    /// (department, referred on, answered)
    pub referrals: Vec<(String, String, bool)>,
}

#[server]
pub async fn load_household(id: i64) -> Result<Option<HouseholdView>, ServerFnError> {
    use crate::features::households::open_household;
    use crate::features::monitoring::WarningError;
    let staff = crate::auth::current_staff().await.ok_or_else(|| ServerFnError::new("请先登录"))?;
    let services = crate::services::services()?;
    match open_household(&services, &staff, id, services.now()).await {
        Ok(opened) => Ok(Some(household_view(&services, &staff, opened))),
        Err(WarningError::NotFound) => Ok(None),
        Err(e) => Err(ServerFnError::new(e.to_string())),
    }
}

#[cfg(feature = "ssr")]
fn household_view(
    services: &crate::services::Services,
    staff: &crate::domain::staff::StaffIdentity,
    opened: crate::features::households::OpenedHousehold,
) -> HouseholdView {
    use crate::domain::calendar::Date;
    use crate::domain::masking::mask_id_number;
    use crate::features::households::{sender_label, source_label};
    let day = |at: i64| Date::today_in_china(at).chinese();
    let file = opened.file;
    let h = &file.household;
    HouseholdView {
        id: h.id,
        place: format!("{} {}", crate::store::place_name(&services.divisions, &h.township_code), h.village),
        category: h.category.map(|c| c.label()).unwrap_or("待认定").to_string(),
        source: source_label(&h.source),
        registered_on: day(file.registered_at),
        members: opened.members.iter().map(|(name, id)| (name.clone(), mask_id_number(id))).collect(),
        warnings: file.warnings.iter().map(|w| warning_entry(w, &opened.outcomes)).collect(),
        visits_here: staff.may_visit(&h.township_code, &h.village),
        visits: opened
            .visits
            .into_iter()
            .map(|(line, seen)| VisitEntry {
                on: day(line.at),
                visitor: line.visitor,
                observations: seen.observations,
                indicators: seen.indicators.iter().map(|k| k.label()).collect::<Vec<_>>().join("、"),
                photos: line.photos.iter().map(|p| p.id).collect(),
            })
            .collect(),
        signals: file
            .signals
            .iter()
            .map(|s| (s.kind.label().to_string(), sender_label(&s.sender), day(s.received_at)))
            .collect(),
        referrals: file
            .referrals
            .iter()
            .map(|r| {
                let department =
                    crate::features::households::sender_label(&format!("department:{}", r.department));
                (department, day(r.referred_at), r.answered_at.is_some())
            })
            .collect(),
    }
}

/// A warning of the household's file, with how it was closed (`outcomes`: opened by warning id).
#[cfg(feature = "ssr")]
fn warning_entry(
    w: &crate::store::WarningHistory,
    outcomes: &[(i64, crate::domain::monitoring::WarningOutcome)],
) -> WarningEntry {
    let day = |at: i64| crate::domain::calendar::Date::today_in_china(at).chinese();
    let outcome = outcomes.iter().find(|(id, _)| *id == w.id).map(|(_, o)| o.describe());
    WarningEntry {
        id: w.id,
        kind: w.kind.label().to_string(),
        level: w.warning.level.label().to_string(),
        raised_on: day(w.raised_at),
        due: w.warning.visit_due.chinese(),
        closed: w.closed_at.map(|at| format!("{}办结：{}", day(at), outcome.unwrap_or_default())),
    }
}

#[component]
pub fn HouseholdPage() -> impl IntoView {
    let id = crate::forms::path_id();
    view! {
        <Title text="户档案"/>
        <Meta name="robots" content="noindex"/>
        <p class="breadcrumb"><a href="/review/households">"返回监测对象名册"</a></p>
        {super::review::scoped_record(
            load_household(id),
            |household| view! { <HouseholdFile household/> },
            || view! { <h1>"没有找到这户家庭"</h1><p>"这户家庭不在您负责的村（社区）、乡镇（街道）或县区。"</p> },
        )}
    }
}

#[component]
fn HouseholdFile(household: HouseholdView) -> impl IntoView {
    let h = household;
    let id = h.id;
    let visits_here = h.visits_here;
    view! {
        <h1>{format!("户档案：{}", h.place)}</h1>
        <dl class="account">
            <dt>"类别"</dt><dd>{h.category}</dd>
            <dt>"纳入来源"</dt><dd>{h.source}</dd>
            <dt>"纳入日期"</dt><dd>{h.registered_on}</dd>
            <dt>"家庭成员"</dt>
            <dd>{h.members.into_iter().map(|(name, id)| view! { <p>{format!("{name} {id}")}</p> }).collect_view()}</dd>
        </dl>
        <h2>"预警"</h2>
        {h.warnings.is_empty().then(|| view! { <p>"没有预警。"</p> })}
        <ul class="history">
            {h.warnings.into_iter().map(|w| {
                let title = format!("{}（{}）", w.kind, w.level);
                view! {
                    <li>
                        <p><strong>{title}</strong>{format!(" {}预警，核实期限{}", w.raised_on, w.due)}</p>
                        {match w.closed {
                            Some(closed) => view! { <p>{closed}</p> }.into_any(),
                            None if visits_here => view! { <p><a href=format!("/review/warnings/{}", w.id)>"待核实：去处置"</a></p> }.into_any(),
                            None => view! { <p>"待核实"</p> }.into_any(),
                        }}
                    </li>
                }
            }).collect_view()}
        </ul>
        <h2>"走访记录"</h2>
        {h.visits.is_empty().then(|| view! { <p>"没有走访记录。"</p> })}
        <ul class="history">
            {h.visits.into_iter().map(|v| view! {
                <li>
                    <p><strong>{format!("{} {}", v.on, v.visitor)}</strong></p>
                    <p>{v.observations}</p>
                    {(!v.indicators.is_empty()).then(|| view! { <p>{format!("发现的风险：{}", v.indicators)}</p> })}
                    {v.photos.into_iter().enumerate().map(|(n, photo)| view! {
                        <p><a href=format!("/review/households/{id}/photo/{photo}")>{format!("走访照片{}", n + 1)}</a></p>
                    }).collect_view()}
                </li>
            }).collect_view()}
        </ul>
        <h2>"部门数据"</h2>
        {h.signals.is_empty().then(|| view! { <p>"没有部门推送或走访发现的风险信息。"</p> })}
        <ul class="history">
            {h.signals.into_iter().map(|(kind, from, on)| view! { <li>{format!("{on} {from}：{kind}")}</li> }).collect_view()}
        </ul>
        <h2>"分类推送"</h2>
        {h.referrals.is_empty().then(|| view! { <p>"没有推送到其他部门。"</p> })}
        <ul class="history">
            {h.referrals.into_iter().map(|(department, on, answered)| {
                let state = if answered { "已办理" } else { "待办理" };
                view! { <li>{format!("{on} 推送{department}，{state}")}</li> }
            }).collect_view()}
        </ul>
    }
}
