//! The departments' API (`/api/v1`) over HTTP: credentials the administrator issues and revokes, events
//! matched to the monitoring register that raise one warning however often they arrive, 对象互认, and
//! every refusal (no token, wrong department, revoked, malformed, oversized, unknown person, over budget).

use crate::common::{spawn_with, test_config, Reviewer, TestApp};
use app::domain::id_number::{BirthDate, IdNumber};
use app::domain::monitoring::{Level, SignalKind};
use app::domain::register::Category;
use app::domain::staff::Role;
use app::features::monitoring::member_hash;
use app::keyed_hash::KeyedHasher;
use reqwest::{header, StatusCode};
use serde_json::{json, Value};

const PASSWORD: &str = "a long staff passphrase";
const TOWNSHIP: &str = "620702001";

async fn sign_in_admin(app: &TestApp) {
    app.create_staff("admin", Role::Administrator, "city", PASSWORD).await;
    let response = app.post_form("/review/login", &[("username", "admin"), ("password", PASSWORD)]).await;
    assert_eq!(response.headers()[header::LOCATION], "/review");
}

/// The token the administrator's page shows once for a new credential.
async fn issue(app: &TestApp, department: &str, scopes: &[&str]) -> String {
    let mut form = vec![("api_department", department), ("api_label", "测试系统")];
    form.extend(scopes.iter().map(|scope| ("api_scopes", *scope)));
    let response = app.post_form("/admin/api-credentials", &form).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    let start = html.find("<code class=\"token\">").expect("the token is shown") + 20;
    let end = start + html[start..].find("</code>").unwrap();
    html[start..end].to_string()
}

fn valid_id(first_17: &str) -> String {
    crate::common::id_number(first_17)
}

/// A household on the register (as an import of 乡村振兴's roll puts it there) with this member.
async fn on_register(app: &TestApp, id_number: &str, category: Option<Category>) -> i64 {
    let store = server::store::open(&app.database_url).await.unwrap();
    let hasher = KeyedHasher::new(server::config::Config::default().data_key.expose());
    let id = IdNumber::parse(id_number, BirthDate::today_in_china(app.now())).unwrap();
    let lead = app::store::HouseholdLead {
        county_code: "620702".into(),
        township_code: TOWNSHIP.into(),
        village: "城关村".into(),
        category,
        source: "import".into(),
        member_hashes: vec![member_hash(&hasher, &id)],
        sealed: app::sealing::Sealer::new(server::config::Config::default().data_key.expose())
            .seal(&vec![("王秀兰", id_number)]),
        now: app.now(),
    };
    let audit =
        |id: i64| app::audit::AuditEvent::at(app.now(), "test", "monitoring.household", id.to_string(), "");
    let (household, _) = store.register_household(&lead, &audit).await.unwrap();
    store.close().await;
    household.id
}

async fn call(app: &TestApp, path: &str, token: &str, body: &Value) -> (StatusCode, Value) {
    let response =
        app.client.post(app.url(path)).bearer_auth(token).json(body).send().await.expect("answered");
    let status = response.status();
    (status, response.json().await.expect("every answer is JSON"))
}

fn hospital_bill(reference: &str, id_number: &str, yuan: u32) -> Value {
    json!({"reference_id": reference, "id_number": id_number, "kind": "hospital_bill", "out_of_pocket_yuan": yuan})
}

async fn open_warnings(app: &TestApp) -> Vec<app::store::WarningRow> {
    let store = server::store::open(&app.database_url).await.unwrap();
    let warnings = store.open_warnings(TOWNSHIP, "", 50).await.unwrap();
    store.close().await;
    warnings
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    use sqlx::Connection;
    let sql = "SELECT COUNT(*) FROM audit_log WHERE action = $1";
    if app.database_url.starts_with("postgres") {
        let mut db = sqlx::PgConnection::connect(&app.database_url).await.unwrap();
        sqlx::query_scalar(sql).bind(action).fetch_one(&mut db).await.unwrap()
    } else {
        let mut db = sqlx::SqliteConnection::connect(&app.database_url).await.unwrap();
        sqlx::query_scalar(sql).bind(action).fetch_one(&mut db).await.unwrap()
    }
}

async fn hospital_bill_raises_one_warning(app: TestApp, backend: &str) {
    sign_in_admin(&app).await;
    let token = issue(&app, "medical-insurance", &["events"]).await;
    let member = valid_id("62070219800101123");
    let household = on_register(&app, &member, None).await;

    let event = hospital_bill("YB-2026-0001", &member, 23_000);
    let (status, answer) = call(&app, "/api/v1/events", &token, &event).await;
    assert_eq!((status, &answer), (StatusCode::ACCEPTED, &json!({"result": "warned"})), "{backend}");
    let (status, answer) = call(&app, "/api/v1/events", &token, &event).await;
    assert_eq!((status, &answer), (StatusCode::ACCEPTED, &json!({"result": "duplicate"})), "{backend}");

    let warnings = open_warnings(&app).await;
    assert_eq!(warnings.len(), 1, "{backend}: one warning for the event sent twice");
    let warning = &warnings[0];
    assert_eq!((warning.household_id, warning.kind), (household, SignalKind::Medical), "{backend}");
    // 23,000 元 for a household in no category: above 15,000, below three times it.
    assert_eq!(warning.warning.level, Level::Orange, "{backend}");
    let raised_on = app::domain::calendar::Date::today_in_china(warning.raised_at);
    assert!(warning.warning.visit_due > raised_on, "{backend}: a deadline in working days");

    let (status, answer) = call(&app, "/api/v1/events", &token, &hospital_bill("YB-2", &member, 800)).await;
    assert_eq!((status, &answer), (StatusCode::ACCEPTED, &json!({"result": "recorded"})), "{backend}");
    assert_eq!(audit_count(&app, "api.event_received").await, 2, "{backend}");
    assert_eq!(audit_count(&app, "api.event_duplicate").await, 1, "{backend}");
    assert_eq!(audit_count(&app, "api.credential_created").await, 1, "{backend}");
    app.stop().await;
}

#[tokio::test]
async fn a_hospital_bill_for_a_household_that_never_applied_raises_one_warning_with_a_deadline() {
    let database = crate::common::sqlite_database();
    let app = spawn_with(test_config(&database.url), Some(database)).await;
    hospital_bill_raises_one_warning(app, "SQLite").await;
    if let Some(app) = crate::common::spawn_on_postgres().await {
        hospital_bill_raises_one_warning(app, "PostgreSQL").await;
    }
}

#[tokio::test]
async fn the_api_refuses_every_call_it_should_and_says_why_in_json() {
    let app = crate::common::spawn_app().await;
    sign_in_admin(&app).await;
    let medical = issue(&app, "medical-insurance", &["events", "recognition"]).await;
    let education = issue(&app, "education", &["events"]).await;
    let ask_only = issue(&app, "medical-insurance", &["recognition"]).await;
    let member = valid_id("62070219800101123");
    on_register(&app, &member, None).await;
    let bill = hospital_bill("YB-1", &member, 20_000);
    callers_without_a_valid_token_or_scope_are_refused(&app, &bill, [&medical, &education, &ask_only]).await;
    bad_bodies_are_refused_naming_the_field(&app, &medical, &member).await;
    assert!(open_warnings(&app).await.is_empty(), "no refused call raised a warning");
    assert_eq!(
        audit_count(&app, "api.call_refused").await,
        7,
        "every refusal of a known caller is audited (3 scopes, malformed, oversized, 2 fields); unknown tokens are not callers"
    );
    a_revoked_token_stops_at_once(&app, &medical, &member).await;
    app.stop().await;
}

/// The machine-readable reason of a refused call.
fn error_code(answer: &Value) -> String {
    answer["error"].as_str().unwrap_or_default().to_string()
}

/// No token, a bad or tampered one: 401; another department's or one without the scope: 403.
async fn callers_without_a_valid_token_or_scope_are_refused(app: &TestApp, bill: &Value, tokens: [&str; 3]) {
    let [medical, education, ask_only] = tokens;
    let member = bill["id_number"].as_str().unwrap();
    let response = app.client.post(app.url("/api/v1/events")).json(bill).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "no token");
    let (status, answer) = call(app, "/api/v1/events", "not.a.token", bill).await;
    assert_eq!((status, error_code(&answer)), (StatusCode::UNAUTHORIZED, "unauthenticated".into()));
    let tampered = format!("{}x", &medical[..medical.len() - 1]);
    assert_eq!(call(app, "/api/v1/events", &tampered, bill).await.0, StatusCode::UNAUTHORIZED);

    let (status, answer) = call(app, "/api/v1/events", education, bill).await;
    assert_eq!(
        (status, error_code(&answer)),
        (StatusCode::FORBIDDEN, "not_permitted".into()),
        "wrong department"
    );
    let (status, answer) = call(app, "/api/v1/events", ask_only, bill).await;
    assert_eq!(
        (status, error_code(&answer)),
        (StatusCode::FORBIDDEN, "not_permitted".into()),
        "no event scope"
    );
    let (status, _) = call(app, "/api/v1/recognition", education, &json!({"id_number": member})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no recognition scope");
}

/// Malformed or oversized JSON, an unknown person, a bad or missing field: each refused with its reason.
async fn bad_bodies_are_refused_naming_the_field(app: &TestApp, medical: &str, member: &str) {
    let malformed = app
        .client
        .post(app.url("/api/v1/events"))
        .bearer_auth(medical)
        .header(header::CONTENT_TYPE, "application/json")
        .body("{\"reference_id\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&malformed.json().await.unwrap()), "malformed_json");
    let oversized = json!({"reference_id": "x".repeat(20_000), "id_number": member, "kind": "disaster"});
    let (status, answer) = call(app, "/api/v1/events", medical, &oversized).await;
    assert_eq!((status, error_code(&answer)), (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large".into()));

    let stranger = hospital_bill("YB-9", &valid_id("62070219900101123"), 50_000);
    let (status, answer) = call(app, "/api/v1/events", medical, &stranger).await;
    assert_eq!((status, error_code(&answer)), (StatusCode::NOT_FOUND, "unknown_person".into()));
    let (status, answer) =
        call(app, "/api/v1/events", medical, &hospital_bill("YB-8", "62070219800101", 1)).await;
    assert_eq!((status, answer["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("id_number")));
    let missing = json!({"reference_id": "YB-7", "id_number": member, "kind": "hospital_bill"});
    let (status, answer) = call(app, "/api/v1/events", medical, &missing).await;
    assert_eq!(
        (status, answer["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("out_of_pocket_yuan"))
    );
}

async fn a_revoked_token_stops_at_once(app: &TestApp, medical: &str, member: &str) {
    let bill = hospital_bill("YB-1", member, 20_000);
    assert_eq!(call(app, "/api/v1/events", medical, &bill).await.0, StatusCode::ACCEPTED);
    let credentials: Vec<(i64, String)> = {
        let store = server::store::open(&app.database_url).await.unwrap();
        let all = store.api_credentials().await.unwrap();
        store.close().await;
        all.into_iter().map(|c| (c.id, c.department)).collect()
    };
    let medical_id = credentials.iter().map(|(id, _)| *id).min().unwrap();
    let revoked = app.post_form("/admin/api-credentials/revoke", &[("id", &medical_id.to_string())]).await;
    assert_eq!(revoked.headers()[header::LOCATION], "/admin?saved=api_revoked#api");
    let (status, answer) = call(app, "/api/v1/events", medical, &hospital_bill("YB-3", member, 30_000)).await;
    assert_eq!(
        (status, error_code(&answer)),
        (StatusCode::UNAUTHORIZED, "unauthenticated".into()),
        "revoked"
    );
    assert_eq!(audit_count(app, "api.credential_revoked").await, 1);
}

#[tokio::test]
async fn recognition_answers_yes_with_the_category_or_no_and_nothing_else() {
    let app = crate::common::spawn_app().await;
    sign_in_admin(&app).await;
    let token = issue(&app, "rural-revitalisation", &["recognition"]).await;
    let watched = valid_id("62070219800101123");
    on_register(&app, &watched, Some(Category::PovertyRelapseWatch)).await;
    let uncategorised = valid_id("62070219810101123");
    on_register(&app, &uncategorised, None).await;

    let (status, answer) = call(&app, "/api/v1/recognition", &token, &json!({"id_number": watched})).await;
    let expected = json!({"recognised": true, "category": "poverty_relapse_watch", "category_label": "防止返贫监测对象"});
    assert_eq!((status, answer), (StatusCode::OK, expected));
    let no = json!({"recognised": false, "category": null, "category_label": null});
    let (status, answer) =
        call(&app, "/api/v1/recognition", &token, &json!({"id_number": uncategorised})).await;
    assert_eq!((status, &answer), (StatusCode::OK, &no), "on the register in no category");
    let stranger = valid_id("62070219900101123");
    let (status, answer) = call(&app, "/api/v1/recognition", &token, &json!({"id_number": stranger})).await;
    assert_eq!((status, &answer), (StatusCode::OK, &no), "not on the register");
    assert_eq!(audit_count(&app, "api.recognition").await, 2);
    assert_eq!(audit_count(&app, "api.recognition_unknown").await, 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_credential_gets_its_calls_per_minute_even_when_they_arrive_at_once() {
    let database = crate::common::sqlite_database();
    let config = server::config::Config { api_calls_per_minute: 5, ..test_config(&database.url) };
    let app = spawn_with(config, Some(database)).await;
    sign_in_admin(&app).await;
    let token = issue(&app, "medical-insurance", &["recognition"]).await;
    let other = issue(&app, "education", &["recognition"]).await;
    let body = json!({"id_number": valid_id("62070219800101123")});
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let request = app.client.post(app.url("/api/v1/recognition")).bearer_auth(&token).json(&body);
            tokio::spawn(async move { request.send().await.unwrap() })
        })
        .collect();
    let mut answered = Vec::new();
    for call in calls {
        let response = call.await.unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(response.headers().contains_key(header::RETRY_AFTER));
        }
        answered.push(response.status());
    }
    assert_eq!(answered.iter().filter(|s| **s == StatusCode::OK).count(), 5, "{answered:?}");
    assert_eq!(answered.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count(), 15);
    assert_eq!(call(&app, "/api/v1/recognition", &other, &body).await.0, StatusCode::OK, "per credential");
    app.stop().await;
}

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint_and_a_client_reading_it_calls_them() {
    let app = crate::common::spawn_app().await;
    let document: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    assert_eq!(document["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    let paths = document["paths"].as_object().expect("paths");
    let mut described: Vec<_> = paths.keys().cloned().collect();
    described.sort();
    assert_eq!(described, ["/api/v1/events", "/api/v1/recognition"]);
    let kinds = document["components"]["schemas"]["EventKind"]["enum"].as_array().expect("the kinds");
    assert!(kinds.contains(&json!("hospital_bill")) && kinds.contains(&json!("school_enrolment")));

    sign_in_admin(&app).await;
    let token = issue(&app, "education", &["events", "recognition"]).await;
    let member = valid_id("62070219800101123");
    on_register(&app, &member, None).await;
    for (path, operations) in paths {
        let post = &operations["post"];
        let schema_name = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .and_then(|r| r.rsplit('/').next())
            .expect("a request schema");
        let schema = &document["components"]["schemas"][schema_name];
        // A body made from the document: every required field, with a value of its declared type.
        let mut body = serde_json::Map::new();
        for field in schema["required"].as_array().unwrap() {
            let field = field.as_str().unwrap();
            let value = match field {
                "id_number" => json!(member),
                // 教育's own kind, one of those the schema lists.
                "kind" => json!("school_enrolment"),
                _ => json!("R-1"),
            };
            body.insert(field.into(), value);
        }
        let (status, _) = call(&app, path, &token, &Value::Object(body)).await;
        let declared: Vec<u16> =
            post["responses"].as_object().unwrap().keys().map(|k| k.parse().unwrap()).collect();
        assert!(declared.contains(&status.as_u16()), "{path} answered {status}, not in {declared:?}");
        for refusal in ["400", "401", "413", "429"] {
            let schema = &post["responses"][refusal]["content"]["application/json"]["schema"]["$ref"];
            assert_eq!(schema, "#/components/schemas/ApiError", "{path} documents {refusal} with its body");
        }
        assert!(status.is_success(), "{path} answered {status}");
    }
    app.stop().await;
}

#[tokio::test]
async fn only_administrators_issue_credentials_and_a_refused_one_keeps_what_was_typed() {
    let app = crate::common::spawn_app().await;
    app.create_staff("township", Role::TownshipReviewer, TOWNSHIP, PASSWORD).await;
    app.post_form("/review/login", &[("username", "township"), ("password", PASSWORD)]).await;
    let refused = app.post_form("/admin/api-credentials", &[("api_department", "education")]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    app.post_form("/review/logout", &[]).await;

    sign_in_admin(&app).await;
    let no_scope = app
        .post_form("/admin/api-credentials", &[("api_department", "education"), ("api_label", "学籍系统")])
        .await;
    let back = crate::common::location(&no_scope);
    assert!(back.starts_with("/admin?flash="), "{back}");
    let (_, page) = app.page(&back).await;
    assert!(page.contains("请至少选择一项权限"), "the message is beside the field");
    assert!(page.contains("value=\"学籍系统\""), "the label typed is kept");
    issue(&app, "education", &["events"]).await;
    let (_, page) = app.page("/admin").await;
    assert!(page.contains("教育局：测试系统（推送预警事件；"), "the new credential is listed");
    app.stop().await;
}

#[tokio::test]
async fn a_township_sees_the_departments_warning_and_closes_it_after_the_visit() {
    let app = crate::common::spawn_app().await;
    sign_in_admin(&app).await;
    let token = issue(&app, "medical-insurance", &["events"]).await;
    let member = valid_id("62070219800101123");
    on_register(&app, &member, None).await;
    let (status, _) = call(&app, "/api/v1/events", &token, &hospital_bill("YB-1", &member, 20_000)).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let id = open_warnings(&app).await[0].id;
    let warning_page = format!("/review/warnings/{id}");
    let township = Reviewer::sign_in(&app, "township", Role::TownshipReviewer, TOWNSHIP).await;
    let (status, queue) = township.page("/review/warnings").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        queue.contains(&format!("href=\"{warning_page}\"")) && queue.contains("二级（橙色）预警"),
        "{queue}"
    );
    other_townships_and_the_county_cannot_see_or_close_it(&app, id).await;
    a_close_is_refused_with_its_reasons_and_what_was_typed_kept(&app, &township, id).await;
    a_close_with_the_visit_and_an_application_is_taken_once(&app, &township, id).await;
    app.stop().await;
}

/// Another township neither lists, opens nor closes it; the county counts it without closing it.
async fn other_townships_and_the_county_cannot_see_or_close_it(app: &TestApp, id: i64) {
    let (warning_page, close) = (format!("/review/warnings/{id}"), format!("/review/warnings/{id}/close"));
    let neighbour = Reviewer::sign_in(app, "neighbour", Role::TownshipReviewer, "620702002").await;
    let county = Reviewer::sign_in(app, "county", Role::CountyReviewer, "620702").await;
    let (_, other_queue) = neighbour.page("/review/warnings").await;
    assert!(!other_queue.contains(&warning_page), "another township does not see it");
    assert_eq!(neighbour.page(&warning_page).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        neighbour.post(&close, &[("outcome", "no_action"), ("reason", "已核实无困难")]).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        county.post(&close, &[("outcome", "no_action"), ("reason", "已核实无困难")]).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, county_page) = county.page("/review/warnings").await;
    assert!(
        county_page.contains("<td>1</td><td>0</td>"),
        "the county sees one open, none overdue: {county_page}"
    );
}

async fn a_close_is_refused_with_its_reasons_and_what_was_typed_kept(
    app: &TestApp,
    township: &Reviewer<'_>,
    id: i64,
) {
    let (warning_page, close) = (format!("/review/warnings/{id}"), format!("/review/warnings/{id}/close"));
    let (status, page) = township.page(&warning_page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("大额医疗支出") && page.contains("记录走访并办结预警"));
    let seen = ("observations", "户主住院，家中无劳动力");
    let refused = township
        .post(&close, &[("outcome", "no_action"), ("reason", "收入"), seen, ("indicators", "medical")])
        .await;
    let (_, page) = township.page(&crate::common::location(&refused)).await;
    assert!(
        page.contains("请写明不需要救助的原因") && page.contains(">收入</textarea>"),
        "message and what was typed"
    );
    assert!(page.contains(">户主住院，家中无劳动力</textarea>"), "the visit's words are kept");
    assert!(
        page.contains("value=\"medical\" checked") && !page.contains("value=\"school\" checked"),
        "the ticked risk is kept, no other"
    );
    let unwritten = township.post(&close, &[("outcome", "no_action"), ("reason", "已核实无困难")]).await;
    let (_, page) = township.page(&crate::common::location(&unwritten)).await;
    assert!(page.contains("请写明走访看到的情况"), "a close needs the visit written up");
    let elsewhere = crate::common::submit_application(app, "13912345678", "王秀兰", "620702002").await;
    let refused =
        township.post(&close, &[("outcome", "helped_to_apply"), ("reference", &elsewhere), seen]).await;
    let (_, page) = township.page(&crate::common::location(&refused)).await;
    assert!(page.contains("本乡镇（街道）没有这个申请编号"));
    assert_eq!(audit_count(app, "monitoring.warning_closed").await, 0, "refused closes write no entry");
}

async fn a_close_with_the_visit_and_an_application_is_taken_once(
    app: &TestApp,
    township: &Reviewer<'_>,
    id: i64,
) {
    let close = format!("/review/warnings/{id}/close");
    let seen = ("observations", "户主住院，家中无劳动力");
    let reference = crate::common::submit_application(app, "13812345678", "李建国", TOWNSHIP).await;
    let closed =
        township.post(&close, &[("outcome", "helped_to_apply"), ("reference", &reference), seen]).await;
    assert_eq!(crate::common::location(&closed), "/review/warnings?closed=1");
    assert!(open_warnings(app).await.is_empty());
    assert_eq!(audit_count(app, "monitoring.warning_closed").await, 1);
    assert!(audit_count(app, "monitoring.warning_viewed").await >= 1, "the warning's page is audited");
    let again = township.post(&close, &[("outcome", "no_action"), ("reason", "已核实无困难"), seen]).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND, "closed once");
}

#[tokio::test]
async fn a_village_worker_sees_only_their_village_and_closes_its_warnings_with_a_visit() {
    let app = crate::common::spawn_app().await;
    sign_in_admin(&app).await;
    let token = issue(&app, "medical-insurance", &["events"]).await;
    let member = valid_id("62070219800101123");
    on_register(&app, &member, None).await;
    let (status, _) = call(&app, "/api/v1/events", &token, &hospital_bill("YB-7", &member, 20_000)).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let id = open_warnings(&app).await[0].id;
    let warning_page = format!("/review/warnings/{id}");
    let close = format!("/review/warnings/{id}/close");
    let seen = ("observations", "户主住院，家中无劳动力");
    let no_action = [("outcome", "no_action"), ("reason", "已核实无困难"), seen];

    let worker =
        Reviewer::sign_in(&app, "chengguan", Role::VillageWorker, &format!("{TOWNSHIP}/城关村")).await;
    let all_villages = Reviewer::sign_in(&app, "villages", Role::VillageWorker, TOWNSHIP).await;
    let other_village =
        Reviewer::sign_in(&app, "dongjie", Role::VillageWorker, &format!("{TOWNSHIP}/东街村")).await;
    for (who, sees) in [(&worker, true), (&all_villages, true), (&other_village, false)] {
        let (status, queue) = who.page("/review/warnings").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(queue.contains(&format!("href=\"{warning_page}\"")), sees, "{queue}");
    }
    assert_eq!(other_village.page(&warning_page).await.0, StatusCode::NOT_FOUND);
    assert_eq!(other_village.post(&close, &no_action).await.status(), StatusCode::NOT_FOUND);
    let (status, records) = worker.page("/review/records").await;
    assert_eq!(status, StatusCode::FOUND, "a village worker has no case files to review: {records}");

    let (status, page) = worker.page(&warning_page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("href=\"/apply/helper?as=village_assistant\""), "the 代办 route is offered");
    let closed = worker.post(&close, &no_action).await;
    assert_eq!(crate::common::location(&closed), "/review/warnings?closed=1");
    assert!(open_warnings(&app).await.is_empty());
    assert_eq!(audit_count(&app, "monitoring.warning_closed").await, 1);
    app.stop().await;
}

async fn post(who: &Reviewer<'_>, fields: Vec<(&str, String)>) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    who.post("/review/visits", &pairs).await
}

#[tokio::test]
async fn a_household_found_at_the_door_joins_the_register_once() {
    let app = crate::common::spawn_app().await;
    let worker =
        Reviewer::sign_in(&app, "chengguan", Role::VillageWorker, &format!("{TOWNSHIP}/城关村")).await;
    let county = Reviewer::sign_in(&app, "county", Role::CountyReviewer, "620702").await;
    let head = valid_id("62070219800101123");
    let child = valid_id("62070220150101123");
    let form = |village: &'static str, id: &str| {
        vec![
            ("village", village.to_string()),
            ("member_name", "李建国".to_string()),
            ("member_id", head.clone()),
            ("member_name", "李小红".to_string()),
            ("member_id", id.to_string()),
            ("observations", "房屋漏雨，孩子上学缺学费".to_string()),
            ("indicators", "school".to_string()),
        ]
    };
    assert_eq!(post(&county, form("城关村", &child)).await.status(), StatusCode::NOT_FOUND);
    let elsewhere = post(&worker, form("东街村", &child)).await;
    let (_, page) = worker.page(&crate::common::location(&elsewhere)).await;
    assert!(page.contains("请填写您负责的村（社区）"), "only the worker's own village");
    let mistyped = format!("{}{}", &child[..17], if child.ends_with('0') { '1' } else { '0' });
    let bad = post(&worker, form("城关村", &mistyped)).await;
    let (_, page) = worker.page(&crate::common::location(&bad)).await;
    assert!(page.contains("李小红："), "the message names the member: {page}");
    assert!(
        page.contains("id=\"member_name_1\" name=\"member_name\" value=\"李小红\""),
        "row 2 kept in place"
    );
    assert!(page.contains(">房屋漏雨，孩子上学缺学费</textarea>"), "what was typed is kept");
    assert!(page.contains("value=\"school\" checked"), "and what was ticked");
    assert_eq!(audit_count(&app, "monitoring.household_visited").await, 0);

    let first = crate::common::location(&post(&worker, form("城关村", &child)).await);
    let household = first.strip_prefix("/review/visits/new?recorded=new&household=").expect(&first);
    let again = crate::common::location(&post(&worker, form("城关村", &child)).await);
    assert_eq!(
        again,
        format!("/review/visits/new?recorded=known&household={household}"),
        "matched on ID numbers"
    );
    let (_, page) = worker.page("/review/visits/new?recorded=known").await;
    assert!(page.contains("原已在监测范围内"));
    assert_eq!(audit_count(&app, "monitoring.household_visited").await, 2);
    let store = server::store::open(&app.database_url).await.unwrap();
    let hasher = KeyedHasher::new(server::config::Config::default().data_key.expose());
    let today = BirthDate::today_in_china(app.now());
    let child_hash = member_hash(&hasher, &IdNumber::parse(&child, today).unwrap());
    let household = store.member_household(&child_hash).await.unwrap().expect("the child is on the register");
    assert_eq!((household.village.as_str(), household.source.as_str()), ("城关村", "visit"));
    store.close().await;
    app.stop().await;
}

async fn upload(app: &TestApp, department: &str, csv: &str) -> reqwest::Response {
    let file = reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("events.csv");
    let form = reqwest::multipart::Form::new()
        .text("import_department", department.to_string())
        .part("import_file", file);
    app.post_multipart("/admin/events-import", form).await
}

#[tokio::test]
async fn an_uploaded_file_imports_its_good_rows_and_says_why_each_other_row_was_refused() {
    let app = crate::common::spawn_app().await;
    sign_in_admin(&app).await;
    let (on, also_on, unknown) =
        (valid_id("62070219800101123"), valid_id("62070219810101123"), valid_id("62070219820101123"));
    on_register(&app, &on, None).await;
    on_register(&app, &also_on, None).await;
    let csv = format!(
        "reference_id,id_number,kind,out_of_pocket_yuan\n\
         YB-1,{on},hospital_bill,60000\n\
         YB-2,{also_on},hospital_bill,100\n\
         YB-3,{unknown},hospital_bill,60000\n\
         YB-4,{on},hospital_bill,lots\n\
         YB-1,{also_on},hospital_bill,60000\n\
         YB-5,{on},school_enrolment,\n\
         YB-6,{on},hospital_bill\n"
    );
    let response = upload(&app, "medical-insurance", &csv).await;
    assert_eq!(response.status(), StatusCode::OK);
    let report = response.text().await.unwrap();
    let row = |line: usize, reference: &str, result: &str| {
        format!("<tr><td>{line}</td><td>{reference}</td><td>{result}</td></tr>")
    };
    for expected in [
        row(2, "YB-1", "已导入，产生预警"),
        row(3, "YB-2", "已导入，未达预警标准"),
        row(4, "YB-3", "未导入：低收入人口数据库中没有此人"),
        row(5, "YB-4", "未导入：“out_of_pocket_yuan”一栏的内容不对"),
        row(6, "YB-1", "未导入：与第2行的事件编号重复"),
        row(7, "YB-5", "未导入：此凭据无权进行该操作：推送本部门以外的事件类型"),
        row(8, "YB-6", "未导入：此类事件须填写 out_of_pocket_yuan"),
    ] {
        assert!(report.contains(&expected), "{expected} in {report}");
    }
    assert!(report.contains("共7 行，导入 2 行，未导入 5 行"), "{report}");
    assert_eq!(open_warnings(&app).await.len(), 1);
    assert_eq!(audit_count(&app, "api.events_imported").await, 1, "one entry for the upload");

    let again = upload(&app, "medical-insurance", &csv).await.text().await.unwrap();
    assert!(again.contains(&row(2, "YB-1", "此前已收到，未重复导入")), "{again}");
    assert_eq!(open_warnings(&app).await.len(), 1, "the same file twice gives one warning");

    let wrong_header = upload(&app, "medical-insurance", "reference,id_number,kind\nYB-9,x,disaster\n").await;
    let (_, page) = app.page(&crate::common::location(&wrong_header)).await;
    assert!(page.contains("第1行有不认识的列名“reference”"), "the file is refused whole");
    let empty = upload(&app, "medical-insurance", "reference_id,id_number,kind\n").await;
    let (_, page) = app.page(&crate::common::location(&empty)).await;
    assert!(page.contains("文件中没有事件"));
    assert_eq!(audit_count(&app, "api.events_imported").await, 2, "refused files are not imported");

    let township = Reviewer::sign_in(&app, "township", Role::TownshipReviewer, TOWNSHIP).await;
    let file = reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("events.csv");
    let form = reqwest::multipart::Form::new()
        .text("import_department", "medical-insurance")
        .part("import_file", file);
    let refused =
        township.client.post(app.url("/admin/events-import")).header("origin", app.url("")).multipart(form);
    assert_eq!(refused.send().await.unwrap().status(), StatusCode::FORBIDDEN, "administrators only");
    app.stop().await;
}

async fn upload_roll(app: &TestApp, csv: &str) -> reqwest::Response {
    let file = reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("roll.csv");
    app.post_multipart("/admin/roll-import", reqwest::multipart::Form::new().part("roll_file", file)).await
}

/// A row of the import report: the roll's line, the household number, what became of it.
fn report_row(line: usize, number: &str, result: &str) -> String {
    format!("<tr><td>{line}</td><td>{number}</td><td>{result}</td></tr>")
}

#[tokio::test]
async fn a_roll_adds_its_good_households_once_and_refuses_a_bad_household_whole() {
    let app = crate::common::spawn_app().await;
    sign_in_admin(&app).await;
    let applied = valid_id("62070219800101123");
    on_register(&app, &applied, Some(Category::OtherHardship)).await;
    let [a1, a2, b1, c1, c2] = [
        "62070219810101123",
        "62070220100101123",
        "62070219820101123",
        "62070219830101123",
        "62070219840101123",
    ]
    .map(valid_id);
    let csv = format!(
        "household_no,township_code,village,category,name,id_number\n\
         H1,{TOWNSHIP},城关村,防止返贫监测对象,李建国,{a1}\n\
         H1,{TOWNSHIP},城关村,防止返贫监测对象,李小红,{a2}\n\
         H2,{TOWNSHIP},城关村,防止返贫监测对象,王秀兰,{applied}\n\
         H2,{TOWNSHIP},城关村,防止返贫监测对象,王小明,{b1}\n\
         H3,{TOWNSHIP},东街村,防止返贫监测对象,张三丰,{c1}\n\
         H3,{TOWNSHIP},东街村,防止返贫监测对象,Zhang,{c2}\n\
         H4,999999999,城关村,防止返贫监测对象,赵六,{c2}\n"
    );
    the_import_report_says_what_became_of_each_household(&app, &csv).await;
    good_households_join_the_register_and_a_bad_one_is_refused_whole(&app, &applied, &b1, &c1).await;
    the_same_roll_again_adds_nothing_and_bad_files_are_explained(&app, &csv, &a1).await;
    app.stop().await;
}

async fn the_import_report_says_what_became_of_each_household(app: &TestApp, csv: &str) {
    let response = upload_roll(app, csv).await;
    assert_eq!(response.status(), StatusCode::OK);
    let report = response.text().await.unwrap();
    for expected in [
        report_row(2, "H1", "新纳入监测"),
        report_row(4, "H2", "已在监测范围内，已补充成员和类别"),
        report_row(6, "H3", "未导入：第7行：请按身份证填写姓名，只能是汉字（少数民族姓名可含“·”）"),
        report_row(8, "H4", "未导入：第8行：“999999999”不是张掖市的乡镇（街道）代码"),
    ] {
        assert!(report.contains(&expected), "{expected} in {report}");
    }
    assert!(report.contains("共4 户：新纳入 1 户，已在监测范围内 1 户，未导入 2 户"), "{report}");
}

async fn good_households_join_the_register_and_a_bad_one_is_refused_whole(
    app: &TestApp,
    applied: &str,
    b1: &str,
    c1: &str,
) {
    let store = server::store::open(&app.database_url).await.unwrap();
    let hasher = KeyedHasher::new(server::config::Config::default().data_key.expose());
    let today = BirthDate::today_in_china(app.now());
    let household_of = |id: &str| member_hash(&hasher, &IdNumber::parse(id, today).unwrap());
    let joined =
        store.member_household(&household_of(b1)).await.unwrap().expect("H2's new member is registered");
    let first = store.member_household(&household_of(applied)).await.unwrap().unwrap();
    assert_eq!(joined.id, first.id, "one household, never a duplicate");
    assert_eq!(
        joined.category,
        Some(Category::PovertyRelapseWatch),
        "the roll's category raises 其他困难人员"
    );
    assert!(
        store.member_household(&household_of(c1)).await.unwrap().is_none(),
        "a bad household is refused whole"
    );
    store.close().await;
    assert_eq!(audit_count(app, "monitoring.roll_imported").await, 1);
    let (_, stats) = app.page("/stats").await;
    assert!(
        stats.contains("<tr><td>防止返贫监测对象</td><td>&lt;5</td></tr>")
            && !stats.contains("<td>其他困难人员</td>"),
        "the public count by category, small counts hidden, none for a category left empty: {stats}"
    );
}

async fn the_same_roll_again_adds_nothing_and_bad_files_are_explained(app: &TestApp, csv: &str, a1: &str) {
    let again = upload_roll(app, csv).await.text().await.unwrap();
    assert!(
        again.contains(&report_row(2, "H1", "已在监测范围内，已补充成员和类别")),
        "the same roll twice adds nothing: {again}"
    );
    let twice = format!("household_no,township_code,village,category,name,id_number\nH1,{TOWNSHIP},城关村,低保边缘家庭,李建国,{a1}\nH9,{TOWNSHIP},城关村,低保边缘家庭,李建国,{a1}\n");
    let report = upload_roll(app, &twice).await.text().await.unwrap();
    assert!(report.contains("未导入：第3行：身份证号码已出现在户编号H1中"), "{report}");
    let no_header = upload_roll(app, "H1,620702001,城关村,低保边缘家庭,李建国,1\n").await;
    let (_, page) = app.page(&crate::common::location(&no_header)).await;
    assert!(page.contains("第1行有不认识的列名"), "{page}");
}

#[tokio::test]
async fn a_warning_referred_to_a_department_reaches_that_department_only_and_is_answered_once() {
    let app = crate::common::spawn_app().await;
    sign_in_admin(&app).await;
    let member = valid_id("62070219800101123");
    let roll = format!(
        "household_no,township_code,village,category,name,id_number\nH1,{TOWNSHIP},城关村,防止返贫监测对象,李建国,{member}\n"
    );
    assert_eq!(upload_roll(&app, &roll).await.status(), StatusCode::OK);
    let token = issue(&app, "disabled-persons", &["events"]).await;
    let certificate = json!({"reference_id": "CL-1", "id_number": member, "kind": "disability_certificate", "disability_grade": 1});
    assert_eq!(call(&app, "/api/v1/events", &token, &certificate).await.0, StatusCode::ACCEPTED);
    let id = open_warnings(&app).await[0].id;

    let township = Reviewer::sign_in(&app, "township", Role::TownshipReviewer, TOWNSHIP).await;
    let seen = ("observations", "户主新办一级残疾证，需要护理");
    let close = format!("/review/warnings/{id}/close");
    let closed =
        township.post(&close, &[("outcome", "referred"), ("department", "disabled-persons"), seen]).await;
    assert_eq!(crate::common::location(&closed), "/review/warnings?closed=1");

    let officer = Reviewer::sign_in(&app, "canlian", Role::DepartmentOfficer, "disabled-persons").await;
    let other = Reviewer::sign_in(&app, "jiaoyu", Role::DepartmentOfficer, "education").await;
    let (_, landing) = officer.page("/review").await;
    let link = landing.find("/review/household-referrals/").map(|at| {
        let rest = &landing[at..];
        rest[..rest.find('"').unwrap()].to_string()
    });
    let page = link.expect("the department's landing page lists the referred household");
    let (_, other_landing) = other.page("/review").await;
    assert!(!other_landing.contains("/review/household-referrals/"), "another department sees nothing");
    assert_eq!(other.page(&page).await.0, StatusCode::NOT_FOUND);
    let answer = format!("{page}/answer");
    assert_eq!(other.post(&answer, &[("answer", "已上门评估")]).await.status(), StatusCode::NOT_FOUND);

    let (status, details) = officer.page(&page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(details.contains(&format!("李建国 {member}")), "the department can reach the household");
    assert!(details.contains("户主新办一级残疾证，需要护理"), "and reads what the visit found");
    assert_eq!(audit_count(&app, "monitoring.referral_viewed").await, 1);
    let short = officer.post(&answer, &[("answer", "好")]).await;
    let (_, refused) = officer.page(&crate::common::location(&short)).await;
    assert!(
        refused.contains("请写明办理情况") && refused.contains(">好</textarea>"),
        "message and what was typed"
    );
    let done = officer.post(&answer, &[("answer", "已上门评估，纳入重度残疾人护理补贴")]).await;
    assert_eq!(crate::common::location(&done), page);
    let (_, after) = officer.page(&page).await;
    assert!(after.contains("本部门已办理") && !after.contains("提交办理情况"));
    let again = officer.post(&answer, &[("answer", "再次提交的办理情况")]).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND, "answered once");
    assert_eq!(audit_count(&app, "monitoring.referral_answered").await, 1);
    app.stop().await;
}

/// Whether a page's HTML holds this text between two tags (a whole line of a list or table cell).
fn shows(page: &str, text: &str) -> bool {
    page.contains(&format!(">{text}<"))
}

#[tokio::test]
async fn a_household_file_opens_to_its_village_township_and_county_only_with_its_history_and_photos() {
    let app = crate::common::spawn_app().await;
    sign_in_admin(&app).await;
    let token = issue(&app, "medical-insurance", &["events"]).await;
    let member = valid_id("62070219800101123");
    let household = on_register(&app, &member, Some(Category::PovertyRelapseWatch)).await;
    let (status, _) = call(&app, "/api/v1/events", &token, &hospital_bill("YB-9", &member, 20_000)).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let warning = open_warnings(&app).await[0].id;
    let worker =
        Reviewer::sign_in(&app, "chengguan", Role::VillageWorker, &format!("{TOWNSHIP}/城关村")).await;
    let photo = crate::common::photo_part(crate::common::GPS_PHOTO);
    let form = crate::common::multipart_form(&[
        ("observations", "户主住院，家中无劳动力"),
        ("indicators", "medical"),
        ("outcome", "referred"),
        ("department", "disabled-persons"),
    ])
    .part("photos", photo);
    let closed = worker.post_multipart(&format!("/review/warnings/{warning}/close"), form).await;
    assert_eq!(crate::common::location(&closed), "/review/warnings?closed=1");
    let photo_path = the_file_shows_the_visit_its_photo_and_no_id_number(&worker, household, &member).await;
    let township = Reviewer::sign_in(&app, "township", Role::TownshipReviewer, TOWNSHIP).await;
    let county = Reviewer::sign_in(&app, "county", Role::CountyReviewer, "620702").await;
    let other_village =
        Reviewer::sign_in(&app, "dongjie", Role::VillageWorker, &format!("{TOWNSHIP}/东街村")).await;
    let other_township = Reviewer::sign_in(&app, "xindun", Role::TownshipReviewer, "620702002").await;
    let other_county = Reviewer::sign_in(&app, "minle", Role::CountyReviewer, "620722").await;
    let department = Reviewer::sign_in(&app, "canlian", Role::DepartmentOfficer, "disabled-persons").await;
    let others = [&other_village, &other_township, &other_county, &department];
    only_its_village_township_and_county_open_it(&app, household, &photo_path, [&township, &county], others)
        .await;
    the_register_lists_it_to_those_who_may_list_it(
        &app,
        household,
        [&township, &county, &other_village, &department],
    )
    .await;
    app.stop().await;
}

/// Members named with their ID numbers masked, the visit, the warning's outcome, what the department
/// sent and the referral; returns the link of the visit's photo.
async fn the_file_shows_the_visit_its_photo_and_no_id_number(
    worker: &Reviewer<'_>,
    household: i64,
    member: &str,
) -> String {
    let file = format!("/review/households/{household}");
    let (status, page) = worker.page(&file).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("王秀兰 620702********"), "members named, ID numbers masked: {page}");
    assert!(!page.contains(member), "the full ID number stays sealed");
    assert!(shows(&page, "户主住院，家中无劳动力"), "the visit: {page}");
    assert!(page.contains("办结：推送残疾人联合会"), "the warning's outcome");
    assert!(page.contains("医疗保障局：大额医疗支出"), "what the department sent");
    assert!(page.contains("推送残疾人联合会，待办理"), "the referral");
    let photo_link = format!("href=\"/review/households/{household}/photo/");
    let start = page.find(&photo_link).expect("the visit's photo is linked") + 6;
    let photo_path = &page[start..start + page[start..].find('"').unwrap()];
    let photo = worker.page(photo_path).await;
    assert_eq!(photo.0, StatusCode::OK);
    photo_path.to_string()
}

async fn only_its_village_township_and_county_open_it(
    app: &TestApp,
    household: i64,
    photo_path: &str,
    [township, county]: [&Reviewer<'_>; 2],
    [other_village, other_township, other_county, department]: [&Reviewer<'_>; 4],
) {
    let file = format!("/review/households/{household}");
    for (name, who, opens) in [
        ("township", township, true),
        ("county", county, true),
        ("another village", other_village, false),
        ("another township", other_township, false),
        ("another county", other_county, false),
        ("a department", department, false),
    ] {
        let expected = if opens { StatusCode::OK } else { StatusCode::NOT_FOUND };
        assert_eq!(who.page(&file).await.0, expected, "{name}");
        assert_eq!(who.page(photo_path).await.0, expected, "the photo too, {name}");
    }
    let wrong_household = photo_path.replace(&format!("/households/{household}/"), "/households/999/");
    assert_eq!(township.page(&wrong_household).await.0, StatusCode::NOT_FOUND);
    assert_eq!(audit_count(app, "monitoring.household_viewed").await, 3, "every view of the file");
    assert_eq!(audit_count(app, "monitoring.photo_viewed").await, 3);
}

async fn the_register_lists_it_to_those_who_may_list_it(
    app: &TestApp,
    household: i64,
    [township, county, other_village, department]: [&Reviewer<'_>; 4],
) {
    let file = format!("/review/households/{household}");
    let (_, register) = township.page("/review/households").await;
    assert!(register.contains(&format!("href=\"{file}\">王秀兰<")), "the register lists it: {register}");
    assert!(shows(&register, "防止返贫监测对象"));
    let (status, choose) = county.page("/review/households").await;
    assert_eq!(status, StatusCode::OK);
    assert!(choose.contains(&format!("href=\"/review/households?township={TOWNSHIP}\"")));
    assert_eq!(county.page("/review/households?township=620721100").await.0, StatusCode::NOT_FOUND);
    let (_, elsewhere) = other_village.page("/review/households").await;
    assert!(!elsewhere.contains(&file), "another village's register does not list it");
    assert_eq!(department.page("/review/households").await.0, StatusCode::NOT_FOUND);
    assert_eq!(audit_count(app, "monitoring.register_viewed").await, 2, "the lists shown");
}

#[tokio::test]
async fn the_register_exports_as_its_page_lists_it_to_those_who_may_list_it() {
    use calamine::Data;
    let app = crate::common::spawn_app().await;
    let first = on_register(&app, &valid_id("62070219800101124"), Some(Category::PovertyRelapseWatch)).await;
    let second = on_register(&app, &valid_id("62070219800101125"), None).await;
    let township = Reviewer::sign_in(&app, "township", Role::TownshipReviewer, TOWNSHIP).await;
    let rows = crate::common::spreadsheet_rows(&township, "/review/households.xlsx", "监测对象名册").await;
    let headings: Vec<String> = rows[0].iter().map(Data::to_string).collect();
    assert_eq!(headings, ["户编号", "乡镇（街道）", "村（社区）", "家庭成员", "人数", "类别", "纳入来源"]);
    assert_eq!(rows.len(), 3, "the two households: {rows:?}");
    assert_eq!(rows[1][0], Data::Float(second as f64), "newest first, the number as a number");
    assert_eq!(rows[2][0], Data::Float(first as f64));
    assert_eq!(rows[2][3], Data::String("王秀兰".into()));
    assert_eq!(rows[2][4], Data::Float(1.0));
    assert_eq!(rows[2][5], Data::String("防止返贫监测对象".into()));
    assert_eq!(rows[1][5], Data::String("待认定".into()));
    assert_eq!(rows[1][6], Data::String("名单导入".into()));
    let everything: String = rows.iter().flatten().map(Data::to_string).collect();
    assert!(!everything.contains("620702198"), "no ID numbers in the 台账");
    let (_, page) = township.page("/review/households").await;
    assert!(page.contains(r#"href="/review/households.xlsx?" download"#), "the page links its 台账");

    let county = Reviewer::sign_in(&app, "county", Role::CountyReviewer, "620702").await;
    let chosen = format!("/review/households.xlsx?township={TOWNSHIP}");
    assert_eq!(crate::common::spreadsheet_rows(&county, &chosen, "监测对象名册").await.len(), 3);
    assert_eq!(county.page("/review/households.xlsx").await.0, StatusCode::NOT_FOUND, "a township first");
    assert_eq!(county.page("/review/households.xlsx?township=620721100").await.0, StatusCode::NOT_FOUND);
    let other_village =
        Reviewer::sign_in(&app, "dongjie", Role::VillageWorker, &format!("{TOWNSHIP}/东街村")).await;
    assert_eq!(
        crate::common::spreadsheet_rows(&other_village, "/review/households.xlsx", "监测对象名册")
            .await
            .len(),
        1
    );
    let department = Reviewer::sign_in(&app, "canlian", Role::DepartmentOfficer, "disabled-persons").await;
    assert_eq!(department.page("/review/households.xlsx").await.0, StatusCode::NOT_FOUND);
    assert_eq!(audit_count(&app, "ledger.register_exported").await, 3, "each export, none refused");
    app.stop().await;
}
