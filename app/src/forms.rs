//! Form pieces shared by the areas: the error summary and a text field with its error.

use leptos::prelude::*;

/// The GOV.UK-style list of problems at the top of a form, each linking to its field.
#[component]
pub fn ErrorSummary(errors: Vec<(String, String)>) -> impl IntoView {
    (!errors.is_empty()).then(|| {
        view! {
            <div class="error-summary" role="alert">
                <h3>"请修改以下内容"</h3>
                <ul>
                    {errors
                        .into_iter()
                        .map(|(field, message)| view! { <li><a href=format!("#{field}")>{message}</a></li> })
                        .collect_view()}
                </ul>
            </div>
        }
    })
}

/// A labelled text input with its hint and, after a failed post, its error right next to it.
#[component]
pub fn TextField(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    value: String,
    error: Option<String>,
    #[prop(default = "text")] input_mode: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
) -> impl IntoView {
    let invalid = error.as_ref().map(|_| "true");
    let has_error = error.is_some();
    view! {
        <div class="field" class:has-error=has_error>
            <label for=name>{label}</label>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            {error.map(|e| view! { <p class="field-error" id=format!("{name}-error")>{e}</p> })}
            <input id=name name=name value=value inputmode=input_mode autocomplete=autocomplete aria-invalid=invalid/>
        </div>
    }
}
