//! 分类推送: the department officer's queue of cases referred to their department for special assistance.
//! The case page itself is `cases::CasePage`, which shows a department only the referred case and lets
//! it record its answer (posted to `server/src/web/cases.rs`).

use crate::suspense::deferred;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One referred case in the department's queue.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReferralRow {
    pub reference: String,
    pub place: String,
    pub types: String,
    pub referred_on: String,
    /// "待部门办理" or the outcome.
    pub status: String,
    pub open: bool,
    /// Where the case itself stands (a refused or withdrawn case may still need the department's help).
    pub case_status: String,
}

/// The signed-in department officer's referrals, open ones first; `None` for other accounts.
#[server(endpoint = "referral-queue")]
pub async fn load_referrals() -> Result<Option<Vec<ReferralRow>>, ServerFnError> {
    use crate::domain::calendar::Date;
    use crate::domain::referral::{department_for, status_label};
    use crate::domain::staff::Role;
    let Some(staff) = crate::auth::current_staff().await else {
        return Err(ServerFnError::new("请先登录"));
    };
    if staff.role != Role::DepartmentOfficer {
        return Ok(None);
    }
    let failed =
        |e: crate::store::StoreError| super::read_failed("referrals", "暂时无法读取转介案件，请稍后再试", e);
    let services = crate::services::services()?;
    let (store, divisions) = (services.store, services.divisions);
    let rows = store
        .referrals_to(&staff.scope)
        .await
        .map_err(failed)?
        .into_iter()
        .map(|r| ReferralRow {
            place: format!("{} {}", crate::store::place_name(&divisions, &r.township_code), r.village),
            // The department sees the types it gives, not the whole application.
            types: r
                .types
                .iter()
                .filter(|t| department_for(**t) == Some(r.department.as_str()))
                .map(|t| t.label())
                .collect::<Vec<_>>()
                .join("、"),
            referred_on: Date::today_in_china(r.referred_at).chinese(),
            status: status_label(r.outcome).to_string(),
            open: r.outcome.is_none(),
            case_status: r.case_status.label().to_string(),
            reference: r.reference,
        })
        .collect();
    Ok(Some(rows))
}

/// The department's queue, on the reviewer's landing page.
#[component]
pub fn ReferralQueue() -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {deferred(async move {
                let Ok(Some(rows)) = load_referrals().await else { return ().into_any() };
                let open = rows.iter().filter(|r| r.open).count();
                view! {
                    <h2>"转介案件（分类推送）"</h2>
                    <p>{format!("共 {} 件，待办理 {open} 件", rows.len())}</p>
                    <div class="table-scroll"><table class="queue">
                        <thead><tr><th>"编号"</th><th>"乡镇 村（社区）"</th><th>"专项救助"</th><th>"推送日期"</th><th>"本部门办理"</th><th>"案件状态"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|row| view! {
                                <tr class:done=!row.open>
                                    <td><a href=format!("/review/case/{}", row.reference)>{row.reference.clone()}</a></td>
                                    <td>{row.place}</td>
                                    <td>{row.types}</td>
                                    <td>{row.referred_on}</td>
                                    <td>{row.status}</td>
                                    <td>{row.case_status}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }
                .into_any()
            })}
        </Suspense>
    }
}
