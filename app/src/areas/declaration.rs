//! 家庭情况变化申报 for residents: one question per page (what changed, then when and how), a
//! check-your-answers page with evidence uploads, and a receipt. The pages read the declaration in
//! progress; the forms post to `server/src/web/declaration.rs`. Without JavaScript, at 360 px.

use crate::domain::declaration::ChangeKind;
use crate::forms::{query, Choice, ErrorSummary, Field, FileField, IslandScripts};
use crate::suspense::deferred;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use serde::{Deserialize, Serialize};

/// The declaration in progress as the pages show it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DeclarationView {
    pub kind: Option<ChangeKind>,
    pub occurred_on: String,
    pub details: String,
    pub income: String,
    pub complete: bool,
    /// The household's assistance ended: it may only say that its income fell again.
    pub after_exit: bool,
    pub form: crate::forms::FormFeedback,
}

impl DeclarationView {
    /// What was typed in a refused post, or else the saved answer.
    fn value(&self, field: &str, saved: &str) -> String {
        self.form.value_or(field, saved)
    }

    fn error(&self, field: &str) -> Option<String> {
        self.form.error(field)
    }
}

/// The verified household's declaration in progress; `None` when the phone has not passed the status
/// page's SMS check or the household's record does not take declarations.
#[server]
pub async fn load_declaration(flash: String) -> Result<Option<DeclarationView>, ServerFnError> {
    use crate::features::declaration::{draft, household, DeclarationError};
    let Some(lookup) = crate::auth::current_status_lookup().filter(|l| l.verified) else { return Ok(None) };
    let services = crate::services::services()?;
    let failed = |e: DeclarationError| super::read_failed("declaration", "暂时无法读取，请稍后再试", e);
    let (case, declaring) = match household(&services, &lookup.reference).await {
        Ok(found) => found,
        Err(DeclarationError::NotOpen) => return Ok(None),
        Err(e) => return Err(failed(e)),
    };
    let current = draft(&services, &case).await.map_err(failed)?;
    let flash = services.flash.get(&flash).await.unwrap_or_default();
    Ok(Some(DeclarationView {
        kind: current.kind,
        occurred_on: current.occurred_on.map(|d| d.to_string()).unwrap_or_default(),
        complete: current.is_complete(),
        after_exit: declaring == crate::domain::declaration::Declaring::AfterExit,
        details: current.details,
        income: current.income.map(|n| n.to_string()).unwrap_or_default(),
        form: flash,
    }))
}

/// Loads the declaration and shows `page` with it, or the way back to the status page.
fn with_declaration<V: IntoView + 'static>(
    page: impl Fn(DeclarationView) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let flash = query("flash");
    view! {
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load_declaration(flash).await {
                    Ok(Some(declaration)) => page(declaration).into_any(),
                    Ok(None) => view! {
                        <p>"请先在“进度查询”中输入申请编号并验证手机号。正在享受救助（含渐退期）的家庭可以在网上申报变化，救助终止一年内的家庭可以申报收入下降；其他情况请直接联系乡镇（街道）。"</p>
                        <p><a href="/status">"进度查询"</a></p>
                    }.into_any(),
                    Err(e) => view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn DeclareKindPage() -> impl IntoView {
    view! {
        <Title text="申报家庭情况变化"/>
        <Meta name="robots" content="noindex"/>
        <p class="breadcrumb"><a href="/status/view">"返回进度查询"</a></p>
        <h1>"申报家庭情况变化"</h1>
        <p>"享受救助的家庭，收入、人口、财产等情况发生变化的，应当及时告知乡镇（街道）。申报后工作人员会入户核实，重新核定救助。"</p>
        {with_declaration(|d| {
            let options: Vec<(&'static str, &'static str)> = match d.after_exit {
                true => vec![(ChangeKind::IncomeOrJob.key(), "收入下降（失业、减少工作、收入减少）")],
                false => ChangeKind::ALL.iter().map(|k| (k.key(), k.label())).collect(),
            };
            let value = d.value("kind", d.kind.map(|k| k.key()).unwrap_or(""));
            view! {
                {d.after_exit.then(|| view! {
                    <p class="notice">"您家的救助已经终止。如果收入又下降、生活出现困难，请在这里告诉我们，乡镇（街道）会在期限内入户了解，符合条件的帮助您重新申请。"</p>
                })}
                <ErrorSummary errors=d.form.errors.clone()/>
                <form method="post" action={crate::routes::STATUS_CHANGE_KIND} class="question-form" novalidate>
                    <Choice name="kind" legend="发生了哪种变化？（有几种变化的，请一种一种申报）" value options error=d.error("kind")/>
                    <button type="submit" class="primary">"继续"</button>
                </form>
            }
        })}
    }
}

#[component]
pub fn DeclareDetailsPage() -> impl IntoView {
    view! {
        <Title text="变化的情况"/>
        <Meta name="robots" content="noindex"/>
        <p class="breadcrumb"><a href="/status/change">"上一步"</a></p>
        {with_declaration(|d| {
            let Some(kind) = d.kind else {
                return view! { <p><a href="/status/change">"请先选择发生了哪种变化"</a></p> }.into_any();
            };
            let (date_error, details_error, income_error) = (d.error("occurred_on"), d.error("details"), d.error("income"));
            let (date_invalid, details_invalid, income_invalid) =
                (date_error.is_some().then_some("true"), details_error.is_some().then_some("true"), income_error.is_some().then_some("true"));
            let (date, details, income) = (d.value("occurred_on", &d.occurred_on), d.value("details", &d.details), d.value("income", &d.income));
            view! {
                <h1>{kind.short()}</h1>
                <ErrorSummary errors=d.form.errors.clone()/>
                <form method="post" action={crate::routes::STATUS_CHANGE_DETAILS} class="question-form" novalidate>
                    <Field name="occurred_on" label="什么时候发生的？" hint="格式如 2026-11-20，记不清具体哪天的填大概日期" error=date_error>
                        <input id="occurred_on" name="occurred_on" class="short" inputmode="numeric" value=date aria-invalid=date_invalid/>
                    </Field>
                    <Field name="details" label="发生了什么变化？" hint="例如：儿子在县城找到工作，每月工资约2000元" error=details_error>
                        <textarea id="details" name="details" rows="4" aria-invalid=details_invalid>{details}</textarea>
                    </Field>
                    {(kind == ChangeKind::IncomeOrJob).then(|| view! {
                        <Field name="income" label="家庭现在每月总收入（元）" hint="工资、务农、养老金等都算，只填数字，没有收入填 0" error=income_error>
                            <input id="income" name="income" class="short" inputmode="numeric" value=income aria-invalid=income_invalid/>
                        </Field>
                    })}
                    <button type="submit" class="primary">"继续"</button>
                </form>
            }.into_any()
        })}
    }
}

#[component]
pub fn DeclareCheckPage() -> impl IntoView {
    view! {
        <Title text="核对申报内容"/>
        <Meta name="robots" content="noindex"/>
        <h1>"核对申报内容"</h1>
        {with_declaration(|d| {
            let Some(kind) = d.kind.filter(|_| d.complete) else {
                return view! { <p><a href="/status/change">"请先回答前面的问题"</a></p> }.into_any();
            };
            view! {
                <ErrorSummary errors=d.form.errors.clone()/>
                <dl class="answers">
                    <dt>"变化"</dt><dd>{kind.short()}" "<a href="/status/change">"修改"</a></dd>
                    <dt>"发生日期"</dt><dd>{d.occurred_on.clone()}" "<a href={crate::routes::STATUS_CHANGE_DETAILS}>"修改"</a></dd>
                    <dt>"情况说明"</dt><dd>{d.details.clone()}</dd>
                    {(!d.income.is_empty()).then(|| view! { <dt>"家庭现在每月总收入"</dt><dd>{format!("{} 元", d.income)}</dd> })}
                </dl>
                <form method="post" action={crate::routes::STATUS_CHANGE_SUBMIT} enctype="multipart/form-data" class="question-form" novalidate>
                    {(!d.after_exit).then(|| view! {
                        <FileField name="evidence" label="证明材料（可选）" hint="如劳动合同、工资条、诊断证明、出生证明的照片或PDF，最多3个，每个不超过5MB；照片里的位置等信息会被去除" error=d.error("evidence")/>
                        <IslandScripts/>
                    })}
                    <p>"提交即表示以上情况属实。"</p>
                    <button type="submit" class="primary">"提交申报"</button>
                </form>
            }.into_any()
        })}
    }
}

#[component]
pub fn DeclareDonePage() -> impl IntoView {
    let number: String =
        query("number").chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(40).collect();
    // A receipt naming a monitoring warning (after the assistance ended) rather than a declaration.
    let after_exit = number.rsplit('-').next().is_some_and(|last| last.starts_with('Y'));
    let next = match after_exit {
        true => "乡镇（街道）工作人员会在期限内入户了解您家的情况，符合条件的会帮助您重新申请救助。",
        false => "乡镇（街道）工作人员会入户核实，重新核定您家的救助。需要补充材料的，会打电话或上门告诉您。",
    };
    view! {
        <Title text="申报已提交"/>
        <Meta name="robots" content="noindex"/>
        <div class="panel" role="status">
            <h1>"申报已提交"</h1>
            <p>"申报编号："<strong class="declaration-number">{number}</strong></p>
            <p>{next}</p>
            <p>"请记下申报编号，打电话询问时告诉工作人员。"</p>
        </div>
        <p><a href="/status/view">"返回进度查询"</a></p>
    }
}
