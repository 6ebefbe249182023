//! 政策指南: the city's measures in plain words, one page per kind of assistance. The text lives in the
//! database (administrators edit it) and is rendered from Markdown on the server.

use crate::areas::not_found::NotFound;
use crate::suspense::deferred;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GuideEntry {
    pub slug: String,
    pub title: String,
    pub summary: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RenderedGuidePage {
    pub title: String,
    pub summary: String,
    /// Produced by `crate::markdown::render_markdown`, which never passes raw HTML through.
    pub body_html: String,
}

#[cfg(feature = "ssr")]
fn unavailable(e: crate::store::StoreError) -> ServerFnError {
    super::read_failed("guide", "政策指南暂时无法读取，请稍后再试", e)
}

#[server]
pub async fn load_guide_index() -> Result<Vec<GuideEntry>, ServerFnError> {
    let store = crate::services::services()?.store;
    let pages = store.guide_pages().await.map_err(unavailable)?;
    Ok(pages.into_iter().map(|p| GuideEntry { slug: p.slug, title: p.title, summary: p.summary }).collect())
}

#[server]
pub async fn load_guide_page(slug: String) -> Result<Option<RenderedGuidePage>, ServerFnError> {
    let store = crate::services::services()?.store;
    let page = store.guide_page(&slug).await.map_err(unavailable)?;
    Ok(page.map(|p| RenderedGuidePage {
        title: p.title,
        summary: p.summary,
        body_html: crate::markdown::render_markdown(&p.body_markdown),
    }))
}

#[component]
pub fn GuideIndexPage() -> impl IntoView {
    view! {
        <Title text="政策指南"/>
        <h1>"政策指南"</h1>
        <p>"张掖市2023年出台了加强低收入人口动态监测、做好分层分类社会救助的措施。下面用大白话讲清楚每一类救助：谁可以申请、能得到什么帮助、要带什么、到哪里问。"</p>
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load_guide_index().await {
                    Ok(entries) => view! {
                        <ul class="guide-list">
                            {entries
                                .into_iter()
                                .map(|e| view! {
                                    <li>
                                        <a href=format!("/guide/{}", e.slug)>{e.title}</a>
                                        <p>{e.summary}</p>
                                    </li>
                                })
                                .collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(e) => view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
        <p><a href="/apply">"自查一下可以申请哪些救助"</a></p>
    }
}

#[component]
pub fn GuideArticlePage() -> impl IntoView {
    let slug = use_params_map().with_untracked(|p| p.get("slug").unwrap_or_default());
    view! {
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load_guide_page(slug).await {
                    Ok(Some(page)) => view! {
                        <Title text=page.title.clone()/>
                        <Meta name="description" content=page.summary.clone()/>
                        <p class="breadcrumb"><a href="/guide">"政策指南"</a></p>
                        <article class="guide-article">
                            <h1>{page.title}</h1>
                            <p class="lead">{page.summary}</p>
                            <div inner_html=page.body_html></div>
                        </article>
                        <p><a href="/apply">"自查一下可以申请哪些救助"</a></p>
                    }
                    .into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
