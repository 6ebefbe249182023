//! Form pieces shared by the areas: what a refused post shows again (`FormFeedback`), the error summary,
//! fields with their errors, radio buttons and check boxes.

use crate::domain::region::{County, Township};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

/// A field's label, hint and error message, in the order a screen reader reads them before the input.
#[component]
fn FieldHead(
    name: &'static str,
    label: &'static str,
    hint: Option<&'static str>,
    error: Option<String>,
) -> impl IntoView {
    view! {
        <label for=name>{label}</label>
        {hint.map(|h| view! { <p class="hint">{h}</p> })}
        {error.map(|e| view! { <p class="field-error" id=format!("{name}-error")>{e}</p> })}
    }
}

/// A query-string value of the current page (empty when absent), read once while the page renders.
pub fn query(name: &str) -> String {
    use_query_map().with_untracked(|q| q.get(name).unwrap_or_default())
}

/// A numeric id in the page's path (`/…/{id}`), 0 when it is not a number (no record has id 0).
pub fn path_id() -> i64 {
    use_params_map().with_untracked(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0))
}

/// The HTTP status of the page being rendered, set from inside a `Suspend` once a server function has
/// answered. The response context must be captured before the page awaits anything: it is not reachable
/// from inside the async block.
#[derive(Clone)]
pub struct ResponseStatus {
    #[cfg(feature = "ssr")]
    response: Option<leptos_axum::ResponseOptions>,
}

impl ResponseStatus {
    pub fn capture() -> Self {
        Self {
            #[cfg(feature = "ssr")]
            response: use_context::<leptos_axum::ResponseOptions>(),
        }
    }

    /// Answers 404: the thing asked for does not exist, or not for this caller.
    pub fn not_found(&self) {
        #[cfg(feature = "ssr")]
        if let Some(response) = &self.response {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }

    /// Answers 403: a signed-in member of staff whose role does not open this page (administration).
    pub fn forbidden(&self) {
        #[cfg(feature = "ssr")]
        if let Some(response) = &self.response {
            response.set_status(http::StatusCode::FORBIDDEN);
        }
    }
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
            <FieldHead name label hint error/>
            <input id=name name=name value=value inputmode=input_mode autocomplete=autocomplete aria-invalid=invalid/>
        </div>
    }
}

/// The script that wakes the islands, for the few pages that have one: every other page sends no script.
/// Unlike Leptos' `HydrationScripts` it sends no preload hints, which browsers follow even with
/// JavaScript off; placing it twice on a page is harmless.
#[component]
pub fn IslandScripts() -> impl IntoView {
    let options = use_context::<LeptosOptions>()?;
    // Outside the islands nothing is hydrated, so the page need not carry hydration data.
    if let Some(context) = leptos::reactive::owner::Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    // The options do not change while the server runs: the script is written once.
    static SCRIPT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let script = SCRIPT.get_or_init(|| {
        let pkg = format!("/{}/{}", options.site_pkg_dir, options.output_name);
        // cargo-leptos names the wasm after the output name; a plain wasm-bindgen build adds `_bg`.
        let wasm_suffix = if option_env!("LEPTOS_OUTPUT_NAME").is_some() { "" } else { "_bg" };
        let call = format!("({:?}, {:?});", format!("{pkg}.js"), format!("{pkg}{wasm_suffix}.wasm"));
        format!("{}{call}", include_str!("island_loader.js").trim_end().trim_end_matches(';'))
    });
    Some(view! { <script type="module" nonce=use_nonce()>{script.as_str()}</script> })
}

/// A photo or PDF input (camera or file). Without JavaScript it is a plain file field and the server
/// checks size and type; with JavaScript, large photos are scaled down in the browser before the form
/// is posted, so a 12-megapixel phone photo goes over weak 4G as a few hundred KB instead of being
/// refused for its size. The page must also carry `IslandScripts`.
#[island]
pub fn FileField(
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    #[prop(optional, into)] hint: Option<String>,
    error: Option<String>,
) -> impl IntoView {
    let (progress, set_progress) = signal(None::<String>);
    let input = NodeRef::<leptos::html::Input>::new();
    let invalid = error.as_ref().map(|_| "true");
    let has_error = error.is_some();
    let error_id = format!("{name}-error");
    view! {
        <div class="field" class:has-error=has_error>
            <label for=name.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            {error.map(|e| view! { <p class="field-error" id=error_id>{e}</p> })}
            <input type="file" id=name.clone() name=name accept=crate::domain::upload::accept_attribute() multiple aria-invalid=invalid node_ref=input
                on:change=move |_| crate::photo_shrinking::shrink_chosen_photos(input, set_progress)/>
            {move || progress.get().map(|p| view! { <p class="hint" role="status">{p}</p> })}
        </div>
    }
}

/// The ID number input of the identity check. Without JavaScript it is a plain field (the server checks
/// the number after the post); with JavaScript, a complete number is checked as it is typed, with the same
/// Chinese messages (GB 11643: length, region, birth date, check character).
#[island]
pub fn IdNumberField(label: String, value: String, error: Option<String>) -> impl IntoView {
    let (message, set_message) = signal(error);
    let input = NodeRef::<leptos::html::Input>::new();
    // On a slow phone the number may be typed before the script has loaded: once it runs, the number
    // already in the field is checked too (unless it is the one the server already answered about).
    let rendered = value.clone();
    Effect::new(move |_| {
        if let Some(field) = input.get() {
            let typed = field.value();
            if typed != rendered {
                set_message.set(id_number_complaint(&typed));
            }
        }
    });
    view! {
        <div class="field" class:has-error=move || message.with(Option::is_some)>
            <label for="id_number">{label}</label>
            <p class="hint">"18位，最后一位可能是字母X"</p>
            {move || message.get().map(|e| view! { <p class="field-error" id="id_number-error" role="alert">{e}</p> })}
            <input id="id_number" name="id_number" value=value autocomplete="off" node_ref=input
                aria-invalid=move || message.with(|m| m.as_ref().map(|_| "true"))
                on:input=move |ev| set_message.set(id_number_complaint(&event_target_value(&ev)))/>
        </div>
    }
}

/// What is wrong with a complete ID number as typed, in the words of the server's check; nothing for a
/// number still being typed (it is not wrong yet) or a correct one. The birth date is checked against
/// today only on the server, which knows today.
fn id_number_complaint(typed: &str) -> Option<String> {
    use crate::domain::id_number::{BirthDate, IdNumber};
    let complete = typed.chars().filter(|c| c.is_ascii_alphanumeric()).count() >= 18;
    let latest_possible = BirthDate { year: 9999, month: 12, day: 31 };
    complete.then(|| IdNumber::parse(typed, latest_possible).err()).flatten().map(|e| e.to_string())
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
            <FieldHead name label hint error/>
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

/// What a failed form post shows on the next page: the values as typed and the message per field, in
/// the form's order. One type for every form; between the post and the page the server keeps it sealed
/// in the database (`flash::FlashStore`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormFeedback {
    pub values: std::collections::HashMap<String, String>,
    /// (field name, message), in the order of the form.
    pub errors: Vec<(String, String)>,
}

impl FormFeedback {
    /// What was typed in `field` (empty when nothing was).
    pub fn value(&self, field: &str) -> String {
        self.values.get(field).cloned().unwrap_or_default()
    }

    /// What was typed in `field`, or `saved` when the post did not carry it.
    pub fn value_or(&self, field: &str, saved: &str) -> String {
        self.values.get(field).cloned().unwrap_or_else(|| saved.to_string())
    }

    pub fn error(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone())
    }

    /// Whether the page follows a refused post.
    pub fn failed(&self) -> bool {
        !self.errors.is_empty()
    }
}
