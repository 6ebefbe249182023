//! 公开统计: applications, decisions, time to decide and current recipients per county and township,
//! with small counts hidden (`domain::stats`). Charts are SVG drawn on the server, so they need no
//! JavaScript; the same numbers are offered as CSV at `/stats.csv` (`server/src/web/stats.rs`).

use crate::domain::stats::{Cell, Line, Statistics, RECIPIENT_TYPES, SUPPRESS_BELOW};
use crate::suspense::deferred;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// The published statistics and when they were computed, as the page shows them.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PublishedStatistics {
    pub stats: Statistics,
    pub computed: String,
}

#[server(endpoint = "public-statistics")]
pub async fn load_statistics() -> Result<PublishedStatistics, ServerFnError> {
    let services = crate::services::services()?;
    let now = services.now();
    let published = crate::features::statistics::published(&services, now)
        .await
        .map_err(|e| super::read_failed("statistics", "暂时无法读取统计数据，请稍后再试", e))?;
    Ok(PublishedStatistics {
        stats: published.statistics,
        computed: crate::domain::calendar::Date::moment_in_china(published.computed_at),
    })
}

#[component]
pub fn StatsPage() -> impl IntoView {
    view! {
        <Title text="公开统计"/>
        <Meta name="description" content="张掖市各县区、乡镇社会救助申请、审批和救助对象的统计数据。"/>
        <h1>"社会救助公开统计"</h1>
        <p>{format!("按县区和乡镇（街道）统计网上申请的办理情况。为保护困难家庭，少于{SUPPRESS_BELOW}户的数字不公开，显示为“<{SUPPRESS_BELOW}”。")}</p>
        <p><a href={crate::routes::STATS_CSV} download="zhangye-assistance-statistics.csv">"下载统计表（CSV）"</a></p>
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load_statistics().await {
                    Ok(published) => view! {
                        <p class="hint">{format!("统计时间：{}（每隔几分钟更新一次）", published.computed)}</p>
                        <StatisticsView stats=published.stats/>
                    }.into_any(),
                    Err(e) => view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StatisticsView(stats: Statistics) -> impl IntoView {
    let county_bars: Vec<(String, Cell)> =
        stats.counties.iter().map(|(c, _)| (c.name.clone(), c.received)).collect();
    let type_bars: Vec<(String, Cell)> = match &stats.city {
        Some(city) => {
            RECIPIENT_TYPES.iter().zip(&city.recipients).map(|(t, c)| (t.label().to_string(), *c)).collect()
        }
        None => Vec::new(),
    };
    let counties = stats
        .counties
        .into_iter()
        .map(|(county, townships)| {
            let rows = townships.into_iter().map(|t| view! { <LineRow line=t/> }).collect_view();
            view! {
                <details class="county-stats">
                    <summary>{format!("{}：收到{}，批准{}", county.name, county.received.text(), county.approved.text())}</summary>
                    <div class="table-scroll">
                        <table class="queue">
                            <StatsHead/>
                            <tbody><LineRow line=county/>{rows}</tbody>
                        </table>
                    </div>
                </details>
            }
        })
        .collect_view();
    view! {
        <h2>"各县区收到的申请"</h2>
        <BarChart bars=county_bars label="各县区收到的申请数"/>
        <h2>"全市当前救助对象（按类型）"</h2>
        <BarChart bars=type_bars label="全市当前救助对象户数，按救助类型"/>
        {stats.city.map(|city| view! {
            <h2>"全市"</h2>
            <div class="table-scroll"><table class="queue"><StatsHead/><tbody><LineRow line=city/></tbody></table></div>
        })}
        <RegisterView register=stats.register/>
        <MonitoredView monitored=stats.monitored/>
        <h2>"各县区和乡镇（街道）"</h2>
        {counties}
    }
}

/// The register city-wide: households by state and category, ended ones by reason.
#[component]
fn RegisterView(register: crate::domain::stats::RegisterSummary) -> impl IntoView {
    view! {
        <h2 id="register-heading">"全市救助对象记录（按状态）"</h2>
        <div class="table-scroll"><table class="queue register-standing">
            <thead><tr><th>"状态"</th><th>"类别"</th><th>"户数"</th></tr></thead>
            <tbody>
                {register.standing.into_iter().map(|(state, category, n)| view! {
                    <tr><td>{state}</td><td>{category}</td><td>{n.text()}</td></tr>
                }).collect_view()}
            </tbody>
        </table></div>
        <h2>"已终止的救助（按原因）"</h2>
        <div class="table-scroll"><table class="queue register-ended">
            <thead><tr><th>"终止原因"</th><th>"户数"</th></tr></thead>
            <tbody>
                {register.ended.into_iter().map(|(reason, n)| view! {
                    <tr><td>{reason}</td><td>{n.text()}</td></tr>
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

/// The monitoring register city-wide, by category.
#[component]
fn MonitoredView(monitored: Vec<(String, crate::domain::stats::Cell)>) -> impl IntoView {
    view! {
        <h2>"低收入人口动态监测（全市在库家庭，按类别）"</h2>
        <div class="table-scroll"><table class="queue monitored">
            <thead><tr><th>"类别"</th><th>"户数"</th></tr></thead>
            <tbody>
                {monitored.into_iter().map(|(category, n)| view! {
                    <tr><td>{category}</td><td>{n.text()}</td></tr>
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

#[component]
fn StatsHead() -> impl IntoView {
    view! {
        <thead>
            <tr>
                <th>"地区"</th><th>"收到申请"</th><th>"批准"</th><th>"不予批准"</th><th>"办理工作日（中位数）"</th>
                {RECIPIENT_TYPES.iter().map(|t| view! { <th>{crate::domain::stats::recipient_heading(*t)}</th> }).collect_view()}
            </tr>
        </thead>
    }
}

#[component]
fn LineRow(line: Line) -> impl IntoView {
    view! {
        <tr>
            <th scope="row">{line.name}</th>
            <td>{line.received.text()}</td>
            <td>{line.approved.text()}</td>
            <td>{line.refused.text()}</td>
            <td>{line.median_days.map(|d| d.to_string()).unwrap_or_else(|| "—".to_string())}</td>
            {line.recipients.iter().map(|c| view! { <td>{c.text()}</td> }).collect_view()}
        </tr>
    }
}

const ROW_HEIGHT: u32 = 28;
const LABEL_WIDTH: u32 = 110;
const BAR_SPACE: u32 = 170;

/// Horizontal bars, one per label, scaled to the largest published count; hidden counts get no bar.
#[component]
fn BarChart(bars: Vec<(String, Cell)>, label: &'static str) -> impl IntoView {
    let largest = bars.iter().filter_map(|(_, c)| c.count()).max().unwrap_or(0).max(1);
    let height = ROW_HEIGHT * u32::try_from(bars.len()).unwrap_or(0);
    let rows = bars
        .into_iter()
        .enumerate()
        .map(|(i, (name, cell))| {
            let y = ROW_HEIGHT * u32::try_from(i).unwrap_or(0);
            let width = cell.count().map(|n| n * BAR_SPACE / largest).unwrap_or(0);
            view! {
                <g>
                    <text x="0" y=y + 19 class="chart-label">{name}</text>
                    <rect x=LABEL_WIDTH y=y + 6 width=width height="16" class="chart-bar"/>
                    <text x=LABEL_WIDTH + width + 4 y=y + 19 class="chart-value">{cell.text()}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="chart" role="img" aria-label=label viewBox=format!("0 0 340 {height}") width="100%">
            <title>{label}</title>
            {rows}
        </svg>
    }
}
