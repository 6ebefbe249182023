//! The administration page: only administrators change hotlines and local standards; changes show on
//! the public pages at once and are audited.

use crate::common::{spawn_app, TestApp};
use app::domain::staff::Role;
use reqwest::{header, StatusCode};
use server::config::Config;

const PASSWORD: &str = "a long staff passphrase";

async fn signed_in_as(app: &TestApp, username: &str, role: Role, scope: &str) {
    app.create_staff(username, role, scope, PASSWORD).await;
    let response = app.post_form("/review/login", &[("username", username), ("password", PASSWORD)]).await;
    assert_eq!(response.headers()[header::LOCATION], "/review");
}

#[tokio::test]
async fn only_administrators_reach_the_administration() {
    let app = spawn_app().await;
    let response = app.get("/admin").await;
    assert_eq!(
        (response.status(), response.headers()[header::LOCATION].to_str().unwrap()),
        (StatusCode::FOUND, "/review/login")
    );
    let post = app.post_form("/admin/hotlines", &[("label", "假热线"), ("number", "110")]).await;
    assert_eq!(post.headers()[header::LOCATION], "/review/login");

    signed_in_as(&app, "township", Role::TownshipReviewer, "620702001").await;
    let (status, html) = app.page("/admin").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("无权访问"));
    let post = app.post_form("/admin/hotlines", &[("label", "假热线"), ("number", "110")]).await;
    assert_eq!(post.status(), StatusCode::FORBIDDEN);
    let (_, home) = app.page("/").await;
    assert!(!home.contains("假热线"));
    app.stop().await;
}

#[tokio::test]
async fn an_administrator_adds_and_removes_a_county_hotline() {
    // Pages and the footer's hotlines kept as in production: a change must still show at once.
    let database = crate::common::sqlite_database();
    let config = Config { page_cache_seconds: 300, ..crate::common::test_config(&database.url) };
    let app = crate::common::spawn_with(config, Some(database)).await;
    signed_in_as(&app, "admin", Role::Administrator, "city").await;
    let (_, before) = app.page("/admin").await;
    assert!(!before.contains("0936-8212345"), "the footer read (and kept) before the change");

    let bad = app
        .post_form("/admin/hotlines", &[("county", "620702"), ("label", "甘州区民政局"), ("number", "call")])
        .await;
    let (_, html) = app.page(bad.headers()[header::LOCATION].to_str().unwrap()).await;
    assert!(
        html.contains(r#"id="number-error""#)
            && html.contains(r#"value="call""#)
            && html.contains(r#"value="甘州区民政局""#)
    );

    let added = app
        .post_form(
            "/admin/hotlines",
            &[("county", "620702"), ("label", "甘州区民政局社会救助热线"), ("number", "0936-8212345")],
        )
        .await;
    assert_eq!(added.headers()[header::LOCATION], "/admin?saved=hotline#hotlines");
    let (_, admin) = app.page("/admin").await;
    let footer = crate::common::texts(&admin, "footer a[href^='tel:']");
    assert!(footer.iter().any(|n| n == "0936-8212345"), "a page not kept shows it in its footer: {footer:?}");
    let (_, home) = app.page("/").await;
    assert!(home.contains("甘州区民政局社会救助热线") && home.contains(r#"href="tel:09368212345""#));
    assert!(
        home.find("12345</a>").unwrap() < home.find("0936-8212345").unwrap(),
        "the city line stays first"
    );

    let store = server::store::open(&app.database_url).await.unwrap();
    let id = store.hotlines().await.unwrap().into_iter().find(|h| h.number == "0936-8212345").unwrap().id;
    app.post_form("/admin/hotlines/remove", &[("id", &id.to_string())]).await;
    let (_, home) = app.page("/").await;
    assert!(!home.contains("0936-8212345"));
    let (_, admin) = app.page("/admin").await;
    assert!(!admin.contains("0936-8212345"), "nor in a footer read after the removal");
    let actions: Vec<_> = store.audit_records().await.unwrap().into_iter().map(|r| r.event.action).collect();
    assert!(
        actions.contains(&"admin.hotline_added".to_string())
            && actions.contains(&"admin.hotline_removed".to_string())
    );
    app.stop().await;
}

#[tokio::test]
async fn confirmed_standards_are_used_by_the_self_check() {
    let app = spawn_app().await;
    signed_in_as(&app, "admin", Role::Administrator, "city").await;
    let form = |rural: &'static str| {
        [
            ("county", "620702"),
            ("dibao_urban_monthly", "820"),
            ("dibao_rural_monthly", rural),
            ("disposable_income_urban_yearly", "38000"),
            ("disposable_income_rural_yearly", "20500"),
            ("rigid_spending_share_percent", "50"),
        ]
    };
    let bad = app.post_form("/admin/standards", &form("0")).await;
    let (_, html) = app.page(bad.headers()[header::LOCATION].to_str().unwrap()).await;
    assert!(html.contains("农村低保标准应在每人每月100到5000元之间"));

    let saved = app.post_form("/admin/standards", &form("600")).await;
    assert_eq!(saved.headers()[header::LOCATION], "/admin?saved=standards#standards");
    let query = "county=620702&residence=rural&household_size=3&monthly_income=1200&assets=yes";
    let (_, html) = app.page(&format!("/apply?{query}")).await;
    assert!(html.contains("低于甘州区的低保标准 600 元"));
    assert!(!html.contains("尚待当地民政部门核定"), "confirmed figures are not marked as defaults");
    let (_, other_county) = app
        .page("/apply?county=620721&residence=rural&household_size=3&monthly_income=1200&assets=yes")
        .await;
    assert!(other_county.contains("尚待当地民政部门核定"), "other counties are still unconfirmed");
    app.stop().await;
}

#[tokio::test]
async fn an_administrator_edits_a_guide_page_and_markup_stays_inert() {
    let app = spawn_app().await;
    let form = |title: &'static str, body: &'static str| {
        [("slug", "dibao"), ("title", title), ("summary", "按月领取低保金的条件和办法"), ("body", body)]
    };
    let anonymous =
        app.post_form("/admin/guide", &form("低保", "## 谁可以申请\n\n新的正文内容，足够长的一段话。")).await;
    assert_eq!(anonymous.headers()[header::LOCATION], "/review/login");

    signed_in_as(&app, "admin", Role::Administrator, "city").await;
    let (status, html) = app.page("/admin/guide/dibao").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("## 谁可以申请"), "the stored Markdown is in the form");

    let bad = app.post_form("/admin/guide", &form("", "短")).await;
    let (_, html) = app.page(bad.headers()[header::LOCATION].to_str().unwrap()).await;
    assert!(html.contains("标题应为2到40个字") && html.contains("正文应为20到20000个字"));

    let body = "## 谁可以申请\n\n人均收入低于标准的家庭。<script>alert('x')</script>";
    let saved = app.post_form("/admin/guide", &form("最低生活保障（2027版）", body)).await;
    assert_eq!(saved.headers()[header::LOCATION], "/admin?saved=guide#guide");
    let (_, page) = app.page("/guide/dibao").await;
    assert!(page.contains("<h1>最低生活保障（2027版）</h1>"));
    assert!(page.contains("&lt;script&gt;") && !page.contains("<script>alert"), "markup is shown as text");
    let store = server::store::open(&app.database_url).await.unwrap();
    let actions: Vec<_> = store.audit_records().await.unwrap().into_iter().map(|r| r.event.action).collect();
    assert!(actions.contains(&"admin.guide_updated".to_string()));
    app.stop().await;
}

#[tokio::test]
async fn announcements_are_published_by_administrators_only_and_their_markup_stays_inert() {
    let app = spawn_app().await;
    let form = [
        ("county", "620702"),
        ("announcement_title", "春节期间救助服务安排"),
        ("announcement_body", "# 安排\n\n春节期间**照常受理**急难救助。<script>alert('x')</script>"),
    ];
    signed_in_as(&app, "county", Role::CountyReviewer, "620702").await;
    assert_eq!(app.post_form("/admin/announcements", &form).await.status(), StatusCode::FORBIDDEN);

    let admin = crate::common::Reviewer::sign_in(&app, "admin", Role::Administrator, "city").await;
    let empty =
        admin.post("/admin/announcements", &[("county", ""), ("announcement_title", "只有标题")]).await;
    let (_, page) = admin.page(&crate::common::location(&empty)).await;
    assert!(page.contains("请填写正文") && page.contains("只有标题"), "the error and what was typed");
    let published = admin.post("/admin/announcements", &form).await;
    assert_eq!(crate::common::location(&published), "/admin?saved=announcement#announcements");

    let (_, list) = app.page("/announcements?county=620702").await;
    assert!(list.contains("春节期间救助服务安排") && list.contains("甘州区"));
    let (_, other_county) = app.page("/announcements?county=620721").await;
    assert!(!other_county.contains("春节期间救助服务安排"), "a county's announcement stays in its county");
    let (status, detail) = app.page("/announcements/1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(detail.contains("<strong>照常受理</strong>"));
    assert!(!detail.contains("<script>alert") && detail.contains("&lt;script&gt;"), "markup shown as text");

    admin.post("/admin/announcements/remove", &[("id", "1")]).await;
    let (_, list) = app.page("/announcements").await;
    assert!(!list.contains("春节期间救助服务安排"));
    let store = server::store::open(&app.database_url).await.unwrap();
    let actions: Vec<String> =
        store.audit_records().await.unwrap().into_iter().map(|r| r.event.action).collect();
    assert!(actions.contains(&"admin.announcement_published".to_string()));
    assert!(actions.contains(&"admin.announcement_removed".to_string()));
    store.close().await;
    app.stop().await;
}

#[tokio::test]
async fn an_administrator_maintains_the_holiday_calendar_that_deadlines_count_with() {
    let app = spawn_app().await;
    let admin = crate::common::Reviewer::sign_in(&app, "admin", Role::Administrator, "city").await;
    let bad = admin
        .post("/admin/calendar", &[("calendar_day", "2027/2/16"), ("kind", "holiday"), ("calendar_note", "")])
        .await;
    let (_, page) = admin.page(&crate::common::location(&bad)).await;
    assert!(page.contains("请按 2026-10-01 的格式填写日期") && page.contains("2027/2/16"));

    let store = server::store::open(&app.database_url).await.unwrap();
    let (monday, friday) = (
        app::domain::calendar::Date::parse("2027-02-15").unwrap(),
        app::domain::calendar::Date::parse("2027-02-19").unwrap(),
    );
    let before =
        app::store::working_calendar(store.as_ref()).await.unwrap().working_days_between(monday, friday);
    let set = [("calendar_day", "2027-02-16"), ("kind", "holiday"), ("calendar_note", "春节")];
    assert_eq!(
        crate::common::location(&admin.post("/admin/calendar", &set).await),
        "/admin?saved=calendar#calendar"
    );
    let after =
        app::store::working_calendar(store.as_ref()).await.unwrap().working_days_between(monday, friday);
    assert_eq!(after + 1, before, "a new holiday is one working day less");
    let (_, page) = admin.page("/admin").await;
    assert!(page.contains("2027-02-16 放假（春节）"));

    admin.post("/admin/calendar/remove", &[("day", "2027-02-16")]).await;
    let restored =
        app::store::working_calendar(store.as_ref()).await.unwrap().working_days_between(monday, friday);
    assert_eq!(restored, before);
    let actions: Vec<String> =
        store.audit_records().await.unwrap().into_iter().map(|r| r.event.action).collect();
    assert!(actions.contains(&"admin.calendar_day_set".to_string()));
    assert!(actions.contains(&"admin.calendar_day_removed".to_string()));
    store.close().await;
    app.stop().await;
}

/// Deadlines are counted with a calendar kept for the page cache's period, as in production; a holiday
/// set on this instance counts in the very next deadline.
#[tokio::test]
async fn a_holiday_counts_in_the_next_deadline_though_the_calendar_is_kept() {
    let database = crate::common::sqlite_database();
    let config = Config { page_cache_seconds: 300, ..crate::common::test_config(&database.url) };
    let mut app = crate::common::spawn_with(config, Some(database)).await;
    let acceptance_due = |reference: String| {
        let url = app.database_url.clone();
        async move {
            let store = server::store::open(&url).await.unwrap();
            let due = store.application_by_reference(&reference).await.unwrap().unwrap().acceptance_due;
            store.close().await;
            due
        }
    };
    let first = crate::common::submit_application(&app, "13912340031", "王秀兰", "620702001").await;
    let due = acceptance_due(first).await;
    let admin = crate::common::Reviewer::sign_in(&app, "admin", Role::Administrator, "city").await;
    let day = due.to_string();
    let holiday = [("calendar_day", day.as_str()), ("kind", "holiday"), ("calendar_note", "调休")];
    assert_eq!(
        crate::common::location(&admin.post("/admin/calendar", &holiday).await),
        "/admin?saved=calendar#calendar"
    );
    drop(admin);

    app.client = TestApp::new_client();
    let second = crate::common::submit_application(&app, "13912340032", "李建国", "620702001").await;
    let moved = acceptance_due(second).await;
    assert!(moved > due, "the day made a holiday is not the next deadline: {due} then {moved}");
    app.stop().await;
}

/// The first password the page shows once, in `<code class="token">`.
fn shown_password(html: &str) -> String {
    let start = html.find("<code class=\"token\">").expect("the first password is shown") + 20;
    html[start..start + html[start..].find("</code>").unwrap()].to_string()
}

async fn count_audited(app: &TestApp, action: &str, actor: &str) -> i64 {
    let store = server::store::open(&app.database_url).await.unwrap();
    let records = store.audit_records().await.unwrap();
    store.close().await;
    records.iter().filter(|r| r.event.action == action && r.event.actor == actor).count() as i64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_administrator_creates_a_village_workers_account_that_signs_in_with_the_password_shown_once() {
    let app = spawn_app().await;
    let worker = [
        ("username", "cg.worker"),
        ("display_name", "张协理"),
        ("role", "village"),
        ("township", "620702001"),
        ("village", "城关村"),
    ];
    signed_in_as(&app, "admin", Role::Administrator, "city").await;
    let (status, form) = app.page("/admin/staff").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("name=\"role\" value=\"village\"") && !form.contains("value=\"admin\""), "{form}");
    bad_accounts_are_refused_with_what_was_typed(&app).await;
    let password = simultaneous_posts_create_the_account_once(&app, &worker).await;
    assert_eq!(
        count_audited(&app, "staff.created", "staff:1").await,
        1,
        "audited as the administrator's act"
    );
    the_worker_signs_in_with_the_password_shown_and_sees_only_their_part(&app, &password, &worker).await;
    app.stop().await;
}

async fn bad_accounts_are_refused_with_what_was_typed(app: &TestApp) {
    let refused = app
        .post_form("/admin/staff", &[("username", "张三"), ("display_name", "张协理"), ("role", "admin")])
        .await;
    let (_, page) = app.page(&crate::common::location(&refused)).await;
    assert!(page.contains("登录名为3到32位小写字母"), "{page}");
    assert!(page.contains("请选择账号类型"), "an administrator is not made from the web");
    assert!(page.contains("value=\"张协理\""), "what was typed is kept");
    let no_township = app
        .post_form("/admin/staff", &[("username", "x.y"), ("display_name", "某"), ("role", "village")])
        .await;
    let (_, page) = app.page(&crate::common::location(&no_township)).await;
    assert!(page.contains("请选择所在乡镇（街道）"));
}

/// The same account posted six times at once: one is created (its password shown), the others are told
/// the name is taken; returns the password.
async fn simultaneous_posts_create_the_account_once(
    app: &TestApp,
    worker: &[(&'static str, &'static str); 5],
) -> String {
    let posts: Vec<_> = (0..6)
        .map(|_| {
            let client = app.client.clone();
            let url = app.url("/admin/staff");
            let worker = *worker;
            tokio::spawn(async move { client.post(url).form(&worker).send().await.unwrap() })
        })
        .collect();
    let mut passwords = Vec::new();
    let mut taken = 0;
    for post in posts {
        let response = post.await.unwrap();
        match response.status() {
            StatusCode::OK => passwords.push(shown_password(&response.text().await.unwrap())),
            StatusCode::SEE_OTHER | StatusCode::FOUND => {
                let (_, page) = app.page(&crate::common::location(&response)).await;
                assert!(page.contains("这个登录名已被使用"), "{page}");
                taken += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((passwords.len(), taken), (1, 5));
    passwords.remove(0)
}

async fn the_worker_signs_in_with_the_password_shown_and_sees_only_their_part(
    app: &TestApp,
    password: &str,
    worker: &[(&str, &str); 5],
) {
    let colleague = TestApp::new_client();
    let login = [("username", "cg.worker"), ("password", password)];
    let signed = colleague.post(app.url("/review/login")).form(&login).send().await.unwrap();
    assert_eq!(signed.headers()[header::LOCATION], "/review");
    let warnings = colleague.get(app.url("/review/warnings")).send().await.unwrap();
    assert_eq!(warnings.status(), StatusCode::OK, "a village worker of 城关村");
    let records = colleague.get(app.url("/review/records")).send().await.unwrap();
    assert_eq!(records.status(), StatusCode::FOUND, "with no case files");
    let form = colleague.get(app.url("/admin/staff")).send().await.unwrap();
    assert_eq!(form.status(), StatusCode::FORBIDDEN, "only administrators create accounts");
    let post = colleague.post(app.url("/admin/staff")).form(worker).send().await.unwrap();
    assert_eq!(post.status(), StatusCode::FORBIDDEN);
}
