//! Helpers shared by the integration tests: a real server on a random port with a fresh database.

#![allow(dead_code)] // each test binary uses a different subset

use app::services::{Clock, SystemClock};
use leptos::prelude::LeptosOptions;
use server::startup::{Application, Outside};
use server::{config::Config, sms::MemoryOutbox};
use std::sync::Arc;
use std::{
    net::SocketAddr,
    path::PathBuf,
    sync::atomic::{AtomicU32, Ordering},
};
use tokio::sync::oneshot;

/// A fresh empty database for one test. PostgreSQL when `TEST_DATABASE_URL` is set and `postgres` is
/// asked for; SQLite in a temporary folder otherwise.
pub struct TestDatabase {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

pub fn sqlite_database() -> TestDatabase {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}", dir.path().join("portal.db").display());
    TestDatabase { url, _dir: Some(dir) }
}

/// `None` when no PostgreSQL server was given to the tests.
pub async fn postgres_database() -> Option<TestDatabase> {
    use sqlx::Connection;
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let admin_url = std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())?;
    let name = format!("portal_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
    let mut admin =
        sqlx::PgConnection::connect(&admin_url).await.expect("TEST_DATABASE_URL must be reachable");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("create test database");
    let mut url = url::Url::parse(&admin_url).expect("TEST_DATABASE_URL is a URL");
    url.set_path(&name);
    Some(TestDatabase { url: url.to_string(), _dir: None })
}

/// The server's clock in a test: the machine's time plus however far the test has moved it forward.
#[derive(Default)]
pub struct TestClock {
    ahead_seconds: std::sync::atomic::AtomicI64,
}

impl Clock for TestClock {
    fn unix_now(&self) -> i64 {
        SystemClock.unix_now() + self.ahead_seconds.load(Ordering::SeqCst)
    }
}

impl TestClock {
    /// Moves the server's time forward, as if `seconds` had gone by.
    pub fn advance(&self, seconds: i64) {
        self.ahead_seconds.fetch_add(seconds, Ordering::SeqCst);
    }

    pub fn advance_days(&self, days: i64) {
        self.advance(days * 86_400);
    }
}

pub struct TestApp {
    pub addr: SocketAddr,
    /// Every SMS the server sent.
    pub outbox: Arc<MemoryOutbox>,
    /// The server's clock: tests move it forward instead of writing dates into the database.
    pub clock: Arc<TestClock>,
    pub database_url: String,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    finished: Option<tokio::task::JoinHandle<()>>,
    _database: Option<TestDatabase>,
}

impl TestApp {
    /// The server's time, seconds since the Unix epoch.
    pub fn now(&self) -> i64 {
        self.clock.unix_now()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request reaches the server")
    }

    pub async fn page(&self, path: &str) -> (reqwest::StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.expect("body"))
    }

    /// A form post as a browser on this site sends it.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("origin", format!("http://{}", self.addr))
            .header("sec-fetch-site", "same-origin")
            .form(form)
            .send()
            .await
            .expect("request reaches the server")
    }

    /// A multipart form post (forms with file inputs) as a browser on this site sends it.
    pub async fn post_multipart(&self, path: &str, form: reqwest::multipart::Form) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("origin", format!("http://{}", self.addr))
            .header("sec-fetch-site", "same-origin")
            .multipart(form)
            .send()
            .await
            .expect("request reaches the server")
    }

    /// Passes identity level 1 in this app's client: code by SMS (read from the outbox), name, ID number.
    pub async fn verify_resident(&self, phone: &str, name: &str, id_number: &str) {
        let response = self.post_form("/apply/identity/code", &[("phone", phone)]).await;
        assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER);
        let code = self.outbox.last_code_to(phone).expect("an SMS with a code");
        let response = self
            .post_form("/apply/identity/verify", &[("code", &code), ("name", name), ("id_number", id_number)])
            .await;
        let location = response.headers()[reqwest::header::LOCATION].to_str().unwrap().to_string();
        assert_eq!(location, "/apply/identity/done", "identity check passes");
    }

    /// Two minutes go by, as if the resident had waited out the resend cooldown.
    pub fn pass_resend_cooldown(&self) {
        self.clock.advance(120);
    }

    /// Creates a staff account directly in the app's database.
    pub async fn create_staff(
        &self,
        username: &str,
        role: app::domain::staff::Role,
        scope: &str,
        password: &str,
    ) {
        let store = server::store::open(&self.database_url).await.expect("database opens");
        let new = app::store::NewStaff {
            username: username.into(),
            display_name: format!("{username}同志"),
            password_hash: app::auth::hash_password(password).unwrap(),
            role,
            scope: scope.into(),
        };
        let audit = |id| {
            let at = self.clock.unix_now();
            app::audit::AuditEvent::at(at, "operator", "staff.created", format!("staff:{id}"), "")
        };
        store.create_staff(&new, 0, &audit).await.expect("account created");
        store.close().await;
    }

    /// A second browser: its own cookies.
    /// Creates a staff account and signs this app's client in as it, in a new browser.
    pub async fn sign_in_as(&mut self, username: &str, role: app::domain::staff::Role, scope: &str) {
        self.create_staff(username, role, scope, PASSWORD).await;
        self.client = Self::new_client();
        let response =
            self.post_form("/review/login", &[("username", username), ("password", PASSWORD)]).await;
        assert_eq!(location(&response), "/review");
    }

    pub fn new_client() -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap()
    }

    /// Stops the server as Ctrl-C would and waits until it has finished.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(finished) = self.finished.take() {
            finished.await.expect("server stops cleanly");
        }
    }
}

/// The audit anchor key of the test configuration (the development default).
pub fn anchor_key() -> String {
    Config::default().audit_anchor_key.expose().to_string()
}

pub fn test_config(database_url: &str) -> Config {
    // Uploaded evidence goes beside the SQLite file, in the test's temporary folder.
    let data_dir = database_url
        .strip_prefix("sqlite://")
        .and_then(|file| PathBuf::from(file).parent().map(|p| p.to_path_buf()))
        .unwrap_or_else(|| std::env::temp_dir().join("portal-test-data"));
    Config {
        listen_addr: "127.0.0.1:0".parse().unwrap(),
        database_url: database_url.to_string(),
        data_dir,
        sms_worker_interval_ms: 50,
        // Deterministic tests: no random re-check draws unless a test asks for them.
        recheck_share_percent: 0,
        // Statistics computed on every request, so that a test sees its own cases at once
        // (`server/tests/stats.rs` checks the refreshed snapshot too).
        statistics_refresh_seconds: 0,
        // Pages rendered on every request, for the same reason (`server/tests/site.rs` checks the cache).
        page_cache_seconds: 0,
        ..Config::default()
    }
}

fn leptos_options() -> LeptosOptions {
    let site_root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/site");
    LeptosOptions::builder().output_name("portal").site_root(site_root.display().to_string()).build()
}

/// Starts the real server on a fresh PostgreSQL database; `None` when no PostgreSQL server was given.
pub async fn spawn_on_postgres() -> Option<TestApp> {
    let database = postgres_database().await?;
    Some(spawn_with(test_config(&database.url), Some(database)).await)
}

/// The form of a village assistant (张明) asking to apply for the resident with `phone` (代办).
pub fn village_assistant_for(phone: &str) -> [(&'static str, &str); 4] {
    [
        ("helper_name", "张明"),
        ("helper_phone", "13900000001"),
        ("helper_role", "village_assistant"),
        ("phone", phone),
    ]
}

/// Starts the real server on a random port with a fresh SQLite database.
pub async fn spawn_app() -> TestApp {
    let database = sqlite_database();
    let config = test_config(&database.url);
    spawn_with(config, Some(database)).await
}

pub async fn spawn_with(config: Config, database: Option<TestDatabase>) -> TestApp {
    spawn_with_clock(config, database, Arc::default()).await
}

/// Starts the real server reading `clock` (instances of one deployment share the time).
pub async fn spawn_with_clock(
    config: Config,
    database: Option<TestDatabase>,
    clock: Arc<TestClock>,
) -> TestApp {
    let database_url = config.database_url.clone();
    let outbox = Arc::new(MemoryOutbox::default());
    let outside = Outside { sms: outbox.clone(), clock: clock.clone() };
    let app = Application::build(config, leptos_options(), outside).await.expect("application starts");
    let addr = app.local_addr();
    let (stop, stopped) = oneshot::channel::<()>();
    let finished = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let client = TestApp::new_client();
    TestApp {
        addr,
        outbox,
        clock,
        database_url,
        client,
        stop: Some(stop),
        finished: Some(finished),
        _database: database,
    }
}

/// A server started as a process of its own (`server/tests/durability.rs`), driven by the same helpers;
/// its SMS go to the development outbox file, not to `outbox`.
pub fn attach(addr: SocketAddr, database_url: &str) -> TestApp {
    TestApp {
        addr,
        outbox: Arc::new(MemoryOutbox::default()),
        clock: Arc::default(),
        database_url: database_url.to_string(),
        client: TestApp::new_client(),
        stop: None,
        finished: None,
        _database: None,
    }
}

pub fn id_number(first_17: &str) -> String {
    format!("{first_17}{}", app::domain::id_number::check_character(first_17))
}

pub fn location(response: &reqwest::Response) -> String {
    response.headers()[reqwest::header::LOCATION].to_str().unwrap().to_string()
}

/// Posts a form and expects the redirect that answers it; returns where it points.
pub async fn post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> String {
    let response = app.post_form(path, form).await;
    assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER, "{path}");
    location(&response)
}

/// Answers every question page with valid values.
pub async fn fill_in_everything(app: &TestApp, township: &str) {
    assert_eq!(
        post(app, "/apply/form/types", &[("types", "dibao"), ("types", "medical")]).await,
        "/apply/form/place"
    );
    let place = [("township", township), ("village", "城关村"), ("address", "3组15号")];
    assert_eq!(post(app, "/apply/form/place", &place).await, "/apply/form/household");
    let child = id_number("62070220120305002");
    let member = [
        ("op", "add"),
        ("relationship", "child"),
        ("member_name", "王小明"),
        ("member_id_number", child.as_str()),
        ("in_school", "yes"),
    ];
    assert_eq!(post(app, "/apply/form/household", &member).await, "/apply/form/household");
    assert_eq!(
        post(app, "/apply/form/household", &[("op", "self"), ("seriously_ill", "yes")]).await,
        "/apply/form/household"
    );
    assert_eq!(post(app, "/apply/form/household", &[("op", "continue")]).await, "/apply/form/income");
    assert_eq!(
        post(app, "/apply/form/income", &[("transfers", "300"), ("business", "")]).await,
        "/apply/form/assets"
    );
    let assets = [("housing", "one"), ("vehicle", "none"), ("savings", "under_10k")];
    assert_eq!(post(app, "/apply/form/assets", &assets).await, "/apply/form/spending");
    assert_eq!(post(app, "/apply/form/spending", &[("medical", "18000")]).await, "/apply/form/account");
    let account = [("account", "去年查出尿毒症，每周透析三次，没法再出去打工，孩子还在上学。")];
    assert_eq!(post(app, "/apply/form/account", &account).await, "/apply/form/check");
}

/// A complete application submitted by a newly verified resident; returns the reference number.
pub async fn submit_application(app: &TestApp, phone: &str, name: &str, township: &str) -> String {
    app.resident(phone).named(name).in_township(township).submits().await
}

/// A resident applying, said as a test reads: `app.resident(phone).named("赵建国").applies_for("temporary")
/// .submits().await` verifies the phone and the ID, answers every question (`fill_in_everything`, then the
/// types asked for) and submits with consent; it returns the reference number.
pub struct Applicant<'a> {
    app: &'a TestApp,
    phone: String,
    name: String,
    township: String,
    types: Vec<String>,
}

impl TestApp {
    pub fn resident(&self, phone: &str) -> Applicant<'_> {
        Applicant {
            app: self,
            phone: phone.into(),
            name: "王秀兰".into(),
            township: "620702001".into(),
            types: Vec::new(),
        }
    }
}

impl Applicant<'_> {
    pub fn named(mut self, name: &str) -> Self {
        self.name = name.into();
        self
    }

    pub fn in_township(mut self, township: &str) -> Self {
        self.township = township.into();
        self
    }

    /// The kinds of help asked for, by key (`dibao`, `temporary`, …); 低保 and 医疗救助 otherwise.
    pub fn applies_for(mut self, types: &str) -> Self {
        self.types.push(types.into());
        self
    }

    pub async fn submits(self) -> String {
        let app = self.app;
        app.verify_resident(&self.phone, &self.name, &id_number("62070219700101202")).await;
        fill_in_everything(app, &self.township).await;
        if !self.types.is_empty() {
            let types: Vec<(&str, &str)> = self.types.iter().map(|t| ("types", t.as_str())).collect();
            assert_eq!(post(app, "/apply/form/types", &types).await, "/apply/form/place");
        }
        let (_, html) = app.page("/apply/form/check").await;
        submit_checked(app, &html).await
    }
}

/// The submission key that the check page's form carries (it makes a repeated submit harmless).
pub fn submission_key(check_page: &str) -> String {
    let after = check_page.split(r#"name="submission_key" value=""#).nth(1).expect("a submission key");
    after.split('"').next().unwrap().to_string()
}

/// Submits, with consent, the application whose check page is `check_page`; returns the reference number.
pub async fn submit_checked(app: &TestApp, check_page: &str) -> String {
    let key = submission_key(check_page);
    let done = post(app, "/apply/submit", &[("submission_key", &key), ("consent", "yes")]).await;
    done.strip_prefix("/apply/submitted/").expect("the receipt page").to_string()
}

/// Passes the status page's SMS check on a new phone session for the case.
pub async fn check_status(app: &mut TestApp, reference: &str, phone: &str) {
    app.client = TestApp::new_client();
    app.pass_resend_cooldown();
    post(app, "/status/code", &[("reference", reference)]).await;
    let code = app.outbox.last_code_to(phone).unwrap();
    assert_eq!(post(app, "/status/verify", &[("code", &code)]).await, "/status/view");
}

/// The first status message to `phone` whose text contains `words` (waits up to five seconds).
pub async fn wait_for_sms(app: &TestApp, phone: &str, words: &str) -> String {
    for _ in 0..100 {
        let texts: Vec<String> = app.outbox.messages_to(phone).iter().map(|m| m.text()).collect();
        if let Some(text) = texts.into_iter().find(|t| t.contains(words)) {
            return text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no message to {phone} saying {words}");
}

const PASSWORD: &str = "a long enough password";

/// A reviewer's own browser, signed in.
pub struct Reviewer<'a> {
    pub app: &'a TestApp,
    pub client: reqwest::Client,
    username: String,
}

impl<'a> Reviewer<'a> {
    pub async fn sign_in(
        app: &'a TestApp,
        username: &str,
        role: app::domain::staff::Role,
        scope: &str,
    ) -> Self {
        app.create_staff(username, role, scope, PASSWORD).await;
        let reviewer = Self { app, client: TestApp::new_client(), username: username.to_string() };
        reviewer.sign_in_again().await;
        reviewer
    }

    /// Signs in in the same browser: after days have gone by, the session of the day before has ended.
    pub async fn sign_in_again(&self) {
        let form = [("username", self.username.as_str()), ("password", PASSWORD)];
        assert_eq!(location(&self.post("/review/login", &form).await), "/review");
    }

    /// 受理, the home visit, the economic check, and the township's recommendation of `amount`.
    pub async fn investigates_and_recommends(&self, reference: &str, amount: &str) {
        for (action, note, amount) in [
            ("accept", "", ""),
            ("record_visit", "入户核实，情况属实", ""),
            ("record_check", "核对无异常", ""),
            ("recommend", "", amount),
        ] {
            let (_, html) = self.act(reference, action, note, amount).await;
            assert!(!html.contains("error-summary"), "{action} is recorded: {html}");
        }
    }

    /// The notice published, its seven days gone by (the reviewer signs in again the next morning), and
    /// the case forwarded to the county.
    pub async fn publishes_and_forwards_after_the_notice(&self, reference: &str) {
        self.act(reference, "publish_notice", "", "").await;
        self.app.clock.advance_days(8);
        self.sign_in_again().await;
        let (_, html) = self.act(reference, "forward_to_county", "", "").await;
        assert!(!html.contains("error-summary"), "forwarded: {html}");
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.app.url(path))
            .header("origin", self.app.url(""))
            .header("sec-fetch-site", "same-origin")
            .form(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_multipart(&self, path: &str, form: reqwest::multipart::Form) -> reqwest::Response {
        self.client
            .post(self.app.url(path))
            .header("origin", self.app.url(""))
            .header("sec-fetch-site", "same-origin")
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn page(&self, path: &str) -> (reqwest::StatusCode, String) {
        let response = self.client.get(self.app.url(path)).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// Takes an action; returns the page the answer leads to.
    pub async fn act(
        &self,
        reference: &str,
        action: &str,
        note: &str,
        amount: &str,
    ) -> (reqwest::StatusCode, String) {
        let path = format!("/review/case/{reference}");
        let response = self.post(&path, &[("action", action), ("note", note), ("amount", amount)]).await;
        if response.status() != reqwest::StatusCode::SEE_OTHER {
            return (response.status(), response.text().await.unwrap());
        }
        self.page(&location(&response)).await
    }
}

/// The rows of sheet `sheet` of the spreadsheet (a 台账) the reviewer downloads from `path`, headings first.
pub async fn spreadsheet_rows(reviewer: &Reviewer<'_>, path: &str, sheet: &str) -> Vec<Vec<calamine::Data>> {
    use calamine::Reader;
    let response = reviewer.client.get(reviewer.app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK, "{path}");
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.starts_with("attachment") && disposition.contains(".xlsx"), "{disposition}");
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = workbook.worksheet_range(sheet).expect("the sheet is named");
    range.rows().map(<[calamine::Data]>::to_vec).collect()
}

/// The text of every page of the PDF the reviewer downloads from `path` (without spaces and line
/// breaks), its pages and the file's size.
pub async fn pdf_text(reviewer: &Reviewer<'_>, path: &str) -> (String, usize, usize) {
    let response = reviewer.client.get(reviewer.app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK, "{path}");
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let bytes = response.bytes().await.unwrap().to_vec();
    let document = lopdf::Document::load_mem(&bytes).expect("the PDF parses");
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    let text = document.extract_text(&pages).expect("the PDF's text reads back");
    (text.split_whitespace().collect(), pages.len(), bytes.len())
}

/// The first page (50 cases) of a township's or county's whole queue, unfiltered.
pub fn whole_queue(scope: app::store::QueueScope) -> app::store::QueueQuery {
    app::store::QueueQuery {
        scope,
        status: String::new(),
        kind: String::new(),
        due_by: None,
        page: app::store::Page::numbered(1, 50),
    }
}

/// An application record as the store takes it, submitted in `township` with decision due `due`.
pub fn new_application(reference: &str, key: &str, township: &str, due: &str) -> app::store::NewApplication {
    use app::domain::{assistance::AssistanceType, calendar::Date, workflow::Status};
    let record = app::store::ApplicationRecord {
        id: 0,
        reference: reference.into(),
        phone_key: "phone-key".into(),
        county_code: township[..6].into(),
        township_code: township.into(),
        village: "城关村".into(),
        types: vec![AssistanceType::Dibao, AssistanceType::Medical],
        emergency: false,
        household_size: 3,
        status: Status::Submitted,
        submitted_at: 1_795_969_800,
        acceptance_due: Date::parse("2026-12-02").unwrap(),
        decision_due: Date::parse(due).unwrap(),
        sealed: "v1:sealed".into(),
        applicant_masked: Some("张*".into()),
        monthly_amount: None,
        notice_until: None,
        recheck_drawn: false,
    };
    let event = app::store::CaseEvent {
        at: 1_795_969_800,
        actor: "申请人".into(),
        action: "submit".into(),
        status: Status::Submitted,
        note: String::new(),
    };
    app::store::NewApplication {
        record,
        submission_key: key.into(),
        event,
        files: Vec::new(),
        audit: by_test(),
    }
}

/// The audit entry of a change a test makes in the store directly.
pub fn by_test() -> app::audit::AuditEvent {
    app::audit::AuditEvent::at(SystemClock.unix_now(), "operator", "test.change", "", "")
}

/// The text fields of a multipart form.
pub fn multipart_form(fields: &[(&str, &str)]) -> reqwest::multipart::Form {
    fields.iter().fold(reqwest::multipart::Form::new(), |form, (name, value)| {
        form.text(name.to_string(), value.to_string())
    })
}

/// A photo taken in a browser, with EXIF GPS tags (38°56′N 100°27′E) added after its JFIF header.
pub const GPS_PHOTO: &[u8] = include_bytes!("../fixtures/gps-photo.jpg");

/// A form's file part holding `bytes` as a JPEG photo.
pub fn photo_part(bytes: &[u8]) -> reqwest::multipart::Part {
    reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("IMG_0001.jpg").mime_str("image/jpeg").unwrap()
}

/// The case page's workflow buttons by their action keys, in order: read from the parsed page, so that
/// text elsewhere ("待受理" in the history, say) cannot pass for a button ("受理").
pub fn case_actions(html: &str) -> Vec<String> {
    let page = scraper::Html::parse_document(html);
    let buttons = scraper::Selector::parse(r#"form button[name="action"]"#).expect("a valid selector");
    page.select(&buttons).filter_map(|b| b.value().attr("value")).map(str::to_string).collect()
}

/// The trimmed text of each element that `selector` picks in `html`.
pub fn texts(html: &str, selector: &str) -> Vec<String> {
    let page = scraper::Html::parse_document(html);
    let picked = scraper::Selector::parse(selector).expect("a valid selector");
    page.select(&picked).map(|e| e.text().collect::<String>().trim().to_string()).collect()
}
