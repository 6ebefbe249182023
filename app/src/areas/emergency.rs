//! 先行救助 on staff pages: the section of the case page (the grant, the township's form, the county's
//! answer) and the list of help given first that still waits for its file or the county, above the
//! queue. The forms post to `server/src/web/emergency.rs`, which calls `features::emergency`.

use crate::forms::{ErrorSummary, Field};
use crate::suspense::deferred;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Help given first as the case page shows it, and what the reader may do about it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct EmergencyView {
    /// "一次性 1500 元（2026年12月3日由乡镇先行给予）".
    pub granted: Option<String>,
    /// Where it stands, e.g. "补齐材料已超期（期限…）".
    pub stage: Option<String>,
    pub overdue: bool,
    /// The township's largest sum, when the township reviewer may give help first now.
    pub grant_limit: Option<u32>,
    /// Whether the county reviewer may answer now.
    pub answerable: bool,
}

impl EmergencyView {
    fn is_empty(&self) -> bool {
        self.granted.is_none() && self.grant_limit.is_none()
    }
}

#[cfg(feature = "ssr")]
pub mod build {
    use super::EmergencyView;
    use crate::domain::calendar::{Calendar, Date};
    use crate::domain::emergency::{may_grant, Stage};
    use crate::domain::staff::Role;
    use crate::store::{ApplicationRecord, EmergencyGrant};

    /// What `role` sees of the case's help given first on `today` (`township_limit`: the most a township gives).
    pub fn emergency_view(
        case: &ApplicationRecord,
        grant: Option<&EmergencyGrant>,
        role: Role,
        township_limit: u32,
        today: Date,
        calendar: &Calendar,
    ) -> EmergencyView {
        let Some(grant) = grant else {
            let allowed =
                role == Role::TownshipReviewer && may_grant(case.status, case.emergency, &case.types);
            return EmergencyView { grant_limit: allowed.then_some(township_limit), ..Default::default() };
        };
        let stage = Stage::of(grant.answer, case.status, grant.file_due, calendar.overdue_through(today));
        EmergencyView {
            granted: Some(format!(
                "一次性 {} 元（{}由乡镇先行给予）",
                grant.amount,
                grant.granted_on.chinese()
            )),
            stage: Some(stage.label()),
            overdue: matches!(stage, Stage::AwaitingFile { overdue: true, .. }),
            grant_limit: None,
            answerable: role == Role::CountyReviewer && stage == Stage::AwaitingCounty,
        }
    }
}

/// The errors of the emergency forms, which this section shows and the other forms leave out.
pub fn is_emergency_field(field: &str) -> bool {
    field.starts_with("emergency_")
}

/// The case page's 先行救助 section; nothing when there is no help and none may be given.
#[component]
pub fn EmergencySection(
    emergency: EmergencyView,
    reference: String,
    form: crate::forms::FormFeedback,
) -> impl IntoView {
    if emergency.is_empty() {
        return ().into_any();
    }
    let errors: Vec<(String, String)> =
        form.errors.iter().filter(|(f, _)| is_emergency_field(f)).cloned().collect();
    let feedback = form.clone();
    let value = move |field: &str| feedback.value(field);
    let form = if let Some(limit) = emergency.grant_limit {
        let (amount_error, reason_error) = (form.error("emergency_amount"), form.error("emergency_reason"));
        let (amount_invalid, reason_invalid) =
            (amount_error.is_some().then_some("true"), reason_error.is_some().then_some("true"));
        let hint = format!("乡镇可先行给予，最多 {limit} 元；超过的部分按程序报县级审批");
        view! {
            <form method="post" action=format!("/review/case/{reference}/emergency") class="question-form" novalidate>
                // Written out rather than a `Field`: its hint names this county's limit.
                <div class="field" class:has-error=amount_invalid.is_some()>
                    <label for="emergency_amount">"先行救助金额（元）"</label>
                    <p class="hint">{hint}</p>
                    {amount_error.map(|e| view! { <p class="field-error" id="emergency_amount-error">{e}</p> })}
                    <input id="emergency_amount" name="emergency_amount" inputmode="numeric" class="short" value=value("emergency_amount") aria-invalid=amount_invalid/>
                </div>
                <Field name="emergency_reason" label="急难情况和核实方式" hint="写明遭遇的困难、如何核实；会记入办理记录，之后须补齐材料" error=reason_error>
                    <textarea id="emergency_reason" name="emergency_reason" rows="3" aria-invalid=reason_invalid>{value("emergency_reason")}</textarea>
                </Field>
                <button type="submit" class="primary">"先行救助"</button>
            </form>
        }
        .into_any()
    } else if emergency.answerable {
        let note_error = form.error("emergency_note");
        let invalid = note_error.is_some().then_some("true");
        view! {
            <form method="post" action=format!("/review/case/{reference}/emergency/answer") class="question-form" novalidate>
                <Field name="emergency_note" label="县级意见" hint="不予确认时必须写明理由" error=note_error>
                    <textarea id="emergency_note" name="emergency_note" rows="2" aria-invalid=invalid>{value("emergency_note")}</textarea>
                </Field>
                <div class="actions">
                    <button type="submit" name="decision" value="confirm" class="primary">"确认先行救助"</button>
                    <button type="submit" name="decision" value="not_confirmed" class="secondary">"不予确认"</button>
                </div>
            </form>
        }
        .into_any()
    } else {
        ().into_any()
    };
    view! {
        <section class="emergency" aria-labelledby="emergency-heading">
            <h2 id="emergency-heading">"先行救助"</h2>
            <ErrorSummary errors/>
            {emergency.granted.map(|granted| view! {
                <dl class="answers">
                    <dt>"救助内容"</dt><dd class="emergency-granted">{granted}</dd>
                    <dt>"办理情况"</dt><dd class="emergency-stage" class:overdue=emergency.overdue><strong>{emergency.stage}</strong></dd>
                </dl>
            })}
            {form}
        </section>
    }
    .into_any()
}

/// One line of the list of help given first.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OpenEmergencyRow {
    pub reference: String,
    pub place: String,
    pub amount: u32,
    pub granted_on: String,
    pub stage: String,
    pub overdue: bool,
}

/// How many grants the list shows; the rest are counted.
pub const OPEN_EMERGENCY_LIMIT: u32 = 50;

/// The signed-in reviewer's help given first that waits for its file or the county, earliest deadline
/// first; with how many there are. Empty for accounts without a queue.
#[server]
pub async fn load_open_emergencies() -> Result<(Vec<OpenEmergencyRow>, u64), ServerFnError> {
    use crate::domain::calendar::Date;
    use crate::domain::emergency::Stage;
    use crate::domain::staff::Role;
    use crate::store::QueueScope;
    let Some(staff) = crate::auth::current_staff().await else {
        return Err(ServerFnError::new("请先登录"));
    };
    let scope = match staff.role {
        Role::TownshipReviewer => QueueScope::Township(staff.scope.clone()),
        Role::CountyReviewer => QueueScope::County(staff.scope.clone()),
        Role::DepartmentOfficer | Role::Administrator | Role::VillageWorker => return Ok((Vec::new(), 0)),
    };
    let county = matches!(scope, QueueScope::County(_));
    let services = crate::services::services()?;
    let failed = |e: crate::store::StoreError| {
        super::read_failed("emergency list", "暂时无法读取先行救助，请稍后再试", e)
    };
    let (open, total) =
        services.store.open_emergency_grants(&scope, OPEN_EMERGENCY_LIMIT).await.map_err(failed)?;
    let calendar = services.working_calendar().await.map_err(failed)?;
    let overdue_through = calendar.overdue_through(Date::today_in_china(services.now()));
    let rows = open
        .into_iter()
        .map(|o| {
            let stage = Stage::of(o.grant.answer, o.status, o.grant.file_due, overdue_through);
            let township = crate::store::place_name(&services.divisions, &o.grant.township_code);
            OpenEmergencyRow {
                place: if county { format!("{township} {}", o.village) } else { o.village },
                reference: o.reference,
                amount: o.grant.amount,
                granted_on: o.grant.granted_on.chinese(),
                stage: stage.label(),
                overdue: matches!(stage, Stage::AwaitingFile { overdue: true, .. }),
            }
        })
        .collect();
    Ok((rows, total))
}

/// The list above the queue; nothing when no help given first is open.
#[component]
pub fn OpenEmergencies() -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {deferred(async move {
                let Ok((rows, total)) = load_open_emergencies().await else { return ().into_any() };
                if rows.is_empty() {
                    return ().into_any();
                }
                let more = (total > rows.len() as u64).then(|| view! { <p class="hint">{format!("共 {total} 件，只列出期限最早的 {} 件", rows.len())}</p> });
                view! {
                    <section class="open-emergencies" aria-labelledby="open-emergencies-heading">
                        <h2 id="open-emergencies-heading">{format!("先行救助待办 {total} 件")}</h2>
                        <div class="table-scroll"><table class="queue">
                            <thead><tr><th>"编号"</th><th>"村（社区）"</th><th>"金额"</th><th>"给予日期"</th><th>"办理情况"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|row| view! {
                                    <tr class:overdue=row.overdue>
                                        <td><a href=format!("/review/case/{}", row.reference)>{row.reference.clone()}</a></td>
                                        <td>{row.place}</td>
                                        <td>{format!("{} 元", row.amount)}</td>
                                        <td>{row.granted_on}</td>
                                        <td>{row.stage}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table></div>
                        {more}
                    </section>
                }
                .into_any()
            })}
        </Suspense>
    }
}
