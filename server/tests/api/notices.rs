//! Public notices over real HTTP: only the allowed, masked fields reach the pages and the public API;
//! a notice leaves the public pages when its period ends; an objection reopens the case and the
//! objector stays unknown to the household.

use crate::common::{
    location, multipart_form, photo_part, post, spawn_app, submit_application, TestApp, GPS_PHOTO,
};
use app::domain::staff::Role;
use app::domain::workflow::Status;
use reqwest::StatusCode;

const PHONE: &str = "13912340020";
const NAME: &str = "王秀兰";
const ID_NUMBER: &str = "620702197001012029";
const TOWNSHIP: &str = "620702001";

/// Submits an application and takes it through the township's steps to a published notice; returns
/// the reference and the notice id. The app's client ends up signed in as the township reviewer.
async fn published(app: &mut TestApp) -> (String, i64) {
    let reference = submit_application(app, PHONE, NAME, TOWNSHIP).await;
    app.sign_in_as("dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    let path = format!("/review/case/{reference}");
    post(app, &path, &[("action", "accept")]).await;
    post(app, &path, &[("action", "record_visit"), ("note", "入户核实，情况属实")]).await;
    post(app, &path, &[("action", "record_check"), ("note", "核对无异常")]).await;
    post(app, &path, &[("action", "recommend"), ("amount", "640")]).await;
    post(app, &path, &[("action", "publish_notice")]).await;
    let store = server::store::open(&app.database_url).await.unwrap();
    let case = store.application_by_reference(&reference).await.unwrap().unwrap();
    assert_eq!(case.status, Status::InNotice);
    store.close().await;
    (reference, case.id)
}

fn assert_nothing_private(what: &str, body: &str) {
    for private in [NAME, ID_NUMBER, PHONE, "尿毒症", "3组15号", "王小明"] {
        assert!(!body.contains(private), "{what} must not contain {private}");
    }
}

#[tokio::test]
async fn a_notice_shows_only_the_allowed_fields_in_pages_and_api() {
    let mut app = spawn_app().await;
    let (_, id) = published(&mut app).await;
    let citizen = TestApp::new_client();

    for path in
        ["/notices".to_string(), format!("/notices?township={TOWNSHIP}"), format!("/notices/{id}/objection")]
    {
        let response = citizen.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let html = response.text().await.unwrap();
        assert!(html.contains("王*兰") && html.contains("每月 640 元") && html.contains("城关村"), "{path}");
        assert!(html.contains("2人") && html.contains("最低生活保障（低保）"), "{path}: size and type");
        assert!(html.contains(r#"name="robots" content="noindex"#), "{path} is not indexed");
        assert_nothing_private(&path, &html);
    }
    let other_township = citizen.get(app.url("/notices?township=620702002")).send().await.unwrap();
    assert!(!other_township.text().await.unwrap().contains("王*兰"), "filtered by township");

    // The server functions behind the pages answer the same, masked data.
    for (endpoint, form) in [
        ("/api/public-notices", vec![("county", ""), ("township", ""), ("page", "1")]),
        ("/api/public-notice", vec![("id", &*id.to_string()), ("flash", "")]),
    ] {
        let body = citizen
            .post(app.url(endpoint))
            .header("origin", app.url(""))
            .header("sec-fetch-site", "same-origin")
            .form(&form)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(body.contains("王*兰"), "{endpoint}: {body}");
        assert_nothing_private(endpoint, &body);
    }
    app.stop().await;
}

#[tokio::test]
async fn an_expired_notice_is_gone_from_the_public_pages() {
    use sqlx::Connection;
    let mut app = spawn_app().await;
    let (_, id) = published(&mut app).await;
    let mut db = sqlx::SqliteConnection::connect(&app.database_url).await.unwrap();
    sqlx::query("UPDATE notices SET published_until = '2000-01-01'").execute(&mut db).await.unwrap();
    let citizen = TestApp::new_client();
    let html = citizen.get(app.url("/notices")).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("王*兰") && html.contains("目前没有正在公示的家庭"));
    let html =
        citizen.get(app.url(&format!("/notices/{id}/objection"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("公示期已结束"));
    let store = server::store::open(&app.database_url).await.unwrap();
    assert!(store.application_by_id(id).await.unwrap().is_some(), "the record stays for staff");
    store.close().await;
    app.stop().await;
}

#[tokio::test]
async fn an_objection_reopens_the_case_and_the_objector_stays_unknown_to_the_household() {
    let mut app = spawn_app().await;
    let (reference, id) = published(&mut app).await;
    let reviewer = std::mem::replace(&mut app.client, TestApp::new_client());
    let path = format!("/notices/{id}/objection");

    let back =
        app.post_multipart(&path, multipart_form(&[("reason", "不对"), ("contact_phone", "123")])).await;
    let (_, html) = app.page(&location(&back)).await;
    assert!(html.contains("请写明异议的具体情况") && html.contains(r#"value="123""#));

    let reason = "他家在县城有一套商品房，儿子开出租车，收入没有申报";
    let typed = [("reason", reason), ("contact_name", "李四"), ("contact_phone", "13812345678")];
    let form = multipart_form(&typed).part("evidence", photo_part(GPS_PHOTO));
    let done = location(&app.post_multipart(&path, form).await);
    assert!(done.starts_with("/notices/objection/done?flash="), "{done}");
    let (_, html) = app.page(&done).await;
    assert!(html.contains("异议已提交") && html.contains(r#"id="receipt""#));

    let (_, html) = app.page("/notices").await;
    assert!(!html.contains("王*兰"), "the entry leaves the public list while the case is reinvestigated");
    let store = server::store::open(&app.database_url).await.unwrap();
    assert_eq!(store.application_by_id(id).await.unwrap().unwrap().status, Status::Investigating);
    let objections = store.objections(id).await.unwrap();
    assert_eq!(objections.len(), 1);
    assert!(!objections[0].contact_sealed.as_deref().unwrap().contains("13812345678"), "contact sealed");
    store.close().await;

    // Staff see the objection with its contact; the applicant's status page names neither.
    let case_page = reviewer.get(app.url(&format!("/review/case/{reference}"))).send().await.unwrap();
    let html = case_page.text().await.unwrap();
    assert!(html.contains(reason) && html.contains("李四 13812345678") && html.contains("异议证据"));
    let file = reviewer.get(app.url(&format!("/review/case/{reference}/file/1"))).send().await.unwrap();
    assert_eq!(file.headers()[reqwest::header::CONTENT_TYPE], "image/jpeg");
    let bytes = file.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xFF, 0xD8]) && !bytes.windows(4).any(|w| w == b"Exif"), "GPS removed");
    let stranger = crate::common::Reviewer::sign_in(&app, "xijie", Role::TownshipReviewer, "620702002").await;
    let refused =
        stranger.client.get(app.url(&format!("/review/case/{reference}/file/1"))).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND, "another township cannot open it");
    app.client = TestApp::new_client();
    app.pass_resend_cooldown();
    post(&app, "/status/code", &[("reference", &reference)]).await;
    let code = app.outbox.last_code_to(PHONE).unwrap();
    post(&app, "/status/verify", &[("code", &code)]).await;
    let (_, html) = app.page("/status/view").await;
    assert!(html.contains("核对和入户调查中"));
    assert!(!html.contains("李四") && !html.contains("13812345678") && !html.contains("商品房"));
    app.stop().await;
}

#[tokio::test]
async fn approved_households_are_listed_masked_by_township_and_the_list_resists_bulk_copying() {
    use sqlx::Connection;
    let database = crate::common::sqlite_database();
    let mut config = crate::common::test_config(&database.url);
    config.list_pages_per_minute = 4;
    let mut app = crate::common::spawn_with(config, Some(database)).await;
    let (reference, _) = published(&mut app).await;
    let mut db = sqlx::SqliteConnection::connect(&app.database_url).await.unwrap();
    sqlx::query("UPDATE applications SET notice_until = '2000-01-01'").execute(&mut db).await.unwrap();
    let path = format!("/review/case/{reference}");
    post(&app, &path, &[("action", "forward_to_county")]).await;
    app.sign_in_as("ganzhou", Role::CountyReviewer, "620702").await;
    post(&app, &path, &[("action", "approve"), ("amount", "600")]).await;

    let citizen = TestApp::new_client();
    let page = |query: &str| citizen.get(app.url(&format!("/notices/recipients?{query}"))).send();
    let html = page(&format!("township={TOWNSHIP}")).await.unwrap().text().await.unwrap();
    assert!(
        html.contains("王*兰") && html.contains("600 元") && html.contains("共 1 户"),
        "the approved amount"
    );
    assert!(html.contains(r#"content="noindex"#));
    assert_nothing_private("recipient list", &html);
    let html =
        page(&format!("township={TOWNSHIP}&village=%E5%9F%8E%E5%85%B3")).await.unwrap().text().await.unwrap();
    assert!(html.contains("王*兰"), "found by part of the village name");
    let html = page("township=620702002").await.unwrap().text().await.unwrap();
    assert!(html.contains("共 0 户"), "another township's list");
    let response = page(&format!("township={TOWNSHIP}&name=%E7%8E%8B*%E5%85%B0")).await.unwrap();
    assert!(response.text().await.unwrap().contains("共 1 户"), "found by the masked name");
    let response = page(&format!("township={TOWNSHIP}&page=2")).await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "five list pages in a minute is too many");
    app.stop().await;
}

/// One objection to entry `id` from a client at `address` behind the trusted proxy; where it was sent.
fn object_from(app: &TestApp, id: i64, address: &str, reason: &str) -> tokio::task::JoinHandle<String> {
    let request = TestApp::new_client()
        .post(app.url(&format!("/notices/{id}/objection")))
        .header("origin", format!("http://{}", app.addr))
        .header("sec-fetch-site", "same-origin")
        .header("x-forwarded-for", address)
        .multipart(multipart_form(&[
            ("reason", reason),
            ("contact_name", "李四"),
            ("contact_phone", "13812345678"),
        ]));
    tokio::spawn(async move { location(&request.send().await.unwrap()) })
}

const REASON: &str = "他家在县城有一套商品房，收入没有申报";

#[tokio::test]
async fn later_objections_are_grouped_for_the_township_and_an_entry_takes_a_few_a_day() {
    let database = crate::common::sqlite_database();
    let config = server::config::Config {
        trusted_proxies: "127.0.0.1".into(),
        objections_per_entry_per_day: 4,
        ..crate::common::test_config(&database.url)
    };
    let mut app = crate::common::spawn_with(config, Some(database)).await;
    let (reference, id) = published(&mut app).await;
    // The first objection reopens the case; the township investigates again and publishes anew.
    let first = object_from(&app, id, "198.51.100.1", REASON).await.unwrap();
    assert!(first.starts_with("/notices/objection/done?flash="), "{first}");
    let path = format!("/review/case/{reference}");
    post(&app, &path, &[("action", "record_visit"), ("note", "再次入户，商品房登记在其兄名下")]).await;
    post(&app, &path, &[("action", "record_check"), ("note", "核对无异常")]).await;
    post(&app, &path, &[("action", "recommend"), ("amount", "640")]).await;
    post(&app, &path, &[("action", "publish_notice")]).await;

    // Ten clients object at once: three more fit the entry's four a day, added to the first one.
    let tries: Vec<_> = (2..12).map(|i| object_from(&app, id, &format!("198.51.100.{i}"), REASON)).collect();
    let mut pages = Vec::new();
    for attempt in tries {
        pages.push(attempt.await.unwrap());
    }
    let filed = pages.iter().filter(|p| p.starts_with("/notices/objection/done?flash=")).count();
    assert_eq!(filed, 3, "{pages:?}");
    let refused = pages.iter().find(|p| !p.starts_with("/notices/objection/done")).unwrap();
    let html = TestApp::new_client().get(app.url(refused)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("近一天已收到较多异议") && !html.contains("李四"), "nothing typed is kept");

    let store = server::store::open(&app.database_url).await.unwrap();
    assert_eq!(store.application_by_id(id).await.unwrap().unwrap().status, Status::InNotice, "not reopened");
    assert_eq!(store.objections(id).await.unwrap().len(), 4);
    let events = store.case_events(id).await.unwrap();
    let count = |key: &str| events.iter().filter(|e| e.action == key).count();
    assert_eq!((count("object"), count("objection_grouped")), (1, 3));
    store.close().await;
    let (_, notices) = app.page("/notices").await;
    assert!(notices.contains("王*兰"), "the entry stays in notice");

    // The township sees every objection and decides to investigate again itself, with a reason.
    let (_, case_page) = app.page(&path).await;
    assert_eq!(case_page.matches(REASON).count(), 4, "every objection is listed");
    assert!(case_page.contains("公示期又收到异议（并入此前的异议，由乡镇决定是否重新调查）"));
    let without_reason = location(&app.post_form(&path, &[("action", "reinvestigate")]).await);
    assert!(app.page(&without_reason).await.1.contains("请写明重新调查的理由"));
    post(&app, &path, &[("action", "reinvestigate"), ("note", "异议反映其子开出租车")]).await;
    let store = server::store::open(&app.database_url).await.unwrap();
    assert_eq!(store.application_by_id(id).await.unwrap().unwrap().status, Status::Investigating);
    store.close().await;
    app.stop().await;
}

#[tokio::test]
async fn one_client_files_a_few_objections_an_hour_however_fast_it_posts() {
    let database = crate::common::sqlite_database();
    let config = server::config::Config {
        trusted_proxies: "127.0.0.1".into(),
        objections_per_hour: 2,
        ..crate::common::test_config(&database.url)
    };
    let mut app = crate::common::spawn_with(config, Some(database)).await;
    let (reference, id) = published(&mut app).await;
    let answers = |tries: Vec<tokio::task::JoinHandle<String>>| async {
        let mut pages = Vec::new();
        for attempt in tries {
            let page = attempt.await.unwrap();
            pages.push(TestApp::new_client().get(app.url(&page)).send().await.unwrap().text().await.unwrap());
        }
        pages
    };
    let count = |pages: &[String], text: &str| pages.iter().filter(|html| html.contains(text)).count();
    // Ten posts at once from one address, too short to be filed: eight (four times the budget) are
    // read and come back as typed, the rest are refused before anything is read and keep nothing.
    let pages = answers((0..10).map(|_| object_from(&app, id, "198.51.100.1", "太短了")).collect()).await;
    assert_eq!((count(&pages, "请写明异议的具体情况"), count(&pages, "提交太频繁")), (8, 2));
    for html in &pages {
        assert_eq!(html.contains("李四"), html.contains("请写明异议的具体情况"), "typed kept only if read");
    }
    // The first objection reopens the case; published again, the entry takes more (grouped).
    assert!(object_from(&app, id, "198.51.100.9", REASON)
        .await
        .unwrap()
        .starts_with("/notices/objection/done"));
    let path = format!("/review/case/{reference}");
    post(&app, &path, &[("action", "record_visit"), ("note", "再次入户核实")]).await;
    post(&app, &path, &[("action", "record_check"), ("note", "核对无异常")]).await;
    post(&app, &path, &[("action", "recommend"), ("amount", "640")]).await;
    post(&app, &path, &[("action", "publish_notice")]).await;
    // Corrections do not spend what may be filed: after three refused forms, four good ones at once
    // file exactly two, and the refused ones keep nothing.
    let pages = answers((0..3).map(|_| object_from(&app, id, "198.51.100.2", "太短了")).collect()).await;
    assert_eq!(count(&pages, "请写明异议的具体情况"), 3);
    let pages = answers((0..4).map(|_| object_from(&app, id, "198.51.100.2", REASON)).collect()).await;
    assert_eq!((count(&pages, "请记下回执码"), count(&pages, "提交太频繁")), (2, 2));
    assert_eq!(count(&pages, "李四"), 0);
    let store = server::store::open(&app.database_url).await.unwrap();
    assert_eq!(store.objections(id).await.unwrap().len(), 3, "the first and the two filed");
    store.close().await;
    app.stop().await;
}

#[tokio::test]
async fn an_upload_when_the_disk_is_nearly_full_is_refused_with_a_message_and_the_text_kept() {
    let database = crate::common::sqlite_database();
    // A reserve no disk has: every file is refused.
    let config = server::config::Config {
        min_free_disk_mb: u64::MAX / (4 << 20),
        ..crate::common::test_config(&database.url)
    };
    let mut app = crate::common::spawn_with(config, Some(database)).await;
    let (_, id) = published(&mut app).await;
    let citizen = TestApp::new_client();
    let form = multipart_form(&[("reason", REASON)]).part("evidence", photo_part(GPS_PHOTO));
    let request = citizen
        .post(app.url(&format!("/notices/{id}/objection")))
        .header("origin", format!("http://{}", app.addr))
        .header("sec-fetch-site", "same-origin")
        .multipart(form);
    let back = location(&request.send().await.unwrap());
    assert!(back.starts_with(&format!("/notices/{id}/objection?flash=")), "{back}");
    let html = citizen.get(app.url(&back)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("服务器存储空间不足") && html.contains(r#"id="evidence-error""#), "{html}");
    assert!(html.contains(REASON), "what was typed comes back");
    let store = server::store::open(&app.database_url).await.unwrap();
    assert!(store.objections(id).await.unwrap().is_empty());
    store.close().await;
    app.stop().await;
}
