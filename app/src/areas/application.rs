//! 网上申请: the application form, one small question page at a time, then "check your answers" and
//! the confirmation with the reference number. Pages are rendered on the server from the resident's
//! saved draft; the forms post to `server/src/web/application.rs`, so everything works without
//! JavaScript, and a failed post comes back with the errors and what was typed.

use crate::domain::application::{
    AnswerSet, Assets, Draft, Housing, Member, Relationship, Savings, Step, Vehicle,
};
use crate::domain::assistance::AssistanceType;
use crate::domain::masking::mask_phone;
use crate::domain::region::{County, Township};
use crate::forms::{township_options, Choice, ErrorSummary, Field, FileField, IslandScripts, TextField};
use crate::suspense::deferred;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

/// What a question page needs: the draft (absent when the identity check has expired), the township
/// list for the place question, and after a failed post what was typed and the errors.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FormPage {
    pub draft: Option<Draft>,
    pub divisions: Vec<(County, Vec<Township>)>,
    pub form: crate::forms::FormFeedback,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<String> {
        self.form.error(field)
    }

    /// After a failed post, what was typed; otherwise what the draft holds.
    fn value(&self, field: &str, saved: impl FnOnce(&Draft) -> String) -> String {
        if self.form.failed() {
            return self.form.value(field);
        }
        self.draft.as_ref().map(saved).unwrap_or_default()
    }

    fn township_name(&self, code: &str) -> String {
        self.divisions
            .iter()
            .flat_map(|(county, townships)| townships.iter().map(move |t| (county, t)))
            .find(|(_, t)| t.code == code)
            .map(|(county, t)| format!("{} {}", county.name, t.name))
            .unwrap_or_default()
    }
}

#[cfg(feature = "ssr")]
async fn current_draft() -> Result<Option<(String, Draft)>, ServerFnError> {
    let services = crate::services::services()?;
    let Some(resident) = crate::auth::current_resident() else { return Ok(None) };
    let draft = crate::features::application::draft(&services, &resident.sub)
        .await
        .map_err(|e| super::read_failed("draft", "暂时无法读取您填写的内容", e))?;
    Ok(draft.map(|d| (resident.sub, d)))
}

#[server]
pub async fn load_form_page(step: String, flash: String) -> Result<FormPage, ServerFnError> {
    let services = crate::services::services()?;
    let flash = services.flash.get(&flash).await.unwrap_or_default();
    let draft = current_draft().await?.map(|(_, d)| d);
    let needs_divisions = matches!(Step::from_slug(&step), Some(Step::Place | Step::Check));
    let divisions = if needs_divisions && draft.is_some() { services.divisions.to_vec() } else { Vec::new() };
    Ok(FormPage { draft, divisions, form: flash })
}

#[component]
pub fn ApplicationFormPage() -> impl IntoView {
    let slug = use_params_map().with_untracked(|p| p.get("step").unwrap_or_default());
    let (flash, returning) = use_query_map().with_untracked(|q| {
        (q.get("flash").unwrap_or_default(), q.get("return").as_deref() == Some("check"))
    });
    let Some(step) = Step::from_slug(&slug) else {
        return view! { <h1>"没有这个页面"</h1><p><a href="/apply">"返回申请救助"</a></p> }.into_any();
    };
    view! {
        <Title text=step.title()/>
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load_form_page(slug, flash).await {
                    Ok(page) if page.draft.is_some() => view! { <StepPage step page returning/> }.into_any(),
                    Ok(_) => view! { <NotVerified/> }.into_any(),
                    Err(e) => view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn NotVerified() -> impl IntoView {
    view! {
        <h1>"请先核验身份"</h1>
        <p>"填写申请前需要用手机短信核验身份；核验30分钟内有效。已经填写的内容都会保存，重新核验后可以接着填。"</p>
        <p><a class="button primary" href="/apply/identity">"核验身份"</a></p>
    }
}

#[component]
fn StepPage(step: Step, page: FormPage, returning: bool) -> impl IntoView {
    let back = match (returning, step.previous()) {
        (true, _) => Some(Step::Check.path()),
        (false, Some(previous)) => Some(previous.path()),
        (false, None) => Some("/apply/identity/done".to_string()),
    };
    let body = match step {
        Step::Types => view! { <TypesStep page returning/> }.into_any(),
        Step::Place => view! { <PlaceStep page returning/> }.into_any(),
        Step::Household => view! { <HouseholdStep page returning/> }.into_any(),
        Step::Income => view! { <IncomeStep page returning/> }.into_any(),
        Step::Assets => view! { <AssetsStep page returning/> }.into_any(),
        Step::Spending => view! { <SpendingStep page returning/> }.into_any(),
        Step::Account => view! { <AccountStep page returning/> }.into_any(),
        Step::Check => view! { <CheckStep page/> }.into_any(),
    };
    view! {
        {back.map(|href| view! { <p class="breadcrumb"><a href=href>"返回上一步"</a></p> })}
        <p class="progress">{format!("第{}步，共{}步", step.number(), Step::ALL.len())}</p>
        <h1>{step.title()}</h1>
        {body}
    }
}

/// The form around a question page: posts the step, remembers whether to return to the check page.
#[component]
fn StepForm(step: Step, returning: bool, children: Children) -> impl IntoView {
    view! {
        <form method="post" action=step.path() class="question-form" novalidate>
            {returning.then(|| view! { <input type="hidden" name="return" value="check"/> })}
            {children()}
            <button type="submit" class="primary">{if returning { "保存并返回核对" } else { "保存，下一步" }}</button>
        </form>
        <p class="hint">"填写的内容会自动保存，可以随时离开，之后用同一个手机号核验身份后接着填。"</p>
    }
}

#[component]
fn TypesStep(page: FormPage, returning: bool) -> impl IntoView {
    let chosen: Vec<AssistanceType> = if page.form.errors.is_empty() {
        page.draft.as_ref().map(|d| d.types.clone()).unwrap_or_default()
    } else {
        Vec::new()
    };
    let emergency = page.draft.as_ref().is_some_and(|d| d.emergency);
    let error = page.error("types");
    let has_error = error.is_some();
    let option = |kind: AssistanceType| {
        let id =
            if kind == AssistanceType::Dibao { "types".to_string() } else { format!("types-{}", kind.key()) };
        let label_for = id.clone();
        view! {
            <label class="choice" for=label_for>
                <input type="checkbox" id=id name="types" value=kind.key() checked=chosen.contains(&kind)/>
                {kind.label()}" "<a href=format!("/guide/{}", kind.guide_slug())>"说明"</a>
            </label>
        }
    };
    let basic: Vec<_> = AssistanceType::ALL.into_iter().filter(|t| !t.is_special()).map(option).collect();
    let special: Vec<_> = AssistanceType::ALL.into_iter().filter(|t| t.is_special()).map(option).collect();
    view! {
        <ErrorSummary errors=page.form.errors.clone()/>
        <StepForm step=Step::Types returning>
            <fieldset class="field checks" class:has-error=has_error>
                <legend>"可以多选。不确定的，可以先做"<a href="/apply#self-check">"自测"</a>"。"</legend>
                {error.map(|e| view! { <p class="field-error">{e}</p> })}
                <h2 class="group">"基本生活救助"</h2>
                {basic}
                <h2 class="group">"专项救助"</h2>
                {special}
            </fieldset>
            <fieldset class="field checks">
                <legend>"是否情况紧急"</legend>
                <label class="choice" for="emergency">
                    <input type="checkbox" id="emergency" name="emergency" value="yes" checked=emergency/>
                    "情况紧急（如突发重病、火灾、意外事故），需要先行救助"
                </label>
                <p class="hint">"勾选后乡镇（街道）会优先处理，可以先救助、后补手续。"</p>
            </fieldset>
        </StepForm>
    }
}

#[component]
fn PlaceStep(page: FormPage, returning: bool) -> impl IntoView {
    let township =
        page.value("township", |d| d.place.as_ref().map(|p| p.township_code.clone()).unwrap_or_default());
    let village = page.value("village", |d| d.place.as_ref().map(|p| p.village.clone()).unwrap_or_default());
    let address = page.value("address", |d| d.place.as_ref().map(|p| p.address.clone()).unwrap_or_default());
    let [township_error, village_error, address_error] =
        ["township", "village", "address"].map(|f| page.error(f));
    let invalid = township_error.is_some().then_some("true");
    let groups = township_options(&page.divisions, &township);
    view! {
        <ErrorSummary errors=page.form.errors.clone()/>
        <StepForm step=Step::Place returning>
            <Field name="township" label="户籍所在乡镇（街道）" hint="按县区分组" error=township_error>
                <select id="township" name="township" aria-invalid=invalid>
                    <option value="">"请选择"</option>
                    {groups}
                </select>
            </Field>
            <TextField name="village" label="所在村（社区）" hint="例如 城关村、南街社区" value=village error=village_error/>
            <TextField name="address" label="现在的住址" hint="例如 3组15号，或 某小区2号楼3单元" value=address error=address_error autocomplete="street-address"/>
        </StepForm>
    }
}

/// A check box with its own id (the household page has several forms with the same field names).
fn flag(form: &'static str, name: &'static str, label: &'static str, checked: bool) -> impl IntoView {
    let id = format!("{form}-{name}");
    let label_for = id.clone();
    view! {
        <label class="choice" for=label_for>
            <input type="checkbox" id=id name=name value="yes" checked=checked/>
            {label}
        </label>
    }
}

#[component]
fn HouseholdStep(page: FormPage, returning: bool) -> impl IntoView {
    let Some(draft) = page.draft.clone() else { return ().into_any() };
    let typed = |field: &str| page.form.value(field);
    let [relationship_error, name_error, id_error] =
        ["relationship", "member_name", "member_id_number"].map(|f| page.error(f));
    let relationship_invalid = relationship_error.is_some().then_some("true");
    let chosen_relationship = typed("relationship");
    let me = draft.members.first().cloned();
    let rows = draft
        .members
        .iter()
        .enumerate()
        .map(|(index, member)| view! { <MemberRow index member=member.clone()/> })
        .collect_view();
    let return_field = returning.then(|| view! { <input type="hidden" name="return" value="check"/> });
    view! {
        <ErrorSummary errors=page.form.errors.clone()/>
        <p>"请列出户口簿上的家庭成员和共同生活的家人（配偶、未成年子女、共同生活的父母等）。"</p>
        <p class="progress">{format!("现在共 {} 人", draft.household_size())}</p>
        <ul class="members">{rows}</ul>
        {me.map(|me| view! {
            <form method="post" action="/apply/form/household" class="question-form">
                <input type="hidden" name="op" value="self"/>
                <fieldset class="field checks">
                    <legend>"您本人的情况（符合的请勾选）"</legend>
                    {flag("self", "disabled", "残疾", me.disabled)}
                    {flag("self", "seriously_ill", "患重病", me.seriously_ill)}
                    {flag("self", "in_school", "在校学生", me.in_school)}
                    {flag("self", "working", "有工作或务工", me.working)}
                </fieldset>
                <button type="submit" class="secondary">"保存本人情况"</button>
            </form>
        })}
        <form method="post" action="/apply/form/household" class="question-form" novalidate>
            <h2>"添加一位家庭成员"</h2>
            <input type="hidden" name="op" value="add"/>
            <Field name="relationship" label="和您的关系" error=relationship_error>
                <select id="relationship" name="relationship" aria-invalid=relationship_invalid>
                    <option value="">"请选择"</option>
                    {Relationship::CHOICES
                        .into_iter()
                        .map(|r| view! { <option value=r.key() selected=r.key() == chosen_relationship>{r.label()}</option> })
                        .collect_view()}
                </select>
            </Field>
            <TextField name="member_name" label="姓名" hint="与身份证或户口簿上一致" value=typed("member_name") error=name_error/>
            <TextField name="member_id_number" label="身份证号码" hint="18位，户口簿上也有" value=typed("member_id_number") error=id_error/>
            <fieldset class="field checks">
                <legend>"这位成员的情况（符合的请勾选）"</legend>
                {flag("add", "disabled", "残疾", typed("disabled") == "yes")}
                {flag("add", "seriously_ill", "患重病", typed("seriously_ill") == "yes")}
                {flag("add", "in_school", "在校学生", typed("in_school") == "yes")}
                {flag("add", "working", "有工作或务工", typed("working") == "yes")}
            </fieldset>
            <button type="submit" class="secondary">"添加这位成员"</button>
        </form>
        <form method="post" action="/apply/form/household" class="question-form">
            <input type="hidden" name="op" value="continue"/>
            {return_field}
            <button type="submit" class="primary">"家庭成员已填完，下一步"</button>
        </form>
    }
    .into_any()
}

#[component]
fn MemberRow(index: usize, member: Member) -> impl IntoView {
    let remove = (member.relationship != Relationship::Applicant).then(|| {
        view! {
            <form method="post" action="/apply/form/household" class="inline">
                <input type="hidden" name="op" value="remove"/>
                <input type="hidden" name="index" value=index.to_string()/>
                <button type="submit" class="link">{format!("删除{}", member.name)}</button>
            </form>
        }
    });
    view! {
        <li>
            <strong>{member.relationship.label()}" "{member.name.clone()}</strong>
            <span class="hint">" "{member.id_number.masked()}" · "{member.situation()}</span>
            {remove}
        </li>
    }
}

fn amount_text(value: u32) -> String {
    if value == 0 {
        String::new()
    } else {
        value.to_string()
    }
}

#[component]
fn IncomeStep(page: FormPage, returning: bool) -> impl IntoView {
    let saved = |f: fn(&crate::domain::application::Income) -> u32| {
        move |d: &Draft| d.income.as_ref().map(|i| amount_text(f(i))).unwrap_or_default()
    };
    let wages = page.value("wages", saved(|i| i.wages));
    let business = page.value("business", saved(|i| i.business));
    let transfers = page.value("transfers", saved(|i| i.transfers));
    let other = page.value("other", saved(|i| i.other));
    let [wages_error, business_error, transfers_error, other_error] =
        ["wages", "business", "transfers", "other"].map(|f| page.error(f));
    view! {
        <ErrorSummary errors=page.form.errors.clone()/>
        <p>"全家每月大约的收入，单位：元。没有的留空。说不准的，填一个大概数，工作人员会核对。"</p>
        <StepForm step=Step::Income returning>
            <TextField name="wages" label="工资、打工收入" value=wages error=wages_error input_mode="numeric"/>
            <TextField name="business" label="种地、养殖、做生意的收入" value=business error=business_error input_mode="numeric"/>
            <TextField name="transfers" label="养老金、补贴、赡养费等" value=transfers error=transfers_error input_mode="numeric"/>
            <TextField name="other" label="其他收入（如房租）" value=other error=other_error input_mode="numeric"/>
        </StepForm>
    }
}

#[component]
fn AssetsStep(page: FormPage, returning: bool) -> impl IntoView {
    let saved = |f: fn(&Assets) -> &'static str| {
        move |d: &Draft| d.assets.as_ref().map(f).unwrap_or_default().to_string()
    };
    let housing = page.value("housing", saved(|a| a.housing.key()));
    let vehicle = page.value("vehicle", saved(|a| a.vehicle.key()));
    let savings = page.value("savings", saved(|a| a.savings.key()));
    let [housing_error, vehicle_error, savings_error] =
        ["housing", "vehicle", "savings"].map(|f| page.error(f));
    view! {
        <ErrorSummary errors=page.form.errors.clone()/>
        <p>"按全家共同生活的成员一起算。如实选择，工作人员会经您授权后核对。"</p>
        <StepForm step=Step::Assets returning>
            <Choice name="housing" legend="住房" value=housing options=Housing::options() error=housing_error/>
            <Choice name="vehicle" legend="机动车" value=vehicle options=Vehicle::options() error=vehicle_error/>
            <Choice name="savings" legend="全家存款、理财大约有多少" value=savings options=Savings::options() error=savings_error/>
        </StepForm>
    }
}

#[component]
fn SpendingStep(page: FormPage, returning: bool) -> impl IntoView {
    let medical =
        page.value("medical", |d| d.spending.as_ref().map(|s| amount_text(s.medical)).unwrap_or_default());
    let education = page
        .value("education", |d| d.spending.as_ref().map(|s| amount_text(s.education)).unwrap_or_default());
    let [medical_error, education_error] = ["medical", "education"].map(|f| page.error(f));
    view! {
        <ErrorSummary errors=page.form.errors.clone()/>
        <p>"过去12个月，医保报销之后自己花的钱，单位：元。没有的留空。"</p>
        <StepForm step=Step::Spending returning>
            <TextField name="medical" label="看病、住院、买药" value=medical error=medical_error input_mode="numeric"/>
            <TextField name="education" label="孩子上学（学费、住宿费等）" value=education error=education_error input_mode="numeric"/>
        </StepForm>
    }
}

#[component]
fn AccountStep(page: FormPage, returning: bool) -> impl IntoView {
    let account = page.value("account", |d| d.account.clone().unwrap_or_default());
    let error = page.error("account");
    let invalid = error.is_some().then_some("true");
    view! {
        <ErrorSummary errors=page.form.errors.clone()/>
        <StepForm step=Step::Account returning>
            <Field name="account" label="家里遇到了什么困难" hint="用自己的话说就行，例如：什么时候、发生了什么、现在生活怎么样" error=error>
                <textarea id="account" name="account" rows="6" maxlength="2000" aria-invalid=invalid>{account}</textarea>
            </Field>
        </StepForm>
    }
}

#[component]
fn CheckStep(page: FormPage) -> impl IntoView {
    let Some(draft) = page.draft.clone() else { return ().into_any() };
    let change = |step: Step| format!("{}?return=check", step.path());
    let place = draft
        .place
        .as_ref()
        .map(|p| format!("{} {}，{}", page.township_name(&p.township_code), p.village, p.address));
    let types = (!draft.types.is_empty()).then(|| {
        let mut text = draft.types.iter().map(|t| t.label()).collect::<Vec<_>>().join("、");
        if draft.emergency {
            text.push_str("（情况紧急）");
        }
        text
    });
    let members = draft.household_confirmed.then(|| {
        draft
            .members
            .iter()
            .map(|m| format!("{} {}", m.relationship.label(), m.name))
            .collect::<Vec<_>>()
            .join("、")
    });
    let income = draft.income.as_ref().map(|i| format!("每月约 {} 元", i.total()));
    let assets = draft.assets.as_ref().map(|a| a.summary());
    let spending = draft.spending.as_ref().map(|s| format!("看病 {} 元，上学 {} 元", s.medical, s.education));
    let rows = [
        (Step::Types, types),
        (Step::Place, place),
        (Step::Household, members),
        (Step::Income, income),
        (Step::Assets, assets),
        (Step::Spending, spending),
        (Step::Account, draft.account.clone()),
    ];
    let consent_error = page.error("consent");
    let has_consent_error = consent_error.is_some();
    view! {
        <ErrorSummary errors=page.form.errors.clone()/>
        <dl class="answers" id="unanswered">
            <dt>"申请人"</dt>
            <dd>{format!("{}（{}，手机 {}）", draft.applicant.name, draft.applicant.id_number.masked(), mask_phone(&draft.applicant.phone))}</dd>
            {draft.filed_by.as_ref().map(|helper| view! {
                <dt>"代办人"</dt>
                <dd>{format!("{}（手机 {}），申请人已用短信验证码确认同意代办", helper.describe(), mask_phone(&helper.phone))}</dd>
            })}
            {rows
                .into_iter()
                .map(|(step, answer)| {
                    let missing = answer.is_none();
                    view! {
                        <dt>{step.title()}</dt>
                        <dd class:missing=missing>
                            {answer.unwrap_or_else(|| "还没有填写".to_string())}
                            " "<a href=change(step)>{if missing { "去填写" } else { "修改" }}</a>
                        </dd>
                    }
                })
                .collect_view()}
        </dl>
        <Documents draft=draft.clone() kind=page.value("kind", |_| String::new()) kind_error=page.error("kind") document_error=page.error("document")/>
        <form method="post" action={crate::routes::APPLY_SUBMIT} class="question-form" novalidate>
            <input type="hidden" name="submission_key" value=draft.submission_key.clone()/>
            <fieldset class="field checks" class:has-error=has_consent_error>
                <legend>"家庭经济状况核对授权"</legend>
                {consent_error.map(|e| view! { <p class="field-error">{e}</p> })}
                // The words shown here are the words kept with the application (`AgreedWording`).
                <p class="hint">{crate::domain::consent::CHECK_EXPLAINED}</p>
                <label class="choice" for="consent">
                    <input type="checkbox" id="consent" name="consent" value="yes"/>
                    {crate::domain::consent::CONSENT_STATEMENT}
                </label>
            </fieldset>
            <button type="submit" class="primary">"提交申请"</button>
        </form>
    }
    .into_any()
}

/// The documents on the check page: what is still missing (一次性告知), what was uploaded, and a form to
/// photograph or choose one more. Uploading is optional: the township takes paper copies as well.
#[component]
fn Documents(
    draft: Draft,
    kind: String,
    kind_error: Option<String>,
    document_error: Option<String>,
) -> impl IntoView {
    use crate::domain::documents::{missing_documents, required_documents, DocumentKind, MAX_DOCUMENTS};
    let missing = missing_documents(&draft);
    let chosen =
        if kind.is_empty() { missing.first().map(|k| k.key().to_string()).unwrap_or_default() } else { kind };
    let mut offered = required_documents(&draft);
    offered.push(DocumentKind::Other);
    let full = draft.documents.len() >= MAX_DOCUMENTS;
    view! {
        <h2 id="documents">"材料"</h2>
        {if missing.is_empty() {
            view! { <p class="notice" role="status">"需要的材料都已上传。受理时工作人员可能还会核对原件。"</p> }.into_any()
        } else {
            view! {
                <div class="notice missing-documents">
                    <p>"还缺以下材料。可以现在拍照上传，也可以在受理和入户调查时交给工作人员（一次性告知）："</p>
                    <ul>{missing.iter().map(|k| view! { <li>{k.label()}</li> }).collect_view()}</ul>
                </div>
            }.into_any()
        }}
        {(!draft.documents.is_empty()).then(|| view! {
            <ul class="uploaded-documents">
                {draft.documents.iter().enumerate().map(|(index, d)| {
                    let kind = crate::domain::upload::FileKind::from_content_type(&d.content_type).map(|k| k.label()).unwrap_or("文件");
                    view! {
                        <li>
                            <form method="post" action={crate::routes::APPLY_DOCUMENTS_REMOVE} class="inline">
                                {format!("{}：{kind}（{}KB）", d.kind.label(), d.size.div_ceil(1024))}" "
                                <input type="hidden" name="index" value=index.to_string()/>
                                <button type="submit" class="link">"删除"</button>
                            </form>
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
        {(!full).then(|| view! {
            <form method="post" action={crate::routes::APPLY_DOCUMENTS} enctype="multipart/form-data" class="question-form" novalidate>
                <Field name="kind" label="上传的是什么材料" error=kind_error>
                    <select id="kind" name="kind">
                        {offered.into_iter().map(|k| view! { <option value=k.key() selected=k.key() == chosen>{k.label()}</option> }).collect_view()}
                    </select>
                </Field>
                <FileField name="document" label="照片或 PDF 文件" hint="可以直接拍照；JPG、PNG 或 PDF，每个不超过5MB，一次最多3个。照片里的位置等信息会被去除" error=document_error/>
                <IslandScripts/>
                <button type="submit" class="secondary">"上传材料"</button>
            </form>
        })}
    }
}

/// The confirmation: shown only to the resident who submitted.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Receipt {
    pub reference: String,
    pub submitted_on: String,
    pub types: Vec<String>,
    pub emergency: bool,
    pub township: String,
    pub acceptance_due: String,
    pub decision_due: String,
    pub documents: Vec<String>,
    /// "张掖市12345政务服务便民热线 12345": the lines of the case's county and the city's.
    pub hotlines: Vec<String>,
}

impl Receipt {
    /// What happens next and by when, in the words of the page and the receipt image.
    pub fn next_steps(&self) -> [String; 4] {
        [
            format!(
                "受理：{}前，乡镇（街道）受理您的申请，材料不全的会一次性告诉您还缺什么。",
                self.acceptance_due
            ),
            "核对和入户调查：工作人员会核对家庭经济状况，并到家里了解情况。".into(),
            "审核和公示：乡镇审核后在村（社区）公示7天。".into(),
            format!("县级审核确认：一般在{}前作出决定，并短信通知您。", self.decision_due),
        ]
    }
}

#[server]
pub async fn load_receipt(reference: String) -> Result<Option<Receipt>, ServerFnError> {
    let services = crate::services::services()?;
    let Some(resident) = crate::auth::current_resident() else { return Ok(None) };
    match crate::features::receipts::receipt(&services, &resident, &reference).await {
        Ok(receipt) => Ok(Some(receipt)),
        Err(crate::features::case_papers::PaperError::NotFound) => Ok(None),
        Err(e) => Err(super::read_failed("receipt", "暂时无法读取申请", e)),
    }
}

#[component]
pub fn SubmittedPage() -> impl IntoView {
    let reference = use_params_map().with_untracked(|p| p.get("reference").unwrap_or_default());
    view! {
        <Title text="申请已提交"/>
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load_receipt(reference).await {
                    Ok(Some(receipt)) => view! { <ReceiptView receipt/> }.into_any(),
                    Ok(None) => view! {
                        <h1>"无法显示这份回执"</h1>
                        <p>"回执只在提交申请的手机上、身份核验有效期内显示。查询办理进度请使用"<a href="/status">"进度查询"</a>"。"</p>
                    }
                    .into_any(),
                    Err(e) => view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReceiptView(receipt: Receipt) -> impl IntoView {
    let steps = receipt.next_steps();
    let image = format!("/apply/submitted/{}/receipt.png", receipt.reference);
    let emergency = receipt
        .emergency
        .then(|| view! { <p class="notice">"您说明了情况紧急，乡镇（街道）会优先处理，可以先行救助。"</p> });
    view! {
        <section class="receipt">
            <h1>"申请已提交"</h1>
            <p class="reference-label">"申请编号"</p>
            <p class="reference" id="reference">{receipt.reference.clone()}</p>
            <p>"请记下这个编号，查询进度时要用。"</p>
            <figure class="receipt-image">
                <img src=image.clone() width="360" alt=format!("申请回执图片：申请编号 {}", receipt.reference)/>
                <figcaption>"长按图片可保存到手机相册；"<a href=image download=format!("申请回执-{}.png", receipt.reference)>"下载回执图片"</a>"。回执上没有姓名和身份证号。"</figcaption>
            </figure>
            <p class="print-hint">"要打印回执，请用浏览器菜单里的“打印”：打印出的只有本回执，不含网站的菜单。"</p>
            {emergency}
            <dl class="answers">
                <dt>"提交日期"</dt><dd>{receipt.submitted_on}</dd>
                <dt>"申请救助"</dt><dd>{receipt.types.join("、")}</dd>
                <dt>"受理单位"</dt><dd>{receipt.township}" 人民政府（街道办事处）"</dd>
            </dl>
            <h2>"接下来"</h2>
            <ol class="next-steps">
                {steps.into_iter().map(|step| view! { <li>{step}</li> }).collect_view()}
            </ol>
            {(!receipt.documents.is_empty()).then(|| view! {
                <h2>"请准备好这些材料"</h2>
                <p>"以下材料还没有上传，受理和入户调查时请交给工作人员："</p>
                <ul>{receipt.documents.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
            })}
            <p>"进度可以随时在"<a href="/status">"进度查询"</a>"里用申请编号和手机短信查询。有疑问请拨打页面底部的电话。"</p>
        </section>
    }
}
