//! 进度查询: the reference number, the SMS code sent to the applicant's phone, then the timeline of the
//! legal steps with dates, the next step and its deadline, and what the applicant must do now. Shows
//! only the applicant's own case, masked where a shared phone could expose it. The forms post to
//! `server/src/web/status.rs`.

use crate::forms::{ErrorSummary, FileField, IslandScripts, TextField};
use crate::suspense::deferred;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct LookupStep {
    pub form: crate::forms::FormFeedback,
    /// A lookup is waiting for its code.
    pub waiting: bool,
}

#[server]
pub async fn load_lookup_step(flash: String) -> Result<LookupStep, ServerFnError> {
    let services = crate::services::services()?;
    let flash = services.flash.get(&flash).await.unwrap_or_default();
    Ok(LookupStep { form: flash, waiting: crate::auth::current_status_lookup().is_some() })
}

#[component]
pub fn StatusPage() -> impl IntoView {
    let (flash, step) =
        use_query_map().with_untracked(|q| (q.get("flash").unwrap_or_default(), q.get("step")));
    view! {
        <Title text="进度查询"/>
        <Meta name="robots" content="noindex"/>
        <h1>"进度查询"</h1>
        <Suspense fallback=|| ()>
            {deferred(async move {
                let state = load_lookup_step(flash).await.unwrap_or_default();
                if step.as_deref() == Some("code") && state.waiting {
                    let code_error = state.form.error("code");
                    view! {
                        <p class="notice" role="status">"如果申请编号正确，验证码已发送到申请时登记的手机，5分钟内有效。"</p>
                        <ErrorSummary errors=state.form.errors.clone()/>
                        <form method="post" action={crate::routes::STATUS_VERIFY} class="question-form" novalidate>
                            <TextField name="code" label="短信验证码" value=String::new() error=code_error input_mode="numeric" autocomplete="one-time-code"/>
                            <button type="submit" class="primary">"查询"</button>
                        </form>
                        <p><a href="/status">"重新填写申请编号"</a></p>
                    }
                    .into_any()
                } else {
                    let reference = state.form.value("reference");
                    let reference_error = state.form.error("reference");
                    view! {
                        <p>"不用注册账号。填写申请编号，我们会给申请时登记的手机发送验证码。"</p>
                        <ErrorSummary errors=state.form.errors.clone()/>
                        <form method="post" action={crate::routes::STATUS_CODE} class="question-form" novalidate>
                            <TextField name="reference" label="申请编号" hint="在申请回执上，例如 ZY20261129-7K3M9Q" value=reference error=reference_error/>
                            <button type="submit" class="primary">"获取验证码"</button>
                        </form>
                        <p class="hint">"忘记编号或手机号已不用，请带身份证到乡镇（街道）查询，或拨打页面底部的电话。"</p>
                    }
                    .into_any()
                }
            })}
        </Suspense>
    }
}

/// What the applicant sees about their own case.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StatusView {
    pub reference: String,
    pub name_masked: String,
    pub types: String,
    pub status: String,
    /// (step, date it happened)
    pub steps: Vec<(String, Option<String>)>,
    pub next_step: String,
    pub deadline: Option<String>,
    /// What the applicant must do now, if anything.
    pub to_do: Option<String>,
    /// The written reasons of a refusal.
    pub reasons: Option<String>,
    /// 先行救助 given on the case and where it stands, in the county's words when it answered.
    pub emergency: Option<String>,
    /// The household's record after approval: what is granted and how it stands.
    pub assistance: Option<ResidentRecord>,
    pub can_withdraw: bool,
    /// What a failed upload typed (the note), from the flash store.
    pub form: crate::forms::FormFeedback,
}

/// The record of an approved household as the household sees it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ResidentRecord {
    /// "每月 640 元", "一次性 2000 元", "身份认定（不直接发放资金）".
    pub granted: String,
    /// "在保", "渐退中，渐退至2028年5月31日，之后停止发放", "已终止，终止于…（原因）".
    pub state: String,
    pub next: String,
    /// What the household may declare online: any change (in force, recognised or phasing out), or
    /// after the end only a fall of income.
    pub declaring: Option<crate::domain::declaration::Declaring>,
}

/// What the household is told about its record on `today`.
#[cfg(feature = "ssr")]
fn resident_record(
    record: &crate::store::AssistanceRecord,
    today: crate::domain::calendar::Date,
    income_fall_months: u32,
) -> ResidentRecord {
    use crate::domain::register::{state_on, EndReason, GrantKind, RecordState};
    let (state, reason) = state_on(record.state, record.ends_on, today);
    let end = record.ends_on.map(|d| d.chinese()).unwrap_or_default();
    let described = match state {
        RecordState::PhasingOut => format!("渐退中，救助金发放至{end}，之后停止"),
        RecordState::Recognised => format!("认定有效，有效期至{end}"),
        RecordState::Ended => {
            let reason = reason.or(record.end_reason).map(EndReason::label).unwrap_or("");
            format!("已终止（{end}，原因：{reason}）")
        }
        other => other.label().to_string(),
    };
    let next = match (state, record.grant) {
        (RecordState::Ended, _) => {
            "如对终止有异议，可以向县区民政局申请复核，或依法申请行政复议；家庭再有困难可以重新申请"
                .to_string()
        }
        (RecordState::PhasingOut, _) => "渐退期满后停止发放；家庭收入再次下降的，可以重新申请".to_string(),
        (_, GrantKind::OneOff) => "一次性救助金由乡镇（街道）发放，不按月发放".to_string(),
        (_, GrantKind::Department) => "专项救助由相关部门办理".to_string(),
        _ => match record.review_due {
            Some(due) => format!(
                "{}前后乡镇（街道）会入户复核；家庭收入、人口、住房等情况有变化，请及时告知",
                due.chinese()
            ),
            None => "家庭收入、人口、住房等情况有变化，请及时告知乡镇（街道）".to_string(),
        },
    };
    let declaring = crate::domain::declaration::declaring(state, record.ends_on, today, income_fall_months);
    ResidentRecord { granted: record.grant.describe(record.amount), state: described, next, declaring }
}

/// The help given first, as the applicant reads it; `why_not` is the county's note when it did not confirm.
#[cfg(feature = "ssr")]
fn emergency_line(grant: &crate::store::EmergencyGrant, why_not: Option<String>) -> String {
    use crate::domain::emergency::CountyAnswer;
    let given = format!("{}已先行给予临时救助 {} 元", grant.granted_on.chinese(), grant.amount);
    match grant.answer {
        None => format!("{given}，乡镇（街道）正在补齐材料，之后由县级确认"),
        Some(CountyAnswer::Confirmed) => format!("{given}，县级已确认"),
        Some(CountyAnswer::NotConfirmed) => format!("{given}。{}", why_not.unwrap_or_default()),
    }
}

/// The date the case's next decision is due by, while one is pending.
#[cfg(feature = "ssr")]
fn deadline(case: &crate::store::ApplicationRecord) -> Option<crate::domain::calendar::Date> {
    use crate::domain::workflow::Status;
    match case.status {
        Status::Submitted => Some(case.acceptance_due),
        s if !s.is_final() => Some(case.decision_due),
        _ => None,
    }
}

/// What the status page reads of the sealed draft of an application submitted before the masked name was
/// kept beside it: the applicant's name, read alone (members, income, assets skipped).
#[cfg(feature = "ssr")]
#[derive(Deserialize)]
struct DraftApplicant {
    applicant: ApplicantName,
}

#[cfg(feature = "ssr")]
#[derive(Deserialize)]
struct ApplicantName {
    name: String,
}

#[server]
pub async fn load_status(flash: String) -> Result<Option<StatusView>, ServerFnError> {
    use crate::domain::calendar::Date;
    use crate::domain::masking::mask_name;
    use crate::domain::workflow::{next_step, timeline, Status};
    let Some(lookup) = crate::auth::current_status_lookup().filter(|l| l.verified) else { return Ok(None) };
    let services = crate::services::services()?;
    let failed = |e: &dyn std::fmt::Display| super::read_failed("status", "暂时无法查询，请稍后再试", e);
    let Some((case, events)) =
        services.store.case_with_events(&lookup.reference).await.map_err(|e| failed(&e))?
    else {
        return Ok(None);
    };
    let name_masked = match case.applicant_masked.clone() {
        Some(masked) => masked,
        None => {
            let draft: DraftApplicant = services.sealer.open(&case.sealed).map_err(|e| failed(&e))?;
            mask_name(&draft.applicant.name)
        }
    };
    let keyed: Vec<(String, i64)> = events.iter().map(|e| (e.action.clone(), e.at)).collect();
    let latest_note = |action: &str| events.iter().rev().find(|e| e.action == action).map(|e| e.note.clone());
    let to_do = (case.status == Status::MaterialRequested).then(|| {
        format!(
            "请补充以下材料，交到受理的乡镇（街道）：{}",
            latest_note("request_material").unwrap_or_default()
        )
    });
    let flash = services.flash.get(&flash).await.unwrap_or_default();
    let today = Date::today_in_china(services.now());
    // Only an approved case has a record in the register, and only an urgent application can have had an
    // emergency grant: a status lookup of any other case skips those reads (most lookups are of cases
    // still being decided).
    let record = if case.status == Status::Approved {
        services.store.assistance_record(case.id).await.map_err(|e| failed(&e))?
    } else {
        None
    };
    let assistance = record.map(|r| resident_record(&r, today, services.warning_rules.income_fall_months));
    let grant = if crate::domain::emergency::urgent(case.emergency, &case.types) {
        services.store.emergency_grant(case.id).await.map_err(|e| failed(&e))?
    } else {
        None
    };
    let emergency = grant.map(|grant| emergency_line(&grant, latest_note("emergency_not_confirmed")));
    Ok(Some(StatusView {
        deadline: deadline(&case).map(|d| d.chinese()),
        reference: case.reference,
        name_masked,
        types: case.types.iter().map(|t| t.label()).collect::<Vec<_>>().join("、"),
        status: case.status.label().to_string(),
        steps: timeline(&keyed)
            .into_iter()
            .map(|s| (s.label.to_string(), s.done_at.map(|at| Date::today_in_china(at).chinese())))
            .collect(),
        next_step: assistance
            .as_ref()
            .map(|a| a.next.clone())
            .unwrap_or_else(|| next_step(case.status).to_string()),
        to_do,
        emergency,
        reasons: (case.status == Status::Refused).then(|| latest_note("refuse").unwrap_or_default()),
        assistance,
        can_withdraw: !case.status.is_final(),
        form: flash,
    }))
}

#[component]
pub fn StatusViewPage() -> impl IntoView {
    let (flash, confirm, material_sent) = use_query_map().with_untracked(|q| {
        let confirm = q.get("confirm").as_deref() == Some("withdraw");
        (q.get("flash").unwrap_or_default(), confirm, q.get("material").as_deref() == Some("sent"))
    });
    view! {
        <Title text="办理进度"/>
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load_status(flash).await {
                    Ok(Some(view)) => view! { <Timeline view confirm material_sent/> }.into_any(),
                    Ok(None) => view! {
                        <h1>"查询已过期"</h1>
                        <p>"为保护个人信息，查询结果30分钟内有效。"<a href="/status">"重新查询"</a></p>
                    }
                    .into_any(),
                    Err(e) => view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Timeline(view: StatusView, confirm: bool, material_sent: bool) -> impl IntoView {
    let withdraw_error = view.form.error("withdraw");
    let material_error = view.form.error("material");
    let material_note = view.form.value("material_note");
    view! {
        <h1>"办理进度"</h1>
        <dl class="answers">
            <dt>"申请编号"</dt><dd>{view.reference.clone()}</dd>
            <dt>"申请人"</dt><dd>{view.name_masked.clone()}</dd>
            <dt>"申请救助"</dt><dd>{view.types.clone()}</dd>
            <dt>"当前状态"</dt><dd class="status-line"><strong>{view.status.clone()}</strong></dd>
        </dl>
        {material_sent.then(|| view! { <p class="notice" role="status">"材料已收到，申请已回到乡镇（街道）继续办理。"</p> })}
        {view.to_do.clone().map(|t| view! {
            <div class="notice" role="status">
                <h2>"需要您办理"</h2>
                <p>{t}</p>
                <p>"也可以在这里拍照上传："</p>
                <form method="post" action={crate::routes::STATUS_MATERIAL} enctype="multipart/form-data" class="question-form" novalidate>
                    <FileField name="material" label="照片或 PDF（最多3个，每个不超过5MB）" error=material_error/>
                    <IslandScripts/>
                    <div class="field">
                        <label for="material_note">"说明（可以不填）"</label>
                        <input id="material_note" name="material_note" value=material_note maxlength="200"/>
                    </div>
                    <button type="submit" class="primary">"上传材料"</button>
                </form>
            </div>
        })}
        {view.reasons.clone().map(|r| view! { <div class="notice"><h2>"不予批准的理由"</h2><p>{r}</p></div> })}
        {view.emergency.clone().map(|e| view! { <div class="notice emergency"><h2>"先行救助"</h2><p>{e}</p></div> })}
        {view.assistance.clone().map(|a| view! {
            <div class="notice assistance">
                <h2>"救助情况"</h2>
                <dl class="answers">
                    <dt>"批准的救助"</dt><dd>{a.granted}</dd>
                    <dt>"目前状态"</dt><dd>{a.state}</dd>
                </dl>
                {a.declaring.map(|declaring| {
                    let text = match declaring {
                        crate::domain::declaration::Declaring::Record => "家庭情况有变化？在线申报",
                        crate::domain::declaration::Declaring::AfterExit => "收入又下降了？在线告诉我们",
                    };
                    view! { <p><a href="/status/change" class="button secondary">{text}</a></p> }
                })}
            </div>
        })}
        <h2>"下一步"</h2>
        <p>{view.next_step.clone()}{view.deadline.clone().map(|d| format!("（期限：{d}前）"))}</p>
        <h2>"办理过程"</h2>
        <ol class="timeline">
            {view.steps.iter().map(|(label, date)| {
                let done = date.is_some();
                view! {
                    <li class:done=done>
                        <strong>{label.clone()}</strong>" "
                        {date.clone().unwrap_or_else(|| "尚未进行".to_string())}
                    </li>
                }
            }).collect_view()}
        </ol>
        {withdraw_error.map(|e| view! { <p class="field-error">{e}</p> })}
        {match (view.can_withdraw, confirm) {
            (true, false) => Some(view! { <p><a href="/status/view?confirm=withdraw">"撤回申请"</a></p> }.into_any()),
            (true, true) => Some(view! {
                <form method="post" action={crate::routes::STATUS_WITHDRAW} class="question-form">
                    <h2>"确定要撤回申请吗？"</h2>
                    <p>"撤回后本次申请不再办理，需要时可以重新申请。"</p>
                    <button type="submit" class="secondary">"确认撤回"</button>
                    " "<a href="/status/view">"不撤回"</a>
                </form>
            }.into_any()),
            _ => None,
        }}
    }
}
