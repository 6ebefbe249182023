//! 进度查询 over real HTTP: reference number plus an SMS code to the applicant's phone, no account; the
//! timeline shows only the applicant's own, masked data; unknown references look like known ones; the
//! lookups are limited per IP address.

use crate::common::{location, post, spawn_app, spawn_with, submit_application, test_config, TestApp};
use reqwest::StatusCode;

const PHONE: &str = "13912340010";
const NAME: &str = "王秀兰";

/// The reviewer of the township the tests' applications go to.
async fn township_reviewer(app: &TestApp) -> crate::common::Reviewer<'_> {
    crate::common::Reviewer::sign_in(app, "dongjie", app::domain::staff::Role::TownshipReviewer, "620702001")
        .await
}

async fn look_up(app: &TestApp, reference: &str) -> String {
    post(app, "/status/code", &[("reference", reference)]).await
}

#[tokio::test]
async fn the_applicant_sees_the_timeline_of_their_own_case_masked() {
    let mut app = spawn_app().await;
    let reference = submit_application(&app, PHONE, NAME, "620702001").await;
    app.client = TestApp::new_client(); // another phone, no session
    app.pass_resend_cooldown(); // the identity check sent a code to the same phone a moment ago

    let sent_before = app.outbox.messages_to(PHONE).len();
    assert_eq!(look_up(&app, &reference.to_lowercase()).await, "/status?step=code", "case does not matter");
    assert_eq!(app.outbox.messages_to(PHONE).len(), sent_before + 1, "a code goes to the applicant's phone");
    let (_, html) = app.page("/status?step=code").await;
    assert!(html.contains("如果申请编号正确，验证码已发送"));

    let back = post(&app, "/status/verify", &[("code", "000000")]).await;
    let (_, html) = app.page(&back).await;
    assert!(html.contains("验证码不正确"));
    let code = app.outbox.last_code_to(PHONE).unwrap();
    assert_eq!(post(&app, "/status/verify", &[("code", &code)]).await, "/status/view");

    let (status, html) = app.page("/status/view").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&reference) && html.contains("王*兰") && html.contains("待受理"));
    assert!(html.contains("提交申请") && html.contains("尚未进行"), "each legal step, done or not");
    assert!(html.contains("期限："), "the next step has its deadline");
    for private in [NAME, PHONE, "620702197001012029", "尿毒症", "3组15号"] {
        assert!(!html.contains(private), "{private} is not shown on the status page");
    }
    app.stop().await;
}

#[tokio::test]
async fn an_application_from_before_the_masked_name_was_kept_shows_it_from_the_sealed_draft() {
    use sqlx::Connection;
    let database = crate::common::sqlite_database();
    let mut app = spawn_with(test_config(&database.url), Some(database)).await;
    let reference = submit_application(&app, PHONE, NAME, "620702001").await;
    let mut db = sqlx::SqliteConnection::connect(&app.database_url).await.unwrap();
    let kept: (Option<String>,) =
        sqlx::query_as("SELECT applicant_masked FROM applications").fetch_one(&mut db).await.unwrap();
    assert_eq!(kept.0.as_deref(), Some("王*兰"), "kept at submission");
    sqlx::query("UPDATE applications SET applicant_masked = NULL").execute(&mut db).await.unwrap();

    app.client = TestApp::new_client();
    app.pass_resend_cooldown();
    look_up(&app, &reference).await;
    let code = app.outbox.last_code_to(PHONE).unwrap();
    assert_eq!(post(&app, "/status/verify", &[("code", &code)]).await, "/status/view");
    let (_, html) = app.page("/status/view").await;
    assert!(html.contains("<dd>王*兰</dd>") && !html.contains(NAME));
    app.stop().await;
}

#[tokio::test]
async fn unknown_references_behave_like_known_ones_and_bad_ones_are_explained() {
    let app = spawn_app().await;
    let back = look_up(&app, "ZY2026-1").await;
    let (_, html) = app.page(&back).await;
    assert!(html.contains("申请编号格式不对") && html.contains(r#"value="ZY2026-1""#));

    assert_eq!(
        look_up(&app, "ZY20200101-222222").await,
        "/status?step=code",
        "no hint that it does not exist"
    );
    assert_eq!(app.outbox.count(), 0, "no SMS for an unknown reference");
    let back = post(&app, "/status/verify", &[("code", "123456")]).await;
    let (_, html) = app.page(&back).await;
    assert!(html.contains("验证码不正确，还可以再试4次"), "the same answer as a wrong code for a real case");
    let back = look_up(&app, "ZY20200101-222222").await;
    let (_, html) = app.page(&back).await;
    assert!(html.contains("验证码已发送，请等"), "the same resend limit as a real case");
    app.stop().await;
}

#[tokio::test]
async fn a_material_request_is_shown_and_the_applicant_can_withdraw() {
    let mut app = spawn_app().await;
    let reference = submit_application(&app, PHONE, NAME, "620702001").await;
    app.sign_in_as("dongjie", app::domain::staff::Role::TownshipReviewer, "620702001").await;
    let path = format!("/review/case/{reference}");
    post(&app, &path, &[("action", "request_material"), ("note", "近6个月的医疗费用票据；残疾人证")]).await;

    app.client = TestApp::new_client();
    app.pass_resend_cooldown();
    look_up(&app, &reference).await;
    let code = app.outbox.last_code_to(PHONE).unwrap();
    post(&app, "/status/verify", &[("code", &code)]).await;
    let (_, html) = app.page("/status/view").await;
    assert!(html.contains("需要您办理") && html.contains("近6个月的医疗费用票据；残疾人证"));

    let (_, html) = app.page("/status/view?confirm=withdraw").await;
    assert!(html.contains("确定要撤回申请吗"));
    assert_eq!(post(&app, "/status/withdraw", &[]).await, "/status/view");
    let (_, html) = app.page("/status/view").await;
    assert!(
        html.contains("已撤回") && !html.contains("撤回申请</a>"),
        "a final state cannot be withdrawn again"
    );
    app.stop().await;
}

#[tokio::test]
async fn lookups_are_limited_per_ip_address() {
    let mut config = test_config("");
    let database = crate::common::sqlite_database();
    config.database_url = database.url.clone();
    config.sms_ip_burst = 2;
    config.sms_ip_refill_seconds = 3600;
    let app = spawn_with(config, Some(database)).await;
    for n in 0..2 {
        let response =
            app.post_form("/status/code", &[("reference", &format!("ZY20200101-22222{}", n + 2))]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let response = app.post_form("/status/code", &[("reference", "ZY20200101-222229")]).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.text().await.unwrap().contains("您的操作太频繁了"));
    app.stop().await;
}

#[tokio::test]
async fn requested_material_is_uploaded_on_the_status_page_and_the_case_returns_to_the_queue() {
    use crate::common::{multipart_form, photo_part, GPS_PHOTO};
    let app = spawn_app().await;
    let reference = submit_application(&app, PHONE, NAME, "620702001").await;
    let reviewer = township_reviewer(&app).await;
    reviewer.act(&reference, "request_material", "近6个月的医疗费用票据", "").await;

    app.pass_resend_cooldown();
    look_up(&app, &reference).await;
    let code = app.outbox.last_code_to(PHONE).unwrap();
    post(&app, "/status/verify", &[("code", &code)]).await;
    let nothing = app.post_multipart("/status/material", multipart_form(&[("material_note", "票据")])).await;
    let (_, html) = app.page(&location(&nothing)).await;
    assert!(
        html.contains("请选择要上传的照片或文件") && html.contains(r#"value="票据""#),
        "kept what was typed"
    );

    let form = multipart_form(&[("material_note", "医院票据三张")]).part("material", photo_part(GPS_PHOTO));
    let sent = app.post_multipart("/status/material", form).await;
    assert_eq!(location(&sent), "/status/view?material=sent");
    let (_, html) = app.page("/status/view?material=sent").await;
    assert!(html.contains("材料已收到") && !html.contains("需要您办理"));

    let (_, case) = reviewer.page(&format!("/review/case/{reference}")).await;
    assert!(case.contains("申请人补充：照片") && case.contains("上传材料1个：医院票据三张"), "{case}");
    let store = server::store::open(&app.database_url).await.unwrap();
    let record = store.application_by_reference(&reference).await.unwrap().unwrap();
    assert_eq!(record.status, app::domain::workflow::Status::Submitted, "back in the township's queue");
    let files = store.case_files(record.id).await.unwrap();
    assert_eq!((files.len(), files[0].source.as_str()), (1, "provide_material"));
    store.close().await;
    let photo = reviewer
        .client
        .get(app.url(&format!("/review/case/{reference}/file/{}", files[0].id)))
        .send()
        .await
        .unwrap();
    assert!(!photo.bytes().await.unwrap().windows(4).any(|w| w == b"Exif"), "metadata removed");
    app.stop().await;
}

/// Withdrawals posted after the status lookup ran out are answered with the way back, each on a connection
/// the browser can use again: the post is read before the answer (a post answered unread left hyper to
/// close the connection under the next request).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_without_a_lookup_are_read_before_they_are_answered() {
    let app = spawn_app().await;
    let stranger = TestApp::new_client();
    let note = "撤回".repeat(110_000);
    for _ in 0..60 {
        let answered = stranger
            .post(app.url("/status/withdraw"))
            .header("origin", app.url(""))
            .header("sec-fetch-site", "same-origin")
            .form(&[("note", note.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(location(&answered), "/status");
    }
    app.stop().await;
}

/// Looks up `reference` in a new browser and types the code sent to `phone`; returns that browser.
async fn opened_status(app: &mut TestApp, reference: &str, phone: &str) -> reqwest::Client {
    app.client = TestApp::new_client();
    app.pass_resend_cooldown();
    look_up(app, reference).await;
    let code = app.outbox.last_code_to(phone).unwrap();
    assert_eq!(post(app, "/status/verify", &[("code", &code)]).await, "/status/view");
    app.client.clone()
}

/// A status page is kept like a public page, for the resident who opened it only: the session is checked
/// before a kept page is answered, one resident never gets another's page, a page with a failed form is
/// not kept, and a change made on this instance shows on the next view.
#[tokio::test]
async fn a_kept_status_page_is_its_residents_only_and_follows_the_case() {
    use reqwest::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
    let database = crate::common::sqlite_database();
    let config = server::config::Config { page_cache_seconds: 60, ..test_config(&database.url) };
    let mut app = spawn_with(config, Some(database)).await;
    let first = submit_application(&app, PHONE, NAME, "620702001").await;
    app.client = TestApp::new_client();
    let second = submit_application(&app, "13912340011", "李建国", "620702001").await;
    let first_resident = opened_status(&mut app, &first, PHONE).await;
    let second_resident = opened_status(&mut app, &second, "13912340011").await;

    app.client = first_resident.clone();
    let page = app.get("/status/view").await;
    assert_eq!(page.headers()[CACHE_CONTROL], "private, no-cache", "never kept by a shared proxy");
    let etag = page.headers().get(ETAG).expect("answered through the page cache").clone();
    assert!(page.text().await.unwrap().contains(&first));
    let again = app.client.get(app.url("/status/view")).header(IF_NONE_MATCH, &etag).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "the kept page is answered");
    app.client = second_resident;
    let (_, html) = app.page("/status/view").await;
    assert!(html.contains(&second) && !html.contains(&first), "each resident their own page");

    let reviewer = township_reviewer(&app).await;
    reviewer.act(&first, "request_material", "户口簿复印件", "").await;
    app.client = first_resident;
    let (_, html) = app.page("/status/view").await;
    assert!(html.contains("需要您办理") && html.contains("户口簿复印件"), "the change shows at once");

    assert_eq!(post(&app, "/status/withdraw", &[]).await, "/status/view");
    let refused = post(&app, "/status/withdraw", &[]).await;
    assert!(refused.starts_with("/status/view?flash="), "{refused}");
    let (_, html) = app.page(&refused).await;
    assert!(html.contains(r#"class="field-error""#), "the failed form's message is shown");
    let (_, html) = app.page("/status/view").await;
    assert!(!html.contains(r#"class="field-error""#), "and not kept for the next view");

    app.clock.advance(31 * 60);
    let (_, html) = app.page("/status/view").await;
    assert!(html.contains("查询已过期") && !html.contains(&first), "an ended session opens no kept page");
    app.stop().await;
}
