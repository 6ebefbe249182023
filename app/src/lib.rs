//! The Zhangye social-assistance portal: pages, server functions and the pure domain rules shared by the
//! browser and the server. Compiled twice: with `ssr` into the server, with `hydrate` into the wasm islands.

pub mod areas;
pub mod domain;
pub mod forms;
pub mod layout;
pub mod paging;
pub mod photo_shrinking;
pub mod routes;
pub mod shell;
pub mod suspense;

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod features;
#[cfg(feature = "ssr")]
pub mod flash;
#[cfg(feature = "ssr")]
pub mod keyed_hash;
#[cfg(feature = "ssr")]
pub mod markdown;
#[cfg(all(test, feature = "ssr"))]
mod properties;
#[cfg(feature = "ssr")]
pub mod sealing;
#[cfg(feature = "ssr")]
pub mod services;
#[cfg(feature = "ssr")]
pub mod sms;
#[cfg(feature = "ssr")]
pub mod store;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
