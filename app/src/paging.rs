//! Lists shown a page at a time: the count, and links to the previous and next page that work without
//! JavaScript (plain addresses with the filters and `page=`).

use leptos::prelude::*;

/// Where the pages of a list are: the count, and the previous and next page's address.
#[derive(Clone, Debug)]
pub struct PageLinks {
    pub total: u64,
    pub page: u64,
    pub count: u64,
    previous: Option<String>,
    next: Option<String>,
}

impl PageLinks {
    pub fn new(total: u64, page: u32, per_page: u32, link: impl Fn(u64) -> String) -> Self {
        let count = total.div_ceil(u64::from(per_page)).max(1);
        let page = u64::from(page);
        let previous = (page > 1).then(|| link(page - 1));
        let next = (page < count).then(|| link(page + 1));
        Self { total, page, count, previous, next }
    }
}

#[component]
pub fn Pager(pages: PageLinks) -> impl IntoView {
    view! {
        <p class="pager">
            {pages.previous.map(|href| view! { <a href=href>"上一页"</a> })}" "
            {pages.next.map(|href| view! { <a href=href>"下一页"</a> })}
        </p>
    }
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
