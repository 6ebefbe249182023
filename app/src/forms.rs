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

/// The scripts that wake the islands, for the few pages that have one: every other page sends no script.
#[component]
pub fn IslandScripts() -> impl IntoView {
    use_context::<LeptosOptions>().map(|options| view! { <HydrationScripts options islands=true/> })
}

/// The ID number input of the identity check. Without JavaScript it is a plain field (the server checks
/// the number after the post); with JavaScript, a complete number is checked as it is typed, with the same
/// Chinese messages (GB 11643: length, region, birth date, check character).
#[island]
pub fn IdNumberField(label: String, value: String, error: Option<String>) -> impl IntoView {
    use crate::domain::id_number::{BirthDate, IdNumber};
    let (message, set_message) = signal(error);
    let check = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        // A number still being typed is not wrong yet; the server checks the birth date against today.
        let complete = typed.chars().filter(|c| c.is_ascii_alphanumeric()).count() >= 18;
        let latest_possible = BirthDate { year: 9999, month: 12, day: 31 };
        set_message.set(
            complete.then(|| IdNumber::parse(&typed, latest_possible).err()).flatten().map(|e| e.to_string()),
        );
    };
    view! {
        <div class="field" class:has-error=move || message.with(Option::is_some)>
            <label for="id_number">{label}</label>
            <p class="hint">"18位，最后一位可能是字母X"</p>
            {move || message.get().map(|e| view! { <p class="field-error" id="id_number-error" role="alert">{e}</p> })}
            <input id="id_number" name="id_number" value=value autocomplete="off" aria-invalid=move || message.with(|m| m.as_ref().map(|_| "true")) on:input=check/>
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
