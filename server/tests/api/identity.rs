//! Identity level 1 over real HTTP: mobile number, SMS code (read from the in-memory outbox), name and
//! ID number.

use crate::common::{spawn_app, spawn_with, test_config, TestApp};
use app::domain::id_number::check_character;
use reqwest::{header, StatusCode};

const PHONE: &str = "13812345678";

fn valid_id() -> String {
    let first = "62070219800229101";
    format!("{first}{}", check_character(first))
}

fn location(response: &reqwest::Response) -> String {
    response.headers()[header::LOCATION].to_str().unwrap().to_string()
}

async fn request_code(app: &TestApp, phone: &str) -> reqwest::Response {
    app.post_form("/apply/identity/code", &[("phone", phone)]).await
}

async fn verify(app: &TestApp, code: &str, name: &str, id: &str) -> reqwest::Response {
    app.post_form("/apply/identity/verify", &[("code", code), ("name", name), ("id_number", id)]).await
}

#[tokio::test]
async fn a_resident_verifies_with_the_sms_code_name_and_id_number() {
    let app = spawn_app().await;
    let response = request_code(&app, "138 1234 5678").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/apply/identity?step=code");
    let code = app.outbox.last_code_to(PHONE).expect("an SMS with a code");
    assert_eq!(code.len(), 6);

    let (_, html) = app.page("/apply/identity?step=code").await;
    assert!(html.contains("验证码已发送至 138****5678"));
    assert!(!html.contains(PHONE), "the full number is not shown back");

    let response = verify(&app, &code, "张三丰", &valid_id()).await;
    assert_eq!(location(&response), "/apply/identity/done");
    let cookies: Vec<_> =
        response.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap()).collect();
    assert!(cookies.iter().any(|c| c.starts_with("resident_session=") && c.contains("HttpOnly")));

    let (_, html) = app.page("/apply/identity/done").await;
    assert!(html.contains("身份已核验"));
    assert!(html.contains("张*丰") && html.contains("6207**********") && html.contains("138****5678"));
    assert!(!html.contains("张三丰") && !html.contains(&valid_id()) && !html.contains(PHONE));
    app.stop().await;
}

#[tokio::test]
async fn a_bad_phone_number_is_explained_next_to_the_field_and_kept() {
    let app = spawn_app().await;
    let response = request_code(&app, "1381234").await;
    let page = location(&response);
    assert!(page.starts_with("/apply/identity?flash="), "{page}");
    let (_, html) = app.page(&page).await;
    assert!(html.contains(r#"id="phone-error""#) && html.contains("手机号码应为11位数字"));
    assert!(html.contains(r#"value="1381234""#), "what was typed is kept");
    assert!(html.contains(r##"<a href="#phone">"##), "the summary links to the field");
    assert!(app.outbox.messages_to("1381234").is_empty());
    app.stop().await;
}

#[tokio::test]
async fn every_id_number_mistake_is_explained_and_the_code_stays_usable() {
    let app = spawn_app().await;
    request_code(&app, PHONE).await;
    let code = app.outbox.last_code_to(PHONE).unwrap();
    let mut typo = valid_id();
    let last = if typo.ends_with('1') { "2" } else { "1" };
    typo.replace_range(17..18, last);
    let cases = [
        ("", "请填写身份证号码"),
        ("6207021980", "身份证号码应为18位，您填写了10位"),
        ("62070219800101A012", "前17位只能是数字"),
        ("990702198001011012", "不是有效的地区代码"),
        ("620702198013011012", "出生日期"),
        (typo.as_str(), "校验码不对"),
    ];
    for (id, message) in cases {
        let response = verify(&app, &code, "李四", id).await;
        let page = location(&response);
        assert!(page.starts_with("/apply/identity?step=code&flash="), "{id}: {page}");
        let (_, html) = app.page(&page).await;
        assert!(html.contains(message), "{id}: expected {message}");
        assert!(html.contains(&format!(r#"value="{id}""#)), "{id}: typed value kept");
        assert!(html.contains(r#"value="李四""#), "the name is kept too");
    }
    let response = verify(&app, &code, "李四", &valid_id()).await;
    assert_eq!(location(&response), "/apply/identity/done", "field mistakes do not use up the code");
    app.stop().await;
}

#[tokio::test]
async fn a_second_code_within_a_minute_is_refused_with_the_wait() {
    let app = spawn_app().await;
    request_code(&app, PHONE).await;
    let response = request_code(&app, PHONE).await;
    let (_, html) = app.page(&location(&response)).await;
    assert!(html.contains("验证码已发送，请等") && html.contains("秒后再重新获取"));
    assert_eq!(app.outbox.messages_to(PHONE).len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn five_wrong_codes_use_up_the_code() {
    let app = spawn_app().await;
    request_code(&app, PHONE).await;
    let code = app.outbox.last_code_to(PHONE).unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (1..=4).rev() {
        let (_, html) = app.page(&location(&verify(&app, wrong, "王五", &valid_id()).await)).await;
        assert!(html.contains(&format!("验证码不正确，还可以再试{left}次")), "{left}");
    }
    let (_, html) = app.page(&location(&verify(&app, wrong, "王五", &valid_id()).await)).await;
    assert!(html.contains("验证码输错次数过多"));
    let (_, html) = app.page(&location(&verify(&app, &code, "王五", &valid_id()).await)).await;
    assert!(html.contains("验证码输错次数过多"), "the right code no longer works");
    app.stop().await;
}

#[tokio::test]
async fn a_double_click_on_submit_signs_in_once() {
    let app = spawn_app().await;
    request_code(&app, PHONE).await;
    let code = app.outbox.last_code_to(PHONE).unwrap();
    let first = verify(&app, &code, "赵六", &valid_id()).await;
    let second = verify(&app, &code, "赵六", &valid_id()).await;
    assert_eq!(location(&first), "/apply/identity/done");
    assert_eq!(location(&second), "/apply/identity/done");
    app.stop().await;
}

#[tokio::test]
async fn two_submits_sent_before_either_answer_both_succeed() {
    let app = spawn_app().await;
    let response = request_code(&app, PHONE).await;
    let pending =
        response.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    let code = app.outbox.last_code_to(PHONE).unwrap();
    // Both requests carry the cookies the browser had before the first answer arrived.
    let browser = TestApp::new_client();
    for click in 1..=2 {
        let response = browser
            .post(app.url("/apply/identity/verify"))
            .header(header::COOKIE, &pending)
            .header("sec-fetch-site", "same-origin")
            .form(&[("code", code.as_str()), ("name", "赵六"), ("id_number", valid_id().as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(location(&response), "/apply/identity/done", "click {click}");
    }
    app.stop().await;
}

/// Sixty posts of one code at once, each carrying the cookies the browser had before any answer; returns
/// how many were let through.
async fn simultaneous_verifications(app: &TestApp, pending: &str, code: &str) -> usize {
    let posts: Vec<_> = (0..60)
        .map(|_| {
            let request = TestApp::new_client()
                .post(app.url("/apply/identity/verify"))
                .header(header::COOKIE, pending)
                .header("sec-fetch-site", "same-origin")
                .form(&[("code", code), ("name", "赵六"), ("id_number", valid_id().as_str())]);
            tokio::spawn(async move { location(&request.send().await.unwrap()) })
        })
        .collect();
    let mut passed = 0;
    for post in posts {
        passed += usize::from(post.await.unwrap() == "/apply/identity/done");
    }
    passed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_tries_at_one_code_get_five_chances_at_most() {
    // The per-address budgets would answer most of these posts with 429; they are not under test.
    let database = crate::common::sqlite_database();
    let config = server::config::Config {
        rate_limit_burst: 10_000,
        sms_ip_burst: 10_000,
        ..test_config(&database.url)
    };
    let app = spawn_with(config, Some(database)).await;
    let response = request_code(&app, PHONE).await;
    let pending =
        response.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    let code = app.outbox.last_code_to(PHONE).unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(simultaneous_verifications(&app, &pending, wrong).await, 0);
    assert_eq!(
        simultaneous_verifications(&app, &pending, &code).await,
        0,
        "sixty wrong tries at once used up the code: the right one no longer works"
    );

    // The right code sent sixty times at once: a used code stays within the same five tries.
    let other_phone = "13912345678";
    let response = TestApp::new_client()
        .post(app.url("/apply/identity/code"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("phone", other_phone)])
        .send()
        .await
        .unwrap();
    let pending =
        response.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    let code = app.outbox.last_code_to(other_phone).unwrap();
    let passed = simultaneous_verifications(&app, &pending, &code).await;
    assert!((1..=5).contains(&passed), "{passed} of 60 let through");
    app.stop().await;
}

#[tokio::test]
async fn verifying_without_asking_for_a_code_starts_over() {
    let app = spawn_app().await;
    let response = verify(&app, "123456", "赵六", &valid_id()).await;
    let (_, html) = app.page(&location(&response)).await;
    assert!(html.contains("请重新获取验证码"));
    app.stop().await;
}

#[tokio::test]
async fn requests_for_codes_and_tries_at_them_are_limited_per_ip_address() {
    let database = crate::common::sqlite_database();
    let config = server::config::Config { sms_ip_burst: 2, ..test_config(&database.url) };
    let app = spawn_with(config, Some(database)).await;
    assert_eq!(request_code(&app, "13800000001").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(request_code(&app, "13800000002").await.status(), StatusCode::SEE_OTHER);
    let third = request_code(&app, "13800000003").await;
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(third.text().await.unwrap().contains("操作太频繁"));
    assert!(app.outbox.messages_to("13800000003").is_empty());
    // Tries at the code have a budget of their own.
    for _ in 0..2 {
        assert_eq!(verify(&app, "000000", "张三丰", &valid_id()).await.status(), StatusCode::SEE_OTHER);
    }
    let third = verify(&app, "000000", "张三丰", &valid_id()).await;
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS, "the code check has its own per-client budget");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_tries_from_one_client_stay_within_each_code_routes_budget() {
    let database = crate::common::sqlite_database();
    let config = server::config::Config { sms_ip_burst: 3, ..test_config(&database.url) };
    let app = spawn_with(config, Some(database)).await;
    for path in ["/apply/identity/verify", "/status/verify"] {
        let posts: Vec<_> = (0..12)
            .map(|_| {
                let request = TestApp::new_client()
                    .post(app.url(path))
                    .header("sec-fetch-site", "same-origin")
                    .form(&[("code", "000000"), ("name", "张三丰"), ("id_number", valid_id().as_str())]);
                tokio::spawn(async move { request.send().await.unwrap().status() })
            })
            .collect();
        let mut answered = Vec::new();
        for post in posts {
            answered.push(post.await.unwrap());
        }
        let limited = answered.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
        let read = answered.iter().filter(|s| **s == StatusCode::SEE_OTHER).count();
        assert_eq!((read, limited), (3, 9), "{path}: {answered:?}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_code_works_only_for_what_it_was_sent_for() {
    let mut app = spawn_app().await;
    // The resident starts their own application; the code step waits for an own-application code.
    request_code(&app, PHONE).await;
    // Meanwhile someone asks, in another browser, to apply for the resident: a consent code arrives.
    let own_browser = std::mem::replace(&mut app.client, TestApp::new_client());
    app.pass_resend_cooldown();
    let helper = crate::common::village_assistant_for(PHONE);
    assert_eq!(location(&app.post_form("/apply/helper/code", &helper).await), "/apply/identity?step=code");
    let consent = app.outbox.last_code_to(PHONE).unwrap();
    // Typed into the own-application step, the consent code is refused: a 代办 is never filed as the
    // resident's own.
    app.client = own_browser;
    let response = verify(&app, &consent, "张三丰", &valid_id()).await;
    let (_, html) = app.page(&location(&response)).await;
    assert!(html.contains("验证码不正确"), "{html}");
    assert!(!location(&response).ends_with("/apply/identity/done"));
    app.stop().await;
}

#[tokio::test]
async fn neither_the_phone_number_nor_the_code_is_stored_in_the_clear() {
    use sqlx::Connection;
    let app = spawn_app().await;
    request_code(&app, PHONE).await;
    let code = app.outbox.last_code_to(PHONE).unwrap();
    let mut db = sqlx::SqliteConnection::connect(&app.database_url).await.unwrap();
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT phone_key, code_hash FROM otp_codes").fetch_all(&mut db).await.unwrap();
    assert_eq!(rows.len(), 1);
    let (phone_key, code_hash) = &rows[0];
    assert!(!phone_key.contains(PHONE) && !code_hash.contains(&code));
    assert_eq!(phone_key.len(), 64, "a SHA-256 digest");
    app.stop().await;
}
