//! 申请救助: what the service is, what to have ready, and the eligibility self-check. The self-check is a
//! plain GET form answered by the server, so it works without JavaScript, and it stores nothing.

use crate::domain::assistance::AssistanceType;
use crate::domain::eligibility::{suggest, FieldError, Form, LocalStandards, Suggestion};
use crate::domain::region::County;
use crate::forms::{Check, Choice, Field};
use crate::suspense::deferred;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// What the self-check needs from the database: the county list and the chosen county's standards.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SelfCheckData {
    pub counties: Vec<County>,
    pub standards: Option<LocalStandards>,
}

#[server]
pub async fn load_self_check_data(county: String) -> Result<SelfCheckData, ServerFnError> {
    let store = crate::services::services()?.store;
    let read = async {
        let counties = store.counties().await?;
        let standards = if county.is_empty() { None } else { store.local_standards(&county).await? };
        Ok::<_, crate::store::StoreError>(SelfCheckData { counties, standards })
    };
    read.await.map_err(|e| super::read_failed("self-check data", "暂时无法读取当地救助标准", e))
}

/// The outcome of one self-check submission.
enum Outcome {
    NotAsked,
    Invalid(Vec<FieldError>),
    Suggested { standards: LocalStandards, suggestions: Vec<Suggestion> },
}

fn evaluate(form: &Form, standards: Option<LocalStandards>) -> Outcome {
    if form.is_blank() {
        return Outcome::NotAsked;
    }
    match (form.check(), standards) {
        (Err(errors), _) => Outcome::Invalid(errors),
        (Ok(_), None) => {
            Outcome::Invalid(vec![FieldError { field: "county", message: "请选择户籍所在县区" }])
        }
        (Ok(answers), Some(standards)) => {
            let suggestions = suggest(&answers, &standards);
            Outcome::Suggested { standards, suggestions }
        }
    }
}

#[component]
pub fn ApplyPage() -> impl IntoView {
    let form = use_query_map().with_untracked(|q| {
        let field = |name: &str| q.get(name).unwrap_or_default();
        Form {
            county: field("county"),
            residence: field("residence"),
            household_size: field("household_size"),
            monthly_income: field("monthly_income"),
            assets: field("assets"),
            rigid_spending: field("rigid_spending"),
            disability: field("disability"),
            no_support: field("no_support"),
            sudden: field("sudden"),
        }
    });
    view! {
        <Title text="申请救助"/>
        <h1>"申请社会救助"</h1>
        <section class="how-to">
            <p>"家庭收入低、遇到大病或突发困难的，可以申请低保、特困供养、临时救助等社会救助。申请不收任何费用。"</p>
            <h2>"申请前请准备"</h2>
            <ul>
                <li>"申请人和家庭成员的身份证、户口簿"</li>
                <li>"家庭收入情况（工资、务农、养老金等大概数额）"</li>
                <li>"看病、上学的票据，残疾证或诊断证明（如有）"</li>
            </ul>
            <h2>"要多长时间"</h2>
            <p>"乡镇（街道）受理后，一般在30个工作日内作出决定，具体时限以各县区规定为准；情况紧急的可以先行救助。"</p>
        </section>
        <section class="start">
            <h2>"网上申请"</h2>
            <p>"先用手机短信核验身份，再回答几组问题，大约10分钟。填写的内容随时保存，可以分几次填完。也可以到户籍所在地乡镇人民政府（街道办事处）当面申请，或请村（社区）协理员帮忙。"</p>
            <p><a class="button primary" href="/apply/identity">"开始申请"</a></p>
            <p class="hint">"不确定能申请什么，可以先用下面的自查。"</p>
        </section>
        <SelfCheck form/>
    }
}

#[component]
fn SelfCheck(form: Form) -> impl IntoView {
    let county = form.county.clone();
    view! {
        <section class="self-check" aria-labelledby="self-check-title">
            <h2 id="self-check-title">"自查：我可以申请哪些救助？"</h2>
            <p class="hint">"回答几个问题，马上告诉您可以申请什么。结果只供参考，不保存您填写的任何信息。"</p>
            <Suspense fallback=|| ()>
                {deferred(async move {
                    match load_self_check_data(county).await {
                        Ok(data) => {
                            let outcome = evaluate(&form, data.standards);
                            view! { <SelfCheckForm form counties=data.counties outcome/> }.into_any()
                        }
                        Err(e) => view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SelfCheckForm(form: Form, counties: Vec<County>, outcome: Outcome) -> impl IntoView {
    let errors = match &outcome {
        Outcome::Invalid(errors) => errors.clone(),
        _ => Vec::new(),
    };
    let error_for = |field: &str| errors.iter().find(|e| e.field == field).map(|e| e.message.to_string());
    let [county_error, residence_error, size_error, income_error, assets_error, rigid_error] =
        ["county", "residence", "household_size", "monthly_income", "assets", "rigid_spending"]
            .map(error_for);
    let summary = (!errors.is_empty()).then(|| {
        view! {
            <div class="error-summary" role="alert" id="result">
                <h3>"请修改以下内容"</h3>
                <ul>
                    {errors
                        .iter()
                        .map(|e| view! { <li><a href=format!("#{}", e.field)>{e.message}</a></li> })
                        .collect_view()}
                </ul>
            </div>
        }
    });
    let county_invalid = county_error.is_some().then_some("true");
    view! {
        {summary}
        <form method="get" action="/apply#result" class="question-form" novalidate>
            <Field name="county" label="户籍所在县区" error=county_error>
                <select id="county" name="county" aria-invalid=county_invalid>
                    <option value="">"请选择"</option>
                    {counties
                        .into_iter()
                        .map(|c| {
                            let selected = c.code == form.county;
                            view! { <option value=c.code selected=selected>{c.name}</option> }
                        })
                        .collect_view()}
                </select>
            </Field>
            <Choice name="residence" legend="户口类型" value=form.residence.clone()
                options=vec![("urban", "城市（城镇）户口"), ("rural", "农村户口")] error=residence_error/>
            <Field name="household_size" label="家里一共几口人" error=size_error>
                <input id="household_size" name="household_size" inputmode="numeric" autocomplete="off"
                    value=form.household_size.clone() class="short"/>
            </Field>
            <Field name="monthly_income" label="全家每月总收入（元）" hint="工资、务农、养老金、赡养费等都算，没有填 0" error=income_error>
                <input id="monthly_income" name="monthly_income" inputmode="numeric" autocomplete="off"
                    value=form.monthly_income.clone() class="short"/>
            </Field>
            <Choice name="assets" legend="存款、车辆、房产是否不多（在当地规定范围内）" value=form.assets.clone()
                options=vec![("yes", "是，不多"), ("no", "不是，较多")] error=assets_error/>
            <Field name="rigid_spending" label="过去一年看病、上学自己花了多少钱（元）" hint="没有就留空" error=rigid_error>
                <input id="rigid_spending" name="rigid_spending" inputmode="numeric" autocomplete="off"
                    value=form.rigid_spending.clone() class="short"/>
            </Field>
            <fieldset class="checks">
                <legend>"家里的情况（符合的请勾选）"</legend>
                <Check name="disability" checked=form.disability == "yes" label="有残疾或重病的家庭成员"/>
                <Check name="no_support" checked=form.no_support == "yes" label="有人没有劳动能力、没有收入，也没有人赡养、抚养"/>
                <Check name="sudden" checked=form.sudden == "yes" label="最近遇到火灾、车祸、重病等突发困难"/>
            </fieldset>
            <button type="submit" class="primary">"查看结果"</button>
        </form>
        <SelfCheckResult outcome/>
    }
}

#[component]
fn SelfCheckResult(outcome: Outcome) -> impl IntoView {
    let Outcome::Suggested { standards, suggestions } = outcome else {
        return ().into_any();
    };
    let unconfirmed = (!standards.confirmed).then(|| {
        view! {
            <p class="notice">"提示：以下使用的是系统默认参考标准，尚待当地民政部门核定，一切以当地公布的标准和审核结果为准。"</p>
        }
    });
    let basis = format!(
        "{}低保标准：城市每人每月 {} 元，农村每人每月 {} 元。",
        standards.county_name, standards.dibao_urban_monthly, standards.dibao_rural_monthly
    );
    let body = if suggestions.is_empty() {
        view! {
            <p>"根据您的回答，暂时没有发现明显符合的救助类型。家庭情况特殊的，仍可以到乡镇（街道）咨询或提出申请。"</p>
        }
        .into_any()
    } else {
        view! {
            <ul class="suggestions">
                {suggestions
                    .into_iter()
                    .map(|s| view! {
                        <li>
                            <strong>{AssistanceType::label(s.kind)}</strong>
                            <p>{s.reason}</p>
                            <a href=format!("/guide/{}", s.kind.guide_slug())>"了解这项救助"</a>
                        </li>
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="result" id="result" aria-live="polite">
            <h2>"自查结果"</h2>
            {unconfirmed}
            {body}
            <p class="hint">{basis}" 结果只供参考，是否符合条件以乡镇、县区民政部门审核为准。"</p>
        </section>
    }
    .into_any()
}
