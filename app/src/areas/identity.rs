//! 身份核验 (identity level 1) pages: the mobile number, then the SMS code with name and ID number. The
//! forms post to `server/src/web/identity.rs`; after a failed post the page shows the errors next to
//! each field and keeps what was typed, read back from the flash store.

use crate::forms::{ErrorSummary, TextField};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What the page needs to draw itself after a redirect.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct IdentityStep {
    /// Masked number a code was sent to, when one is waiting.
    pub pending_phone: Option<String>,
    pub values: HashMap<String, String>,
    pub errors: Vec<(String, String)>,
}

#[server]
pub async fn load_identity_step(flash: String) -> Result<IdentityStep, ServerFnError> {
    let services = crate::services::services()?;
    let flash = services.flash.get(&flash).unwrap_or_default();
    Ok(IdentityStep {
        pending_phone: crate::auth::current_pending_phone().map(|p| p.masked()),
        values: flash.values,
        errors: flash.errors,
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
            {Suspend::new(async move {
                let state = load_identity_step(flash).await.unwrap_or_default();
                match (step.as_deref(), state.pending_phone.clone()) {
                    (Some("code"), Some(phone)) => view! { <CodeStep state phone/> }.into_any(),
                    _ => view! { <PhoneStep state/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn value(state: &IdentityStep, field: &str) -> String {
    state.values.get(field).cloned().unwrap_or_default()
}

fn error(state: &IdentityStep, field: &str) -> Option<String> {
    state.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone())
}

#[component]
fn PhoneStep(state: IdentityStep) -> impl IntoView {
    let phone_error = error(&state, "phone");
    let phone = value(&state, "phone");
    view! {
        <p>"第1步（共2步）：填写您本人的手机号码，我们会发送一条短信验证码。"</p>
        <ErrorSummary errors=state.errors/>
        <form method="post" action="/apply/identity/code" class="question-form" novalidate>
            <TextField name="phone" label="手机号码" value=phone error=phone_error input_mode="tel" autocomplete="tel"/>
            <button type="submit" class="primary">"获取验证码"</button>
        </form>
        <p class="hint">"没有手机或收不到短信，可以请村（社区）协理员帮忙，或直接到乡镇（街道）办理。"</p>
    }
}

#[component]
fn CodeStep(state: IdentityStep, phone: String) -> impl IntoView {
    let [code_error, name_error, id_error] = ["code", "name", "id_number"].map(|f| error(&state, f));
    let resend_error = error(&state, "phone");
    let (name, id_number) = (value(&state, "name"), value(&state, "id_number"));
    view! {
        <p>"第2步（共2步）：填写短信验证码和身份证上的信息。"</p>
        <p class="notice" role="status">{format!("验证码已发送至 {phone}，5分钟内有效。")}</p>
        <ErrorSummary errors=state.errors/>
        <form method="post" action="/apply/identity/verify" class="question-form" novalidate>
            <TextField name="code" label="短信验证码" value=String::new() error=code_error input_mode="numeric" autocomplete="one-time-code"/>
            <TextField name="name" label="姓名" hint="与身份证上一致" value=name error=name_error autocomplete="name"/>
            <TextField name="id_number" label="身份证号码" hint="18位，最后一位可能是字母X" value=id_number error=id_error/>
            <button type="submit" class="primary">"下一步"</button>
        </form>
        <form method="post" action="/apply/identity/code" class="resend">
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
            {Suspend::new(async move {
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
