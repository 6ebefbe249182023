//! The landing page: what the portal does and where each service is.

use crate::layout::NAV_ITEMS;
use crate::suspense::deferred;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use serde::{Deserialize, Serialize};

/// How much of the city the portal covers, read from the seeded division table.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Coverage {
    pub counties: u64,
    pub townships: u64,
}

#[server]
pub async fn read_coverage() -> Result<Coverage, ServerFnError> {
    let store = crate::services::services()?.store;
    let read = async {
        let counties = store.counties().await?.len() as u64;
        let townships = store.township_count().await?;
        Ok::<_, crate::store::StoreError>(Coverage { counties, townships })
    };
    read.await.map_err(|e| super::read_failed("coverage", "暂时无法读取服务范围", e))
}

const AREA_HINTS: [&str; 5] = [
    "低保、特困、临时救助等，手机上即可申请",
    "凭受理编号和短信验证码查看办理到哪一步",
    "看看哪些家庭正在公示，有异议可以提出",
    "用大白话讲清楚谁能申请、能得到什么帮助",
    "发现骗取救助、优亲厚友，可以匿名举报",
];

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text=""/>
        <Meta name="description" content="张掖市低收入人口动态监测和分层分类社会救助的网上服务：申请救助、查询进度、查看公示、举报监督。"/>
        <section class="intro">
            <h1>"有困难，可以申请社会救助"</h1>
            <p>"根据张掖市2023年关于低收入人口动态监测和分层分类社会救助的措施，困难群众可以在这里了解政策、提出申请、查询进度；任何人都可以查看公示、提出异议或举报。"</p>
            <Suspense fallback=|| ()>
                {deferred(async move {
                    read_coverage().await.ok().map(|c| view! {
                        <p class="coverage">
                            {format!("服务覆盖全市 {} 个县区、{} 个乡镇（街道）。", c.counties, c.townships)}
                        </p>
                    })
                })}
            </Suspense>
        </section>
        <ul class="area-tiles">
            {NAV_ITEMS
                .into_iter()
                .zip(AREA_HINTS)
                .map(|((href, label), hint)| view! {
                    <li>
                        <a href=href>
                            <strong>{label}</strong>
                            <span>{hint}</span>
                        </a>
                    </li>
                })
                .collect_view()}
        </ul>
    }
}
