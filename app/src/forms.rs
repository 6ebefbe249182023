//! Form pieces shared by the areas: the error summary, fields with their errors, radio buttons and
//! check boxes.

use crate::domain::region::{County, Township};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A query-string value of the current page (empty when absent), read once while the page renders.
pub fn query(name: &str) -> String {
    use_query_map().with_untracked(|q| q.get(name).unwrap_or_default())
}

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

/// A labelled field with its hint and, when the last check failed, its error right next to it.
#[component]
pub fn Field(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    error: Option<String>,
    children: Children,
) -> impl IntoView {
    let has_error = error.is_some();
    view! {
        <div class="field" class:has-error=has_error>
            <label for=name>{label}</label>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            {error.map(|e| view! { <p class="field-error" id=format!("{name}-error")>{e}</p> })}
            {children()}
        </div>
    }
}

/// Radio buttons for one question; the first option carries the id the error summary links to.
#[component]
pub fn Choice(
    name: &'static str,
    legend: &'static str,
    value: String,
    options: Vec<(&'static str, &'static str)>,
    error: Option<String>,
) -> impl IntoView {
    let has_error = error.is_some();
    view! {
        <fieldset class="field" class:has-error=has_error>
            <legend>{legend}</legend>
            {error.map(|e| view! { <p class="field-error">{e}</p> })}
            {options
                .into_iter()
                .enumerate()
                .map(|(i, (option, text))| {
                    let id = if i == 0 { name.to_string() } else { format!("{name}-{option}") };
                    let label_for = id.clone();
                    view! {
                        <label class="choice" for=label_for>
                            <input type="radio" id=id name=name value=option checked=value == option/>
                            {text}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

#[component]
pub fn Check(name: &'static str, checked: bool, label: &'static str) -> impl IntoView {
    view! {
        <label class="choice" for=name>
            <input type="checkbox" id=name name=name value="yes" checked=checked/>
            {label}
        </label>
    }
}

/// The townships as `<option>`s grouped by county, for a `<select>`; `selected` is a township code.
pub fn township_options(divisions: &[(County, Vec<Township>)], selected: &str) -> AnyView {
    divisions
        .iter()
        .map(|(county, townships)| {
            let options = townships
                .iter()
                .map(|t| view! { <option value=t.code.clone() selected=t.code == selected>{t.name.clone()}</option> })
                .collect_view();
            view! { <optgroup label=county.name.clone()>{options}</optgroup> }
        })
        .collect_view()
        .into_any()
}
