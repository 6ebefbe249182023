//! 通知公告: news and announcements that administrators publish (`/admin`), city-wide or for one county,
//! as a list filtered by county and a page each. Bodies are Markdown rendered by `crate::markdown`, so
//! raw HTML in them is shown as text.

use crate::domain::region::County;
use crate::forms::query;
use crate::suspense::deferred;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use serde::{Deserialize, Serialize};

/// An announcement as the public sees it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PublicAnnouncement {
    pub id: i64,
    pub title: String,
    pub date: String,
    /// "全市" or the county's name.
    pub area: String,
    pub body_html: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AnnouncementList {
    pub counties: Vec<County>,
    pub items: Vec<PublicAnnouncement>,
}

#[cfg(feature = "ssr")]
fn failed(e: impl std::fmt::Display) -> ServerFnError {
    super::read_failed("announcements", "暂时无法读取通知公告，请稍后再试", e)
}

#[cfg(feature = "ssr")]
fn public(
    a: crate::domain::announcement::Announcement,
    counties: &[County],
    with_body: bool,
) -> PublicAnnouncement {
    let area = match &a.county_code {
        None => "全市".to_string(),
        Some(code) => counties.iter().find(|c| &c.code == code).map(|c| c.name.clone()).unwrap_or_default(),
    };
    PublicAnnouncement {
        id: a.id,
        title: a.title,
        date: crate::domain::calendar::Date::today_in_china(a.published_at).chinese(),
        area,
        body_html: if with_body { crate::markdown::render_markdown(&a.body) } else { String::new() },
    }
}

#[server(endpoint = "public-announcements")]
pub async fn load_announcements(county: String) -> Result<AnnouncementList, ServerFnError> {
    let store = crate::services::services()?.store;
    let counties = store.counties().await.map_err(failed)?;
    let county = Some(county.as_str()).filter(|c| !c.is_empty());
    let items = store.announcements(county).await.map_err(failed)?;
    let items = items.into_iter().map(|a| public(a, &counties, false)).collect();
    Ok(AnnouncementList { counties, items })
}

#[server(endpoint = "public-announcement")]
pub async fn load_announcement(id: i64) -> Result<Option<PublicAnnouncement>, ServerFnError> {
    let store = crate::services::services()?.store;
    let counties = store.counties().await.map_err(failed)?;
    Ok(store.announcement(id).await.map_err(failed)?.map(|a| public(a, &counties, true)))
}

#[component]
pub fn AnnouncementsPage() -> impl IntoView {
    let county = query("county");
    view! {
        <Title text="通知公告"/>
        <h1>"通知公告"</h1>
        <Suspense fallback=|| ()>
            {deferred(async move {
                let list = match load_announcements(county.clone()).await {
                    Ok(list) => list,
                    Err(e) => return view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
                };
                let options = list
                    .counties
                    .iter()
                    .map(|c| view! { <option value=c.code.clone() selected=c.code == county>{c.name.clone()}</option> })
                    .collect_view();
                let empty = list.items.is_empty();
                let items = list
                    .items
                    .into_iter()
                    .map(|a| view! {
                        <li>
                            <a href=format!("/announcements/{}", a.id)>{a.title}</a>
                            <p class="meta">{format!("{} · {}", a.date, a.area)}</p>
                        </li>
                    })
                    .collect_view();
                view! {
                    <form method="get" action="/announcements" class="filters">
                        <label for="county">"县区"</label>
                        <select id="county" name="county">
                            <option value="">"全部"</option>
                            {options}
                        </select>
                        <button type="submit" class="secondary">"查看"</button>
                    </form>
                    {empty.then(|| view! { <p class="notice">"目前没有通知公告。"</p> })}
                    <ul class="announcement-list">{items}</ul>
                }
                .into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn AnnouncementPage() -> impl IntoView {
    let id = crate::forms::path_id();
    view! {
        <p class="breadcrumb"><a href="/announcements">"通知公告"</a></p>
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load_announcement(id).await.ok().flatten() {
                    Some(a) => view! {
                        <Title text=a.title.clone()/>
                        <Meta name="description" content=a.title.clone()/>
                        <article class="guide-article">
                            <h1>{a.title}</h1>
                            <p class="meta">{format!("{} · {}", a.date, a.area)}</p>
                            <div inner_html=a.body_html></div>
                        </article>
                    }
                    .into_any(),
                    None => view! { <Title text="没有这条公告"/><h1>"没有这条公告"</h1><p>"公告不存在或已撤下。"</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
