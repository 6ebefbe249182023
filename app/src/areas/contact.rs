//! 联系我们: every hotline, city-wide first, then by county, each a tap-to-call link.

use crate::domain::region::{County, Hotline};
use crate::suspense::deferred;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ContactData {
    pub counties: Vec<County>,
    pub hotlines: Vec<Hotline>,
}

#[server]
pub async fn load_contacts() -> Result<ContactData, ServerFnError> {
    let store = crate::services::services()?.store;
    let read =
        async { Ok::<_, crate::store::StoreError>((store.counties().await?, store.hotlines().await?)) };
    let (counties, hotlines) =
        read.await.map_err(|e| super::read_failed("contacts", "热线信息暂时无法读取", e))?;
    Ok(ContactData { counties, hotlines })
}

#[component]
pub fn ContactPage() -> impl IntoView {
    view! {
        <Title text="咨询与监督电话"/>
        <h1>"咨询与监督电话"</h1>
        <p>"咨询救助政策、了解办理进度，或反映、举报问题，都可以拨打下列电话。"</p>
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load_contacts().await {
                    Ok(data) => {
                        let groups: Vec<(String, Vec<Hotline>)> = std::iter::once(("全市".to_string(), None))
                            .chain(data.counties.into_iter().map(|c| (c.name, Some(c.code))))
                            .map(|(name, code)| {
                                let lines = data.hotlines.iter().filter(|h| h.county_code == code).cloned().collect();
                                (name, lines)
                            })
                            .collect();
                        view! {
                            {groups
                                .into_iter()
                                .map(|(name, lines)| view! {
                                    <section class="contact-group">
                                        <h2>{name}</h2>
                                        {if lines.is_empty() {
                                            view! { <p class="hint">"暂未公布专门热线，请拨打全市 12345。"</p> }.into_any()
                                        } else {
                                            view! { <crate::layout::HotlineList lines/> }.into_any()
                                        }}
                                    </section>
                                })
                                .collect_view()}
                        }
                        .into_any()
                    }
                    Err(e) => view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
