//! Builds the application from its configuration and serves it until told to stop.

use crate::{
    config::Config,
    notifications,
    serving::{ConnectionLimits, ServingThreads},
    store,
    uploads::{EvidenceFiles, UPLOAD_BODY_LIMIT},
    web::{
        admin, api, application, cases, client, declaration, emergency, form_bodies, health, identity,
        imports, ledgers, monitoring, notices, overload, page_cache, papers, preferences, rate_limit,
        register, reports, review, security, static_pages, stats, status,
    },
};
use anyhow::Context as _;
use app::{
    flash::FlashStore,
    keyed_hash::KeyedHasher,
    services::{Clock, Kept, Services},
    shell::{shell, App},
    sms::SmsSender,
    store::Store,
};
use axum::{
    extract::{DefaultBodyLimit, FromRef, Request},
    middleware,
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::convert::Infallible;
use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};
use tokio::net::TcpListener;
use tower::Service;
use tower_http::{catch_panic::CatchPanicLayer, compression::CompressionLayer, trace::TraceLayer};

/// What every handler and stateful layer holds. axum clones it for each request (every route's stack is
/// cloned before it is called), so it is one `Arc`: a clone is one counter, not a copy of every service
/// and option (that copy and its drop took a fifth of the server's time on a cached page).
#[derive(Clone)]
pub struct AppState(Arc<SharedState>);

impl std::ops::Deref for AppState {
    type Target = SharedState;

    fn deref(&self) -> &SharedState {
        &self.0
    }
}

pub struct SharedState {
    pub leptos_options: LeptosOptions,
    /// The same services the pages and server functions get through Leptos' context.
    pub services: Services,
    pub config: Arc<Config>,
    pub reports: reports::ReportDesk,
    /// Objections one client may post and file per hour (in memory, like the report budgets).
    pub objections: ObjectionBudgets,
    /// Evidence files on disk (reports, objections).
    pub evidence: EvidenceFiles,
    /// Departments' API calls per credential and minute (in memory, per instance).
    pub api_calls: api::ApiBudget,
    /// The font of the PDFs and receipt images, loaded on first use.
    pub fonts: Arc<crate::documents::Fonts>,
}

/// A client's objections per hour: `filed` counts objections stored, so that a resident correcting a
/// refused form does not spend it; `posts` (four times as many) bounds the forms read at all.
#[derive(Clone)]
pub struct ObjectionBudgets {
    pub posts: rate_limit::IpBudget,
    pub filed: rate_limit::IpBudget,
}

impl ObjectionBudgets {
    fn new(per_hour: u32) -> Self {
        let hour = Duration::from_secs(3600);
        Self {
            posts: rate_limit::IpBudget::new(per_hour.saturating_mul(4), hour),
            filed: rate_limit::IpBudget::new(per_hour, hour),
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

pub struct Application {
    listener: TcpListener,
    threads: ServingThreads,
    state: AppState,
    store: Arc<dyn Store>,
    /// Sends queued status messages and refreshes the published statistics while the server runs.
    background: Vec<tokio::task::JoinHandle<()>>,
}

/// What the pages and handlers share: the store, the keys, the rules of the configuration.
async fn services(config: &Config, store: Arc<dyn Store>, outside: Outside) -> anyhow::Result<Services> {
    let sealer = Arc::new(config.sealer());
    Ok(Services {
        divisions: app::store::divisions(store.as_ref()).await?.into(),
        flash: Arc::new(FlashStore::new(store.clone(), sealer.clone(), outside.clock.clone())),
        store,
        session_secret: config.session_secret.expose().into(),
        secure_cookies: config.secure_cookies,
        hasher: Arc::new(KeyedHasher::new(config.lookup_key())),
        sealer,
        time_limits: config.time_limits.clone(),
        review_rules: config.review_rules.clone(),
        warning_rules: config.warning_rules.clone(),
        emergency_rules: config.emergency.clone(),
        statistics_refresh_seconds: config.statistics_refresh_seconds,
        sms: outside.sms,
        hotlines: Arc::new(Kept::new(Duration::from_secs(config.page_cache_seconds))),
        calendar: Arc::new(Kept::new(Duration::from_secs(config.page_cache_seconds))),
        clock: outside.clock,
    })
}

/// What the server talks to outside itself: the SMS gateway (see `crate::sms::from_config`) and the
/// clock (`SystemClock`; tests give one they can move forward).
pub struct Outside {
    pub sms: Arc<dyn SmsSender>,
    pub clock: Arc<dyn Clock>,
}

impl Application {
    /// Opens the database (migrating and seeding it) and binds the listening socket. Port 0 picks a free
    /// port, which the integration tests use.
    pub async fn build(
        config: Config,
        leptos_options: LeptosOptions,
        outside: Outside,
    ) -> anyhow::Result<Self> {
        let store = store::open(&config.database_url).await?;
        let listener = TcpListener::bind(config.listen_addr).await?;
        let threads = serving_threads(&config).context("starting the threads connections are served on")?;
        let services = services(&config, store.clone(), outside).await?;
        let sms_every = Duration::from_millis(config.sms_worker_interval_ms);
        let mut background = vec![notifications::spawn(services.clone(), sms_every)];
        background.push(crate::audit_anchor::spawn(
            services.clone(),
            config.audit_anchor_key.clone(),
            Duration::from_secs(config.audit_anchor_seconds),
        ));
        if config.statistics_refresh_seconds > 0 {
            let every = Duration::from_secs(config.statistics_refresh_seconds);
            background.push(crate::statistics::spawn(services.clone(), every));
        }
        let reports = reports::ReportDesk::new(&config);
        let reserve = config.min_free_disk_mb.saturating_mul(1024 * 1024);
        let evidence = EvidenceFiles::new(config.data_dir.join("evidence"), services.sealer.clone(), reserve);
        background.push(crate::uploads::sweep::spawn(
            evidence.clone(),
            store.clone(),
            config.draft_retention_days,
            Duration::from_secs(config.file_sweep_seconds),
        ));
        let objections = ObjectionBudgets::new(config.objections_per_hour);
        let api_calls = api::budget(config.api_calls_per_minute);
        let fonts = Arc::new(crate::documents::Fonts::new(config.document_font.clone()));
        let config = Arc::new(config);
        let state = AppState(Arc::new(SharedState {
            leptos_options,
            services,
            config,
            reports,
            objections,
            evidence,
            api_calls,
            fonts,
        }));
        Ok(Self { listener, threads, state, store, background })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// Serves until `shutdown` completes, lets requests in flight finish (within the grace period of
    /// `serving::ConnectionLimits`), then closes the database.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) {
        let config = &self.state.config;
        let limits = ConnectionLimits {
            idle: Duration::from_secs(config.connection_idle_seconds),
            // Requests in flight are cut at the request timeout; their answers get as long again to go out.
            shutdown_grace: Duration::from_secs(
                config.request_timeout_seconds + config.connection_idle_seconds,
            ),
        };
        crate::serving::serve(self.listener, self.threads, site(self.state), limits, shutdown).await;
        // Messages not sent yet stay queued for the next start.
        for task in &self.background {
            task.abort();
        }
        self.store.close().await;
    }
}

/// Threads of their own only with SQLite: see `ServingThreads::shared` for PostgreSQL.
fn serving_threads(config: &Config) -> std::io::Result<ServingThreads> {
    match config.serving_threads {
        0 => Ok(ServingThreads::shared()),
        count if config.uses_sqlite() => ServingThreads::start(count),
        _ => {
            tracing::warn!(
                "PORTAL_SERVING_THREADS is for SQLite only: connections served on the shared runtime"
            );
            Ok(ServingThreads::shared())
        }
    }
}

/// Logs the method and path only: query strings can carry what people typed (self-check answers,
/// reference numbers), and logs must not.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
}

fn router(state: AppState) -> Router {
    // Axum clones a route's whole service for every request it routes, cached pages included, and the
    // Leptos handlers hold these two closures: behind an `Arc` that clone is one count, and `Services`
    // (twenty `Arc`s) and `LeptosOptions` (strings) are cloned only when a page is rendered.
    let services = Arc::new(state.services.clone());
    let provide_services = move || provide_context(Services::clone(&services));
    let routes = generate_route_list(App);
    let options = Arc::new(state.leptos_options.clone());

    let pages = Router::new()
        .merge(public_routes())
        .merge(resident_routes(&state.config))
        .merge(staff_routes())
        .merge(admin_routes())
        .leptos_routes_with_context(&state, routes, provide_services.clone(), move || {
            shell(LeptosOptions::clone(&options))
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(provide_services, shell))
        .layer(middleware::from_fn(form_bodies::read_whole))
        .with_state(state.clone());
    // Wrapped around the routes as one service, not through `Router::layer` (which builds each layer
    // once per route): one concurrency limit for the whole instance instead of one per route, and a
    // cached page is answered before routing.
    let overload = overload::Overload::new(
        state.config.max_concurrent_requests,
        Duration::from_secs(state.config.request_timeout_seconds),
    );
    let limited = tower::ServiceBuilder::new()
        .layer(middleware::from_fn_with_state(overload, overload::shed))
        .layer(rate_limit::per_ip_layer(&state.config))
        .layer(middleware::from_fn(security::same_origin_posts))
        .layer(middleware::from_fn_with_state(
            rate_limit::ListLimiter::new(&state.config),
            rate_limit::limit_lists,
        ))
        .layer(middleware::from_fn_with_state(
            Arc::new(
                page_cache::PageCache::new(state.config.page_cache_seconds)
                    .with_status_pages(page_cache::StatusSessions {
                        secret: state.services.session_secret.clone(),
                        clock: state.services.clock.clone(),
                    })
                    .with_render_places(state.config.render_places()),
            ),
            page_cache::serve,
        ))
        .service(pages);
    // Probes stay answerable under overload, so that the load balancer sees a busy instance alive.
    Router::new()
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .fallback_service(limited)
        .with_state(state)
}

/// The router inside the layers every answer goes through, probes included: wrapped around it as one
/// service, not through `Router::layer`, which boxes each layer around each route (axum clones a route's
/// boxes for every request, and each layer's clone clones the boxes inside it).
fn site(
    state: AppState,
) -> impl Service<Request, Response = Response, Error = Infallible, Future: Send> + Clone + Send + 'static {
    let (secure, proxies) = (state.config.secure_cookies, state.config.trusted_proxies());
    tower::ServiceBuilder::new()
        .map_response(IntoResponse::into_response)
        .layer(middleware::from_fn_with_state(proxies, client::identify))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(CatchPanicLayer::custom(|_| static_pages::internal_error()))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(secure, security::edge))
        .service(router(state))
}

/// The resident's own steps: identity, the form, its documents, the status lookup and declared changes.
fn resident_routes(config: &Config) -> Router<AppState> {
    Router::new()
        .route(
            app::routes::APPLY_IDENTITY_CODE,
            post(identity::send_code).layer(rate_limit::sms_per_ip_layer(config)),
        )
        .route(
            app::routes::APPLY_IDENTITY_VERIFY,
            post(identity::verify).layer(rate_limit::sms_per_ip_layer(config)),
        )
        .route(
            app::routes::APPLY_HELPER_CODE,
            post(identity::send_helper_code).layer(rate_limit::sms_per_ip_layer(config)),
        )
        .route("/apply/form/{step}", post(application::save_step))
        .route(app::routes::APPLY_SUBMIT, post(application::submit))
        .route(
            app::routes::APPLY_DOCUMENTS,
            post(application::upload_document).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route(app::routes::APPLY_DOCUMENTS_REMOVE, post(application::remove_document))
        .route(app::routes::STATUS_CODE, post(status::send_code).layer(rate_limit::sms_per_ip_layer(config)))
        .route(app::routes::STATUS_VERIFY, post(status::verify).layer(rate_limit::sms_per_ip_layer(config)))
        .route(app::routes::STATUS_WITHDRAW, post(status::withdraw))
        .route(
            app::routes::STATUS_MATERIAL,
            post(status::provide_material).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route(app::routes::STATUS_CHANGE_KIND, post(declaration::kind))
        .route(app::routes::STATUS_CHANGE_DETAILS, post(declaration::details))
        .route(
            app::routes::STATUS_CHANGE_SUBMIT,
            post(declaration::submit).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/apply/submitted/{reference}/receipt.png", get(papers::receipt))
}

/// Reviewers', village workers' and departments' posts and files (each handler checks the session).
fn staff_routes() -> Router<AppState> {
    Router::new()
        .route("/review/case/{reference}", post(cases::act).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)))
        .route("/review/case/{reference}/referral", post(cases::answer_referral))
        .route(
            "/review/case/{reference}/review",
            post(register::review).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/review/case/{reference}/confirm", post(register::confirm))
        .route("/review/case/{reference}/emergency", post(emergency::grant))
        .route("/review/case/{reference}/emergency/answer", post(emergency::county_answer))
        .route("/review/case/{reference}/file/{id}", get(cases::file))
        .route("/review/case/{reference}/form.pdf", get(papers::approval_form))
        .route("/review/case/{reference}/consent.pdf", get(papers::consent_forms))
        .route(
            "/review/warnings/{id}/close",
            post(monitoring::close).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route(
            app::routes::REVIEW_VISITS,
            post(monitoring::record_found).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/review/households/{id}/photo/{photo}", get(monitoring::photo))
        .route("/review/household-referrals/{id}/answer", post(monitoring::answer_referral))
        .route("/review/reports/{id}/message", post(reports::ask))
        .route("/review/reports/{id}/update", post(reports::update))
        .route("/review/reports/file/{id}", get(reports::evidence))
        .route("/review/queue.xlsx", get(ledgers::queue))
        .route("/review/households.xlsx", get(ledgers::register))
        .route(app::routes::REVIEW_LOGIN, post(review::login))
        .route(app::routes::REVIEW_LOGOUT, post(review::logout))
        .route(app::routes::REVIEW_PASSWORD, post(review::change_password))
}

/// The administrator's posts.
fn admin_routes() -> Router<AppState> {
    Router::new()
        .route(app::routes::ADMIN_HOTLINES, post(admin::add_hotline))
        .route(app::routes::ADMIN_HOTLINES_REMOVE, post(admin::remove_hotline))
        .route(app::routes::ADMIN_STANDARDS, post(admin::confirm_standards))
        .route(app::routes::ADMIN_GUIDE, post(admin::update_guide))
        .route(app::routes::ADMIN_ANNOUNCEMENTS, post(admin::publish_announcement))
        .route(app::routes::ADMIN_STAFF_RELATIVES, post(admin::add_staff_relatives))
        .route(app::routes::ADMIN_CALENDAR, post(admin::set_calendar_day))
        .route(app::routes::ADMIN_CALENDAR_REMOVE, post(admin::remove_calendar_day))
        .route(app::routes::ADMIN_ANNOUNCEMENTS_REMOVE, post(admin::remove_announcement))
        .route(app::routes::ADMIN_API_CREDENTIALS, post(admin::issue_api_credential))
        .route(app::routes::ADMIN_STAFF, post(admin::create_staff_account))
        .route(app::routes::ADMIN_API_CREDENTIALS_REVOKE, post(admin::revoke_api_credential))
        .route(app::routes::ADMIN_EVENTS_IMPORT, post(imports::import_events_file))
        .route(app::routes::ADMIN_ROLL_IMPORT, post(imports::import_roll_file))
}

/// What anyone may post or fetch without a session: preferences, objections, reports, the API.
fn public_routes() -> Router<AppState> {
    Router::new()
        .route(app::routes::STATS_CSV, get(stats::csv))
        .route(app::routes::PREFERENCES_ELDER_MODE, post(preferences::set_elder_mode))
        .route(
            "/notices/{id}/objection",
            post(notices::object).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route(app::routes::REPORT, post(reports::file).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)))
        .route(app::routes::REPORT_CONFIRM, post(reports::confirm))
        .route(app::routes::REPORT_CHECK, post(reports::check))
        .route(
            app::routes::REPORT_REPLY,
            post(reports::reply).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route(app::routes::REPORT_LEAVE, post(reports::leave))
        .route(app::routes::API_V1_OPENAPI_JSON, get(api::openapi))
        .route("/api/v1/events", post(api::post_event).layer(DefaultBodyLimit::max(api::API_BODY_LIMIT)))
        .route(
            "/api/v1/recognition",
            post(api::post_recognition).layer(DefaultBodyLimit::max(api::API_BODY_LIMIT)),
        )
}
