//! The parts of the page that every area shares: header with navigation, footer with hotlines, and the
//! notice shown by areas that are not open yet.

use crate::domain::region::Hotline;
use crate::shell::PORTAL_NAME;
use crate::suspense::deferred;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The main areas, in the order residents look for them.
pub const NAV_ITEMS: [(&str, &str); 5] = [
    ("/apply", "申请救助"),
    ("/status", "进度查询"),
    ("/notices", "公示公告"),
    ("/guide", "政策指南"),
    (crate::routes::REPORT, "举报监督"),
];

/// Rendered on the server only (no island), like the footer: the address is read once, not tracked.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let current = use_location().pathname.get_untracked();
    view! {
        <header class="site-header">
            <div class="header-top">
                <a class="site-name" href="/">{PORTAL_NAME}</a>
                <ElderModeSwitch/>
            </div>
            <nav aria-label="主导航">
                <ul class="nav">
                    {NAV_ITEMS
                        .into_iter()
                        .map(|(href, label)| {
                            let active = current.starts_with(href);
                            view! {
                                <li>
                                    <a href=href aria-current=active.then_some("page")>{label}</a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
        </header>
    }
}

/// A plain form post: the server sets a cookie and sends the browser back, so it works without JavaScript.
#[component]
fn ElderModeSwitch() -> impl IntoView {
    let location = use_location();
    let (path, search) = (location.pathname.get_untracked(), location.search.get_untracked());
    let back = if search.is_empty() { path } else { format!("{path}?{search}") };
    view! {
        <form class="elder-switch" method="post" action={crate::routes::PREFERENCES_ELDER_MODE}>
            <input type="hidden" name="back" value=back/>
            <button type="submit" name="enabled" value="1" class="show-when-normal">"长辈模式"</button>
            <button type="submit" name="enabled" value="0" class="show-when-elder">"标准模式"</button>
        </form>
    }
}

#[server]
pub async fn list_hotlines() -> Result<Vec<Hotline>, ServerFnError> {
    let services = crate::services::services()?;
    services.hotlines().await.map_err(|e| {
        leptos::logging::error!("hotlines: {e}");
        ServerFnError::new("热线信息暂时无法读取")
    })
}

/// The hotlines if the server has them in hand (kept for `page_cache_seconds`).
fn kept_hotlines() -> Option<Vec<Hotline>> {
    #[cfg(feature = "ssr")]
    return crate::services::services().ok()?.hotlines.fresh();
    #[cfg(not(feature = "ssr"))]
    None
}

/// The same help in the same place on every page: the hotlines, each a tap-to-call link.
/// Written at once when the server has them in hand, as on most pages: a suspense costs every page
/// rendered a spawned task and its reactive machinery (a resident's first status view, most of whose
/// cost is rendering, went from about 13,900 to 15,300 a second at 256 connections).
/// Otherwise read with a plain `Suspend`, not a `Resource`: this component never runs in the browser,
/// so there is nothing to serialize for hydration.
#[component]
pub fn SiteFooter() -> impl IntoView {
    let hotlines = match kept_hotlines() {
        Some(lines) => view! { <HotlineList lines/> }.into_any(),
        None => view! {
            <Suspense fallback=|| view! { <p>"正在读取热线……"</p> }>
                {deferred(async move {
                    match list_hotlines().await {
                        Ok(lines) => view! { <HotlineList lines/> }.into_any(),
                        Err(_) => view! {
                            <p>"热线信息暂时无法显示，请拨打 "<a href="tel:12345">"12345"</a>" 咨询。"</p>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any(),
    };
    view! {
        <footer class="site-footer">
            <h2>"咨询与监督电话"</h2>
            {hotlines}
            <p><a href="/contact">"各县区咨询与监督电话"</a>" · "<a href="/announcements">"通知公告"</a>" · "<a href="/stats">"公开统计"</a></p>
            <p class="footer-note">"本平台不收取任何费用。任何人以办理救助为名索要钱物，请立即举报。"</p>
        </footer>
    }
}

#[component]
pub fn HotlineList(lines: Vec<Hotline>) -> impl IntoView {
    view! {
        <ul class="hotlines">
            {lines
                .into_iter()
                .map(|line| {
                    let href = line.tel_href();
                    view! {
                        <li>
                            <span class="hotline-label">{line.label}</span>
                            <a class="hotline-number" href=href>{line.number}</a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
