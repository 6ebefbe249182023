//! 身份核验 (identity level 1) pages: the mobile number, then the SMS code with name and ID number. The
//! forms post to `server/src/web/identity.rs`; after a failed post the page shows the errors next to
//! each field and keeps what was typed, read back from the flash store.

use crate::forms::{ErrorSummary, IdNumberField, IslandScripts, TextField};
use crate::suspense::deferred;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// What the page needs to draw itself after a redirect.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct IdentityStep {
    /// Masked number a code was sent to, when one is waiting.
    pub pending_phone: Option<String>,
    /// 代办: the helper as the SMS names them ("村（社区）协理员张明").
    pub helper: Option<String>,
    pub form: crate::forms::FormFeedback,
}

#[server]
pub async fn load_identity_step(flash: String) -> Result<IdentityStep, ServerFnError> {
    let services = crate::services::services()?;
    let flash = services.flash.get(&flash).await.unwrap_or_default();
    let pending = crate::auth::current_pending_phone();
    Ok(IdentityStep {
        pending_phone: pending.as_ref().map(|p| p.phone.masked()),
        helper: pending.and_then(|p| p.helper).map(|h| h.describe()),
        form: flash,
    })
}

/// The verified resident, masked, for the confirmation page.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VerifiedResident {
    pub phone: String,
    pub name: String,
    pub id_number: String,
    /// Where the application form continues.
    pub resume: String,
}

#[server]
pub async fn load_verified_resident() -> Result<Option<VerifiedResident>, ServerFnError> {
    let Some(claims) = crate::auth::current_resident() else { return Ok(None) };
    let services = crate::services::services()?;
    let draft = services.store.draft(&claims.sub).await.ok().flatten();
    let resume = draft
        .and_then(|sealed| services.sealer.open::<crate::domain::application::Draft>(&sealed).ok())
        .map(|d| d.resume_step())
        .unwrap_or(crate::domain::application::Step::Types);
    Ok(Some(VerifiedResident {
        phone: claims.phone_masked,
        name: claims.name_masked,
        id_number: claims.id_masked,
        resume: resume.path(),
    }))
}

#[component]
pub fn IdentityPage() -> impl IntoView {
    let (flash, step) =
        use_query_map().with_untracked(|q| (q.get("flash").unwrap_or_default(), q.get("step")));
    view! {
        <Title text="身份核验"/>
        <Meta name="robots" content="noindex"/>
        <p class="breadcrumb"><a href="/apply">"申请救助"</a></p>
        <h1>"身份核验"</h1>
        <Suspense fallback=|| ()>
            {deferred(async move {
                let state = load_identity_step(flash).await.unwrap_or_default();
                match (step.as_deref(), state.pending_phone.clone()) {
                    (Some("code"), Some(phone)) => view! { <CodeStep state phone/> }.into_any(),
                    _ => view! { <PhoneStep state/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PhoneStep(state: IdentityStep) -> impl IntoView {
    let phone_error = state.form.error("phone");
    let phone = state.form.value("phone");
    view! {
        <p>"第1步（共2步）：填写您本人的手机号码，我们会发送一条短信验证码。"</p>
        <ErrorSummary errors=state.form.errors/>
        <form method="post" action={crate::routes::APPLY_IDENTITY_CODE} class="question-form" novalidate>
            <TextField name="phone" label="手机号码" value=phone error=phone_error input_mode="tel" autocomplete="tel"/>
            <button type="submit" class="primary">"获取验证码"</button>
        </form>
        <p class="hint">"没有手机或收不到短信，可以请村（社区）协理员帮忙，或直接到乡镇（街道）办理。"</p>
        <p><a href="/apply/helper">"替家人或村民代办申请"</a></p>
    }
}

/// 代办: the helper says who they are and gives the resident's phone number; the code goes to the
/// resident, whose reading it out is their consent.
#[component]
pub fn HelperPage() -> impl IntoView {
    use crate::domain::helper::HelperRole;
    use crate::forms::Choice;
    let flash = crate::forms::query("flash");
    let acting_as = crate::forms::query("as");
    view! {
        <Title text="代办申请"/>
        <Meta name="robots" content="noindex"/>
        <p class="breadcrumb"><a href="/apply">"申请救助"</a></p>
        <h1>"代办申请"</h1>
        <Suspense fallback=|| ()>
            {deferred(async move {
                let state = load_identity_step(flash).await.unwrap_or_default();
                let [name_error, phone_error, role_error, resident_phone_error] =
                    ["helper_name", "helper_phone", "helper_role", "phone"].map(|f| state.form.error(f));
                let [name, phone, mut role, resident_phone] =
                    ["helper_name", "helper_phone", "helper_role", "phone"].map(|f| state.form.value(f));
                // A village worker comes from a visit page with their relation chosen already.
                if role.is_empty() && HelperRole::from_key(&acting_as).is_some() {
                    role = acting_as;
                }
                let roles = HelperRole::ALL.into_iter().map(|r| (r.key(), r.label())).collect::<Vec<_>>();
                view! {
                    <p>"村（社区）协理员、亲属等可以替申请人填写申请。验证码会发到申请人本人的手机，短信里写明您的姓名；申请人把验证码告诉您，就表示同意由您代办。申请会记录代办人。"</p>
                    <ErrorSummary errors=state.form.errors.clone()/>
                    <form method="post" action={crate::routes::APPLY_HELPER_CODE} class="question-form" novalidate>
                        <TextField name="helper_name" label="代办人姓名" value=name error=name_error autocomplete="name"/>
                        <TextField name="helper_phone" label="代办人手机号码" value=phone error=phone_error input_mode="tel" autocomplete="tel"/>
                        <Choice name="helper_role" legend="您与申请人的关系" value=role options=roles error=role_error/>
                        <TextField name="phone" label="申请人本人的手机号码" hint="验证码发到这个号码" value=resident_phone error=resident_phone_error input_mode="tel"/>
                        <button type="submit" class="primary">"给申请人发送验证码"</button>
                    </form>
                }
            })}
        </Suspense>
    }
}

#[component]
fn CodeStep(state: IdentityStep, phone: String) -> impl IntoView {
    let [code_error, name_error, id_error] = ["code", "name", "id_number"].map(|f| state.form.error(f));
    let resend_error = state.form.error("phone");
    let (name, id_number) = (state.form.value("name"), state.form.value("id_number"));
    let sent = match &state.helper {
        Some(helper) => format!(
            "代办：验证码已发送至申请人的手机 {phone}，短信中写明由{helper}代办。请申请人把验证码告诉您，表示同意代办；5分钟内有效。"
        ),
        None => format!("验证码已发送至 {phone}，5分钟内有效。"),
    };
    let (name_label, id_label) = if state.helper.is_some() {
        ("申请人姓名", "申请人身份证号码")
    } else {
        ("姓名", "身份证号码")
    };
    view! {
        <p>"第2步（共2步）：填写短信验证码和身份证上的信息。"</p>
        <p class="notice" role="status">{sent}</p>
        <ErrorSummary errors=state.form.errors/>
        <form method="post" action={crate::routes::APPLY_IDENTITY_VERIFY} class="question-form" novalidate>
            <TextField name="code" label="短信验证码" value=String::new() error=code_error input_mode="numeric" autocomplete="one-time-code"/>
            <TextField name="name" label=name_label hint="与身份证上一致" value=name error=name_error autocomplete="name"/>
            <IdNumberField label=id_label.to_string() value=id_number error=id_error/>
            <IslandScripts/>
            <button type="submit" class="primary">"下一步"</button>
        </form>
        <form method="post" action={crate::routes::APPLY_IDENTITY_CODE} class="resend">
            {resend_error.map(|e| view! { <p class="field-error">{e}</p> })}
            <button type="submit" class="secondary">"没收到？重新获取验证码"</button>
        </form>
        <p><a href="/apply/identity">"换一个手机号码"</a></p>
    }
}

#[component]
pub fn IdentityDonePage() -> impl IntoView {
    view! {
        <Title text="身份已核验"/>
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| ()>
            {deferred(async move {
                match load_verified_resident().await {
                    Ok(Some(resident)) => view! {
                        <h1>"身份已核验"</h1>
                        <dl class="account">
                            <dt>"姓名"</dt><dd>{resident.name}</dd>
                            <dt>"身份证号码"</dt><dd>{resident.id_number}</dd>
                            <dt>"手机号码"</dt><dd>{resident.phone}</dd>
                        </dl>
                        <p class="hint">"核验结果30分钟内有效。短信核验只能说明手机号码是您本人在用，发放救助金前还需要到乡镇（街道）当面核实身份。"</p>
                        <p><a class="button primary" href=resident.resume>"填写申请表"</a></p>
                        <p><a href="/apply">"返回申请救助"</a></p>
                    }
                    .into_any(),
                    _ => view! {
                        <h1>"尚未核验身份"</h1>
                        <p>"核验已过期或尚未完成。"<a href="/apply/identity">"重新核验"</a></p>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}
