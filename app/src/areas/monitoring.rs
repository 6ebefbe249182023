//! 预警处置 and 走访: the open warnings of a township (or of a village worker's villages) by visit deadline,
//! one page per warning with the visit form that closes it (`server/src/web/monitoring.rs`), the county's
//! counts per township, and the form that registers a household a worker found at the door.

use crate::domain::monitoring::FOUND_MEMBER_ROWS;
use crate::forms::{query, Choice, ErrorSummary, Field, FileField, IslandScripts, TextField};
use crate::suspense::deferred;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use serde::{Deserialize, Serialize};

/// One open warning as a reviewer sees it: where, what, how urgent, by when.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WarningLine {
    pub id: i64,
    pub household_id: i64,
    pub place: String,
    pub kind: String,
    pub level: String,
    pub raised_on: String,
    pub due: String,
    pub overdue: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum WarningsView {
    Township(Vec<WarningLine>),
    /// (township, open, overdue)
    County(Vec<(String, u64, u64)>),
}

#[cfg(feature = "ssr")]
fn line(
    services: &crate::services::Services,
    w: crate::store::WarningRow,
    today: crate::domain::calendar::Date,
) -> WarningLine {
    use crate::domain::calendar::Date;
    WarningLine {
        id: w.id,
        household_id: w.household_id,
        place: format!("{} {}", crate::store::place_name(&services.divisions, &w.township_code), w.village),
        kind: w.kind.label().to_string(),
        level: w.warning.level.label().to_string(),
        raised_on: Date::today_in_china(w.raised_at).chinese(),
        due: w.warning.visit_due.chinese(),
        overdue: w.warning.is_overdue(today),
    }
}

#[server]
pub async fn load_warnings() -> Result<WarningsView, ServerFnError> {
    use crate::domain::calendar::Date;
    use crate::features::monitoring::{warning_desk, WarningDesk};
    let staff = crate::auth::current_staff().await.ok_or_else(|| ServerFnError::new("请先登录"))?;
    let services = crate::services::services()?;
    let today = Date::today_in_china(services.now());
    let desk = warning_desk(&services, &staff, today).await.map_err(|e| ServerFnError::new(e.to_string()))?;
    Ok(match desk {
        WarningDesk::Township(rows) => {
            WarningsView::Township(rows.into_iter().map(|w| line(&services, w, today)).collect())
        }
        WarningDesk::County(counts) => WarningsView::County(
            counts
                .into_iter()
                .map(|(code, open, overdue)| {
                    (crate::store::place_name(&services.divisions, &code), open, overdue)
                })
                .collect(),
        ),
    })
}

#[component]
pub fn WarningsPage() -> impl IntoView {
    let closed = query("closed") == "1";
    let redirect = super::review::SignInRedirect::capture();
    view! {
        <Title text="预警处置"/>
        <Meta name="robots" content="noindex"/>
        <p class="breadcrumb"><a href="/review">"返回审核队列"</a></p>
        <h1>"预警处置"</h1>
        <p>"部门推送和走访发现的风险预警，须在期限内入户核实并办结。"</p>
        <p><a href="/review/visits/new">"登记走访发现的困难家庭"</a></p>
        {closed.then(|| view! { <p class="notice" role="status">"预警已办结。"</p> })}
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load_warnings().await {
                    Ok(WarningsView::Township(lines)) => view! { <TownshipWarnings lines/> }.into_any(),
                    Ok(WarningsView::County(counts)) => view! { <CountyWarnings counts/> }.into_any(),
                    Err(_) => redirect.send(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TownshipWarnings(lines: Vec<WarningLine>) -> impl IntoView {
    view! {
        <p>{format!("待处置 {} 条，按核实期限排列", lines.len())}</p>
        <div class="table-scroll"><table class="queue">
            <thead><tr><th>"村（社区）"</th><th>"预警"</th><th>"等级"</th><th>"核实期限"</th></tr></thead>
            <tbody>
                {lines.into_iter().map(|w| view! {
                    <tr class:overdue=w.overdue>
                        <td>{w.place}</td>
                        <td><a href=format!("/review/warnings/{}", w.id)>{w.kind}</a></td>
                        <td>{w.level}</td>
                        <td>{w.due}{w.overdue.then(|| view! { <span class="tag">"超期"</span> })}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

#[component]
fn CountyWarnings(counts: Vec<(String, u64, u64)>) -> impl IntoView {
    view! {
        <h2>"各乡镇（街道）未办结预警"</h2>
        <div class="table-scroll"><table class="queue">
            <thead><tr><th>"乡镇（街道）"</th><th>"未办结"</th><th>"其中超期"</th></tr></thead>
            <tbody>
                {counts.into_iter().map(|(township, open, overdue)| {
                    let late = overdue > 0;
                    view! { <tr class:overdue=late><td>{township}</td><td>{open}</td><td>{overdue}</td></tr> }
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WarningForm {
    pub warning: WarningLine,
    pub form: crate::forms::FormFeedback,
}

#[server]
pub async fn load_warning(id: i64, flash: String) -> Result<Option<WarningForm>, ServerFnError> {
    use crate::domain::calendar::Date;
    use crate::features::monitoring::{open_warning, WarningError};
    let staff = crate::auth::current_staff().await.ok_or_else(|| ServerFnError::new("请先登录"))?;
    let services = crate::services::services()?;
    let now = services.now();
    let warning = match open_warning(&services, &staff, id, now).await {
        Ok(warning) => warning,
        Err(WarningError::NotFound) => return Ok(None),
        Err(e) => return Err(ServerFnError::new(e.to_string())),
    };
    let flash = services.flash.get(&flash).await.unwrap_or_default();
    let warning = line(&services, warning, Date::today_in_china(now));
    Ok(Some(WarningForm { warning, form: flash }))
}

#[component]
pub fn WarningPage() -> impl IntoView {
    let (id, flash) = (crate::forms::path_id(), query("flash"));
    view! {
        <Title text="预警处置"/>
        <Meta name="robots" content="noindex"/>
        <p class="breadcrumb"><a href="/review/warnings">"返回预警处置"</a></p>
        {super::review::scoped_record(
            load_warning(id, flash),
            |form| view! { <CloseWarning form/> },
            || view! { <h1>"没有找到这条预警"</h1><p>"预警可能已办结，或不属于您负责的乡镇（街道）。"</p> },
        )}
    }
}

#[component]
fn CloseWarning(form: WarningForm) -> impl IntoView {
    let error_for = |field: &str| form.form.error(field);
    let feedback = form.form.clone();
    let typed = move |field: &str| feedback.value(field);
    let w = form.warning;
    let departments: Vec<(&'static str, &'static str)> = crate::domain::staff::DEPARTMENTS.to_vec();
    let chosen_department = typed("department");
    let reason_error = error_for("reason");
    let reason_invalid = reason_error.as_ref().map(|_| "true");
    view! {
        <h1>{format!("{}：{}", w.kind, w.place)}</h1>
        <dl class="account">
            <dt>"等级"</dt><dd>{w.level}</dd>
            <dt>"预警日期"</dt><dd>{w.raised_on}</dd>
            <dt>"核实期限"</dt><dd>{w.due}{w.overdue.then(|| view! { <span class="tag">"超期"</span> })}</dd>
        </dl>
        <ErrorSummary errors=form.form.errors.clone()/>
        <p><a href=format!("/review/households/{}", w.household_id)>"查看这户的档案（以往预警、走访和部门数据）"</a></p>
        <form method="post" action=format!("/review/warnings/{}/close", w.id) enctype="multipart/form-data" class="question-form" novalidate>
            <VisitFields observations=typed("observations") indicators=typed("indicators") form=form.form.clone()/>
            <Choice
                name="outcome"
                legend="入户核实后的处置结果"
                value=typed("outcome")
                options=vec![
                    ("helped_to_apply", "帮助申请救助（已代为提交申请）"),
                    ("referred", "推送有关部门"),
                    ("no_action", "无需救助"),
                ]
                error=error_for("outcome")
            />
            <p class="hint">"需要代为申请的，先请居民同意并"<a href="/apply/helper?as=village_assistant">"代办申请"</a>"（验证码发到居民本人手机），提交后把申请编号填在下面。"</p>
            <TextField name="reference" label="帮助提交的申请编号" hint="选择“帮助申请救助”时填写" value=typed("reference") error=error_for("reference")/>
            <Field name="department" label="推送的部门" hint="选择“推送有关部门”时填写" error=error_for("department")>
                <select id="department" name="department">
                    <option value="">"请选择"</option>
                    {departments.into_iter().map(|(key, name)| view! { <option value=key selected=chosen_department == key>{name}</option> }).collect_view()}
                </select>
            </Field>
            <Field name="reason" label="不需要救助的原因" hint="选择“无需救助”时填写，至少4个字" error=reason_error>
                <textarea id="reason" name="reason" rows="3" aria-invalid=reason_invalid>{typed("reason")}</textarea>
            </Field>
            <button type="submit" class="primary">"记录走访并办结预警"</button>
        </form>
    }
}

/// What the worker saw and the risks they found: part of every visit form. `indicators` holds the
/// ticked keys joined by commas (how a failed post keeps them).
#[component]
fn VisitFields(observations: String, indicators: String, form: crate::forms::FormFeedback) -> impl IntoView {
    use crate::domain::monitoring::SignalKind;
    let error_for = |field: &str| form.error(field);
    let observations_error = error_for("observations");
    let observations_invalid = observations_error.as_ref().map(|_| "true");
    let indicators_error = error_for("indicators");
    let indicators_invalid = indicators_error.is_some();
    let ticked: Vec<String> = indicators.split(',').map(str::to_string).collect();
    view! {
        <Field name="observations" label="走访情况" hint="入户看到的家庭状况，至少4个字" error=observations_error>
            <textarea id="observations" name="observations" rows="4" aria-invalid=observations_invalid>{observations}</textarea>
        </Field>
        <fieldset class="field checks" class:has-error=indicators_invalid>
            <legend>"发现的风险情况（可多选）"</legend>
            {indicators_error.map(|e| view! { <p class="field-error">{e}</p> })}
            {SignalKind::ALL.into_iter().map(|kind| {
                let id = format!("indicator_{}", kind.key());
                let label_for = id.clone();
                let checked = ticked.iter().any(|t| t == kind.key());
                view! {
                    <label class="choice" for=label_for>
                        <input type="checkbox" id=id name="indicators" value=kind.key() checked=checked/>
                        {kind.label()}
                    </label>
                }
            }).collect_view()}
        </fieldset>
        <FileField name="photos" label="走访照片（可选）" hint="最多3张，每张不超过5MB；照片里的位置等信息会被去除" error=error_for("photos")/>
        <IslandScripts/>
    }
}

/// The visit form for a household found at the door: the worker's village (fixed when they have one),
/// what they typed, and the errors of a failed post.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FoundForm {
    pub place: String,
    pub fixed_village: Option<String>,
    pub form: crate::forms::FormFeedback,
}

#[server]
pub async fn load_found_form(flash: String) -> Result<Option<FoundForm>, ServerFnError> {
    use crate::domain::staff::{village_scope, Role};
    let staff = crate::auth::current_staff().await.ok_or_else(|| ServerFnError::new("请先登录"))?;
    let services = crate::services::services()?;
    let (township, fixed_village) = match staff.role {
        Role::TownshipReviewer => (staff.scope.as_str(), None),
        Role::VillageWorker => match village_scope(&staff.scope) {
            Some((township, village)) => (township, village.map(str::to_string)),
            None => return Ok(None),
        },
        _ => return Ok(None),
    };
    let place = crate::store::place_name(&services.divisions, township);
    let flash = services.flash.get(&flash).await.unwrap_or_default();
    Ok(Some(FoundForm { place, fixed_village, form: flash }))
}

#[component]
pub fn FoundHouseholdPage() -> impl IntoView {
    let flash = query("flash");
    let recorded = query("recorded");
    let household = query("household");
    view! {
        <Title text="登记走访发现的困难家庭"/>
        <Meta name="robots" content="noindex"/>
        <p class="breadcrumb"><a href="/review">"返回工作台"</a></p>
        <h1>"登记走访发现的困难家庭"</h1>
        {match recorded.as_str() {
            "new" => Some("已登记走访，这户家庭已纳入低收入人口监测。"),
            "known" => Some("已登记走访。这户家庭原已在监测范围内，走访记录已加入其档案。"),
            _ => None,
        }.map(|text| view! {
            <div class="notice" role="status">
                <p>{text}</p>
                <p><a href=format!("/review/households/{household}")>"查看这户的档案"</a></p>
                <p>"如需代为申请救助，请居民同意后"<a href="/apply/helper?as=village_assistant">"代办申请"</a>"。"</p>
            </div>
        })}
        {super::review::scoped_record(
            load_found_form(flash),
            |form| view! { <FoundHouseholdForm form/> },
            || view! { <p>"只有乡镇（街道）审核人员和村（社区）协理员登记走访。"</p> },
        )}
    }
}

#[component]
fn FoundHouseholdForm(form: FoundForm) -> impl IntoView {
    let error_for = |field: &str| form.form.error(field);
    let feedback = form.form.clone();
    let typed = move |field: &str| feedback.value(field);
    let members_error = error_for("members");
    let members_invalid = members_error.is_some();
    let village = match form.fixed_village {
        Some(village) => view! {
            <p>{format!("{} {village}", form.place)}</p>
            <input type="hidden" name="village" value=village/>
        }
        .into_any(),
        None => view! {
            <p>{form.place}</p>
            <TextField name="village" label="村（社区）" hint="写全称，如“红沙窝村”" value=typed("village") error=error_for("village")/>
        }
        .into_any(),
    };
    view! {
        <p>"日常走访中发现的困难家庭，登记后纳入低收入人口动态监测。身份证号码加密保存，只用于与已有监测对象比对。"</p>
        <ErrorSummary errors=form.form.errors.clone()/>
        <form method="post" action={crate::routes::REVIEW_VISITS} enctype="multipart/form-data" class="question-form" novalidate>
            {village}
            <fieldset class="field" class:has-error=members_invalid>
                <legend id="members">"家庭成员（至少一位）"</legend>
                {members_error.map(|e| view! { <p class="field-error">{e}</p> })}
                {(0..FOUND_MEMBER_ROWS).map(|i| {
                    let (name, id_number) = (format!("member_name_{i}"), format!("member_id_{i}"));
                    view! {
                        <label for=name.clone()>{format!("成员{}姓名", i + 1)}</label>
                        <input type="text" id=name.clone() name="member_name" value=typed(&name) autocomplete="off"/>
                        <label for=id_number.clone()>{format!("成员{}身份证号码", i + 1)}</label>
                        <input type="text" id=id_number.clone() name="member_id" value=typed(&id_number) autocomplete="off"/>
                    }
                }).collect_view()}
            </fieldset>
            <VisitFields observations=typed("observations") indicators=typed("indicators") form=form.form.clone()/>
            <button type="submit" class="primary">"登记走访"</button>
        </form>
    }
}

/// A household referred to the officer's department after a warning's visit (分类推送), in its queue.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HouseholdReferralLine {
    pub id: i64,
    pub place: String,
    pub kind: String,
    pub referred_on: String,
}

#[cfg(feature = "ssr")]
fn referral_line(
    services: &crate::services::Services,
    r: &crate::store::HouseholdReferral,
) -> HouseholdReferralLine {
    HouseholdReferralLine {
        id: r.id,
        place: format!("{} {}", crate::store::place_name(&services.divisions, &r.township_code), r.village),
        kind: r.kind.label().to_string(),
        referred_on: crate::domain::calendar::Date::today_in_china(r.referred_at).chinese(),
    }
}

#[server(endpoint = "household-referral-queue")]
pub async fn load_household_referrals() -> Result<Option<Vec<HouseholdReferralLine>>, ServerFnError> {
    use crate::features::monitoring::household_referral_queue;
    let staff = crate::auth::current_staff().await.ok_or_else(|| ServerFnError::new("请先登录"))?;
    let services = crate::services::services()?;
    let queue =
        household_referral_queue(&services, &staff).await.map_err(|e| ServerFnError::new(e.to_string()))?;
    Ok(queue.map(|rows| rows.iter().map(|r| referral_line(&services, r)).collect()))
}

/// The department's referred households waiting for its answer, on the reviewer's landing page.
#[component]
pub fn HouseholdReferralQueue() -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {deferred(async move {
                let Ok(Some(lines)) = load_household_referrals().await else { return ().into_any() };
                view! {
                    <h2>"预警转介（低收入人口监测）"</h2>
                    <p>{format!("待办理 {} 户", lines.len())}</p>
                    <div class="table-scroll"><table class="queue">
                        <thead><tr><th>"村（社区）"</th><th>"预警"</th><th>"推送日期"</th></tr></thead>
                        <tbody>
                            {lines.into_iter().map(|r| view! {
                                <tr>
                                    <td>{r.place}</td>
                                    <td><a href=format!("/review/household-referrals/{}", r.id)>{r.kind}</a></td>
                                    <td>{r.referred_on}</td>
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

/// A referred household's page: who they are, what the visit found, and the answer form.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReferralForm {
    pub line: HouseholdReferralLine,
    pub members: Vec<(String, String)>,
    pub observations: String,
    pub indicators: String,
    pub answered: bool,
    pub answer: String,
    pub error: Option<String>,
}

#[server]
pub async fn load_household_referral(id: i64, flash: String) -> Result<Option<ReferralForm>, ServerFnError> {
    use crate::features::monitoring::{open_household_referral, WarningError};
    let staff = crate::auth::current_staff().await.ok_or_else(|| ServerFnError::new("请先登录"))?;
    let services = crate::services::services()?;
    let now = services.now();
    let found = match open_household_referral(&services, &staff, id, now).await {
        Ok(found) => found,
        Err(WarningError::NotFound) => return Ok(None),
        Err(e) => return Err(ServerFnError::new(e.to_string())),
    };
    let flash = services.flash.get(&flash).await.unwrap_or_default();
    let indicators = found.visit.indicators.iter().map(|k| k.label()).collect::<Vec<_>>().join("、");
    Ok(Some(ReferralForm {
        line: referral_line(&services, &found.referral),
        members: found.members,
        observations: found.visit.observations,
        indicators,
        answered: found.referral.answered_at.is_some(),
        answer: flash.value("answer"),
        error: flash.error("answer"),
    }))
}

#[component]
pub fn HouseholdReferralPage() -> impl IntoView {
    let (id, flash) = (crate::forms::path_id(), query("flash"));
    view! {
        <Title text="预警转介"/>
        <Meta name="robots" content="noindex"/>
        <p class="breadcrumb"><a href="/review">"返回工作台"</a></p>
        {super::review::scoped_record(
            load_household_referral(id, flash),
            |form| view! { <ReferralDetails form/> },
            || view! { <h1>"没有找到这条转介"</h1><p>"转介可能不属于您所在的部门。"</p> },
        )}
    }
}

#[component]
fn ReferralDetails(form: ReferralForm) -> impl IntoView {
    let line = form.line;
    let invalid = form.error.as_ref().map(|_| "true");
    let errors: Vec<(String, String)> =
        form.error.clone().map(|e| ("answer".to_string(), e)).into_iter().collect();
    view! {
        <h1>{format!("{}：{}", line.kind, line.place)}</h1>
        <dl class="account">
            <dt>"推送日期"</dt><dd>{line.referred_on}</dd>
            <dt>"家庭成员"</dt>
            <dd>{form.members.into_iter().map(|(name, id)| view! { <p>{format!("{name} {id}")}</p> }).collect_view()}</dd>
            <dt>"走访情况"</dt><dd>{form.observations}</dd>
            <dt>"发现的风险"</dt><dd>{form.indicators}</dd>
        </dl>
        {if form.answered {
            view! { <p class="notice" role="status">"本部门已办理。"</p> }.into_any()
        } else {
            view! {
                <ErrorSummary errors/>
                <form method="post" action=format!("/review/household-referrals/{}/answer", line.id) class="question-form" novalidate>
                    <Field name="answer" label="本部门办理情况" hint="已给予的帮助，或不能帮助的原因" error=form.error>
                        <textarea id="answer" name="answer" rows="4" aria-invalid=invalid>{form.answer}</textarea>
                    </Field>
                    <button type="submit" class="primary">"提交办理情况"</button>
                </form>
            }.into_any()
        }}
    }
}
