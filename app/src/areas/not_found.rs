//! The page for addresses that do not exist, with the right HTTP status.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="页面不存在"/>
        <h1>"页面不存在"</h1>
        <p>"您要找的页面不存在，可能是网址输错了，或者页面已经撤下。"</p>
        <p><a href="/">"返回首页"</a></p>
    }
}
