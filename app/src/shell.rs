//! The HTML document around every page and the route table.

use crate::areas::{
    admin, announcements, application, apply, cases, contact, declaration, guide, home, households, identity,
    monitoring, not_found::NotFound, notices, register, report, report_handling, review, staff_accounts,
    stats, status,
};
use crate::layout::{SiteFooter, SiteHeader};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, RouteChildren, Router, Routes},
    path, GeneratedRouteData, MatchNestedRoutes, RouteMatchId, SsrMode,
};

/// The name shown in the header and in every page title.
pub const PORTAL_NAME: &str = "张掖市社会救助服务平台";

/// The Content-Security-Policy of every response. Scripts come only from this site or carry the
/// per-request nonce Leptos puts on its inline bootstrap scripts; wasm needs 'wasm-unsafe-eval'.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let inline_scripts = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{inline_scripts}; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The document shell. It runs on the server only: it reads the request to apply the elder-mode
/// preference before the first byte is sent, so the large-text page needs no script.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let elder_mode = request_elder_mode();
    #[cfg(feature = "ssr")]
    allow_this_requests_inline_scripts();
    // Pages with an island load the scripts themselves (`forms::IslandScripts`); the others send none.
    provide_context(options);
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN" class:elder=elder_mode>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="format-detection" content="telephone=no"/>
                <link rel="stylesheet" href="/pkg/portal.css"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[cfg(feature = "ssr")]
fn allow_this_requests_inline_scripts() {
    let nonce = use_nonce();
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        let policy = content_security_policy(nonce.as_deref());
        if let Ok(value) = http::HeaderValue::from_str(&policy) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

fn request_elder_mode() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().is_some_and(|parts| crate::auth::elder_mode(&parts.headers))
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::content_security_policy;

    #[test]
    fn the_policy_allows_inline_scripts_only_with_the_nonce() {
        let with = content_security_policy(Some("abc"));
        assert!(with.contains("script-src 'self' 'wasm-unsafe-eval' 'nonce-abc';"));
        let without = content_security_policy(None);
        assert!(without.contains("script-src 'self' 'wasm-unsafe-eval';"));
        assert!(!without.contains("unsafe-inline"));
        assert!(without.contains("frame-ancestors 'none'"));
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Every route renders fully before the response is sent (SsrMode::Async): with JavaScript off there
    // is nothing that could fill in a streamed placeholder later.
    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { PORTAL_NAME.to_string() } else { format!("{page} - {PORTAL_NAME}") }
        }/>
        <Router>
            <a class="skip-link" href="#main">"跳到正文"</a>
            <SiteHeader/>
            <main id="main">
                <Routes fallback=NotFound children=RouteChildren::to_children(route_table)/>
            </main>
            <SiteFooter/>
        </Router>
    }
}

/// The route table, built once and shared by every page rendered: each `<Route>` builds a set of
/// methods when it is made (hashed with a fresh `RandomState`), 43 of them per page, about 3 % of the
/// instructions of a status page's first view (callgrind), and the router clones its table more than
/// once a page, each clone copying the 43 sets (together 11 % of a first view).
fn route_table() -> SharedRoutes<impl MatchNestedRoutes + Send + Sync + 'static> {
    built_once(|| {
        SharedRoutes(std::sync::Arc::new(
            view! {
                <Route path=path!("/") view=home::HomePage ssr=SsrMode::Async/>
                <Route path=path!("/apply") view=apply::ApplyPage ssr=SsrMode::Async/>
                <Route path=path!("/apply/identity") view=identity::IdentityPage ssr=SsrMode::Async/>

                <Route path=path!("/apply/helper") view=identity::HelperPage ssr=SsrMode::Async/>
                <Route path=path!("/apply/identity/done") view=identity::IdentityDonePage ssr=SsrMode::Async/>
                <Route path=path!("/apply/form/:step") view=application::ApplicationFormPage ssr=SsrMode::Async/>
                <Route path=path!("/apply/submitted/:reference") view=application::SubmittedPage ssr=SsrMode::Async/>
                <Route path=path!("/status") view=status::StatusPage ssr=SsrMode::Async/>
                <Route path=path!("/status/view") view=status::StatusViewPage ssr=SsrMode::Async/>
                <Route path=path!("/status/change") view=declaration::DeclareKindPage ssr=SsrMode::Async/>
                <Route path=path!("/status/change/details") view=declaration::DeclareDetailsPage ssr=SsrMode::Async/>
                <Route path=path!("/status/change/check") view=declaration::DeclareCheckPage ssr=SsrMode::Async/>
                <Route path=path!("/status/change/done") view=declaration::DeclareDonePage ssr=SsrMode::Async/>
                <Route path=path!("/notices") view=notices::NoticesPage ssr=SsrMode::Async/>
                <Route path=path!("/notices/recipients") view=notices::RecipientsPage ssr=SsrMode::Async/>
                <Route path=path!("/notices/:id/objection") view=notices::ObjectionFormPage ssr=SsrMode::Async/>
                <Route path=path!("/notices/objection/done") view=notices::ObjectionDonePage ssr=SsrMode::Async/>
                <Route path=path!("/contact") view=contact::ContactPage ssr=SsrMode::Async/>
                <Route path=path!("/guide") view=guide::GuideIndexPage ssr=SsrMode::Async/>
                <Route path=path!("/guide/:slug") view=guide::GuideArticlePage ssr=SsrMode::Async/>
                <Route path=path!("/admin") view=admin::AdminPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/guide/:slug") view=admin::GuideEditPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/staff") view=staff_accounts::StaffAccountPage ssr=SsrMode::Async/>
                <Route path=path!("/review") view=review::ReviewHomePage ssr=SsrMode::Async/>
                <Route path=path!("/review/case/:reference") view=cases::CasePage ssr=SsrMode::Async/>
                <Route path=path!("/review/records") view=register::ReviewRecordsPage ssr=SsrMode::Async/>
                <Route path=path!("/review/warnings") view=monitoring::WarningsPage ssr=SsrMode::Async/>
                <Route path=path!("/review/warnings/:id") view=monitoring::WarningPage ssr=SsrMode::Async/>
                <Route path=path!("/review/visits/new") view=monitoring::FoundHouseholdPage ssr=SsrMode::Async/>
                <Route path=path!("/review/households") view=households::RegisterPage ssr=SsrMode::Async/>
                <Route path=path!("/review/households/:id") view=households::HouseholdPage ssr=SsrMode::Async/>
                <Route path=path!("/review/household-referrals/:id") view=monitoring::HouseholdReferralPage ssr=SsrMode::Async/>
                <Route path=path!("/review/login") view=review::LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/review/password") view=review::PasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/stats") view=stats::StatsPage ssr=SsrMode::Async/>
                <Route path=path!("/announcements") view=announcements::AnnouncementsPage ssr=SsrMode::Async/>
                <Route path=path!("/announcements/:id") view=announcements::AnnouncementPage ssr=SsrMode::Async/>
                <Route path=path!("/report") view=report::ReportPage ssr=SsrMode::Async/>
                <Route path=path!("/report/receipt") view=report::ReceiptPage ssr=SsrMode::Async/>
                <Route path=path!("/report/check") view=report::CheckPage ssr=SsrMode::Async/>
                <Route path=path!("/report/view") view=report::ReportViewPage ssr=SsrMode::Async/>
                <Route path=path!("/review/reports") view=report_handling::ReportQueuePage ssr=SsrMode::Async/>
                <Route path=path!("/review/reports/:id") view=report_handling::ReportHandlingPage ssr=SsrMode::Async/>
            }
            .into_inner(),
        ))
    })
}

/// A route table behind an `Arc`, so that the router's clones of it cost a reference count.
struct SharedRoutes<Table>(std::sync::Arc<Table>);

// By hand: a derived `Clone` would ask the table to be `Clone` too.
impl<Table> Clone for SharedRoutes<Table> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<Table: MatchNestedRoutes> MatchNestedRoutes for SharedRoutes<Table> {
    type Data = Table::Data;
    type Match = Table::Match;

    fn match_nested<'a>(&'a self, path: &'a str) -> (Option<(RouteMatchId, Self::Match)>, &'a str) {
        self.0.match_nested(path)
    }

    fn generate_routes(&self) -> impl IntoIterator<Item = GeneratedRouteData> + '_ {
        self.0.generate_routes()
    }

    fn optional(&self) -> bool {
        self.0.optional()
    }
}

/// `build`'s value, made on the first call and cloned on every call after. One caller only: the value
/// is kept in one place whatever its type.
fn built_once<T: Clone + Send + Sync + 'static>(build: fn() -> T) -> T {
    static BUILT: std::sync::OnceLock<Box<dyn std::any::Any + Send + Sync>> = std::sync::OnceLock::new();
    let built = BUILT.get_or_init(|| Box::new(build()));
    built.downcast_ref::<T>().expect("built_once has a single caller").clone()
}
