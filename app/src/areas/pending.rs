//! Areas whose online service is not open yet. Their pages say so plainly and tell people where to go
//! instead, rather than offering a form that leads nowhere. An area leaves this list when it opens.

use leptos::prelude::*;
use leptos_meta::Title;

pub struct PendingArea {
    pub title: &'static str,
    /// Where the service is available offline today.
    pub offline: &'static str,
}

pub const REPORT: PendingArea = PendingArea {
    title: "举报监督",
    offline: "发现骗取救助等问题，目前请拨打页面底部的监督电话举报。",
};

#[component]
pub fn PendingAreaPage(area: &'static PendingArea) -> impl IntoView {
    view! {
        <Title text=area.title/>
        <h1>{area.title}</h1>
        <section class="not-open" role="status">
            <h2>{format!("「{}」网上服务尚未开通", area.title)}</h2>
            <p>{area.offline}</p>
            <p>"如有疑问，请拨打页面底部的咨询电话。"</p>
        </section>
    }
}
