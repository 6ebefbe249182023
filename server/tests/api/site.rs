//! The site shell over real HTTP: pages, headers, preferences, protections and health endpoints.

use crate::common::{spawn_app, spawn_with, test_config};
use reqwest::{header, StatusCode};

#[tokio::test]
async fn home_page_is_served_in_chinese_with_navigation_and_hotlines() {
    let app = spawn_app().await;
    let (status, html) = app.page("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"<html lang="zh-CN""#));
    assert!(html.contains("张掖市社会救助服务平台"));
    for label in ["申请救助", "进度查询", "公示公告", "政策指南", "举报监督"] {
        assert!(html.contains(label), "navigation has {label}");
    }
    assert!(html.contains(r#"href="tel:12345""#), "footer has a tap-to-call city hotline");
    assert!(html.contains("6 个县区、78 个乡镇"), "coverage comes from the seeded table");
    app.stop().await;
}

/// The header marks the area the page belongs to, and the elder-mode switch sends the resident back to
/// the very address they were on (its query too).
#[tokio::test]
async fn the_header_marks_the_current_area_and_the_switch_comes_back_to_the_page() {
    use crate::common::texts;
    let app = spawn_app().await;
    let (_, html) = app.page("/guide/dibao?from=home").await;
    assert_eq!(texts(&html, r#"nav a[aria-current="page"]"#), ["政策指南"], "only the guide's area");
    let page = scraper::Html::parse_document(&html);
    let back = scraper::Selector::parse(r#"form.elder-switch input[name="back"]"#).unwrap();
    let back: Vec<_> = page.select(&back).filter_map(|input| input.value().attr("value")).collect();
    assert_eq!(back, ["/guide/dibao?from=home"]);
    let (_, html) = app.page("/").await;
    assert!(texts(&html, r#"nav a[aria-current]"#).is_empty(), "the home page is no area of the menu");
    app.stop().await;
}

#[tokio::test]
async fn a_page_without_interactive_widgets_loads_no_script() {
    let app = spawn_app().await;
    let (_, html) = app.page("/").await;
    assert!(!html.contains("<script src") && !html.contains("/pkg/portal.js"), "no script file");
    assert!(!html.contains(".wasm") && !html.contains("modulepreload"), "no wasm");
    app.stop().await;
}

#[tokio::test]
async fn unknown_address_gets_a_chinese_404_page() {
    let app = spawn_app().await;
    let (status, html) = app.page("/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("页面不存在"));
    assert!(html.contains("tel:12345"), "the footer is there on the error page too");
    app.stop().await;
}

#[tokio::test]
async fn security_and_cache_headers_are_set() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    let headers = response.headers().clone();
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"));
    let html = response.text().await.unwrap();
    let nonce = html.split("nonce=\"").nth(1).map(|rest| &rest[..rest.find('"').unwrap()]);
    if let Some(nonce) = nonce {
        assert!(csp.contains(&format!("'nonce-{nonce}'")), "inline bootstrap scripts are allowed by nonce");
    }
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
    assert_eq!(headers[header::CACHE_CONTROL], "private, no-cache");
    assert!(!headers.contains_key(header::STRICT_TRANSPORT_SECURITY), "no HSTS on plain development HTTP");
    app.stop().await;
}

#[tokio::test]
async fn a_portal_behind_tls_tells_browsers_to_keep_to_https() {
    let database = crate::common::sqlite_database();
    let config = server::config::Config { secure_cookies: true, ..test_config(&database.url) };
    let app = spawn_with(config, Some(database)).await;
    for path in ["/", "/review/login", "/healthz", "/no-such-page"] {
        let response = app.get(path).await;
        assert_eq!(response.headers()[header::STRICT_TRANSPORT_SECURITY], "max-age=31536000", "{path}");
    }

    // Cookies carry the __Host- prefix, and a cookie without it (planted by a sibling host) counts for nothing.
    let password = "a long staff passphrase";
    app.create_staff("dongjie", app::domain::staff::Role::TownshipReviewer, "620702001", password).await;
    let signed_in = app.post_form("/review/login", &[("username", "dongjie"), ("password", password)]).await;
    let set_cookie = signed_in.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(
        set_cookie.starts_with("__Host-staff_session=") && set_cookie.contains("; Secure"),
        "{set_cookie}"
    );
    let token = set_cookie.split(';').next().unwrap().trim_start_matches("__Host-staff_session=");
    let browser = crate::common::TestApp::new_client();
    let with = |cookie: String| browser.get(app.url("/review")).header(header::COOKIE, cookie).send();
    let prefixed = with(format!("elder_mode=1; __Host-staff_session={token}")).await.unwrap();
    assert_eq!(prefixed.status(), StatusCode::OK);
    let planted = with(format!("staff_session={token}")).await.unwrap();
    assert_eq!(planted.status(), StatusCode::FOUND, "an unprefixed cookie is ignored");
    app.stop().await;
}

#[tokio::test]
async fn pages_are_compressed_for_slow_links() {
    let app = spawn_app().await;
    for encoding in ["gzip", "br"] {
        let response =
            app.client.get(app.url("/")).header(header::ACCEPT_ENCODING, encoding).send().await.unwrap();
        assert_eq!(response.headers()[header::CONTENT_ENCODING], encoding);
    }
    app.stop().await;
}

#[tokio::test]
async fn elder_mode_is_switched_by_a_plain_form_post_and_remembered() {
    let app = spawn_app().await;
    let response = app.post_form("/preferences/elder-mode", &[("enabled", "1"), ("back", "/guide")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/guide");
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("elder_mode=1") && cookie.contains("HttpOnly") && cookie.contains("Max-Age="));

    let (_, html) = app.page("/guide").await;
    assert!(html.contains(r#"class="elder""#), "the client's cookie turns on large text");

    app.post_form("/preferences/elder-mode", &[("enabled", "0"), ("back", "/")]).await;
    let (_, html) = app.page("/").await;
    assert!(!html.contains(r#"class="elder""#));
    app.stop().await;
}

#[tokio::test]
async fn the_preference_form_never_redirects_off_site() {
    let app = spawn_app().await;
    let response = app
        .post_form("/preferences/elder-mode", &[("enabled", "1"), ("back", "https://evil.example/")])
        .await;
    assert_eq!(response.headers()[header::LOCATION], "/");
    app.stop().await;
}

#[tokio::test]
async fn cross_site_form_posts_are_refused() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/preferences/elder-mode"))
        .header("origin", "https://evil.example")
        .form(&[("enabled", "1"), ("back", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.headers().get(header::SET_COOKIE).is_none());
    assert!(response.text().await.unwrap().contains("只接受从本站页面提交的表单"));
    app.stop().await;
}

#[tokio::test]
async fn too_many_requests_get_a_friendly_chinese_page() {
    let database = crate::common::sqlite_database();
    let config = server::config::Config {
        rate_limit_burst: 3,
        rate_limit_refill_ms: 60_000,
        ..test_config(&database.url)
    };
    let app = spawn_with(config, Some(database)).await;
    for _ in 0..3 {
        assert_eq!(app.get("/contact").await.status(), StatusCode::OK);
    }
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK, "probes are outside the budget");
    let limited = app.post_form("/preferences/elder-mode", &[("enabled", "1")]).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().contains_key(header::RETRY_AFTER));
    assert!(limited.text().await.unwrap().contains("操作太频繁"));
    app.stop().await;
}

/// Requests of the budget test: a tight budget of three per client, with the given proxies trusted.
async fn app_with_three_requests_per_client(trusted_proxies: &str) -> crate::common::TestApp {
    let database = crate::common::sqlite_database();
    let config = server::config::Config {
        rate_limit_burst: 3,
        rate_limit_refill_ms: 600_000,
        trusted_proxies: trusted_proxies.into(),
        ..test_config(&database.url)
    };
    spawn_with(config, Some(database)).await
}

/// Simultaneous requests, each with its own forwarding header; the number answered 200.
async fn parallel_successes(app: &crate::common::TestApp, headers: Vec<(&'static str, String)>) -> usize {
    let requests: Vec<_> = headers
        .into_iter()
        .map(|(name, value)| {
            let request = app.client.get(app.url("/contact")).header(name, value);
            tokio::spawn(async move { request.send().await.unwrap().status() })
        })
        .collect();
    let mut successes = 0;
    for request in requests {
        successes += usize::from(request.await.unwrap() == StatusCode::OK);
    }
    successes
}

#[tokio::test]
async fn behind_a_configured_proxy_each_forwarded_client_has_its_own_budget() {
    let app = app_with_three_requests_per_client("127.0.0.1").await;
    let clients = ["198.51.100.1", "198.51.100.2", "2408:8456:1234:5678::1"];
    let mut headers = Vec::new();
    for client in clients {
        for _ in 0..5 {
            headers.push(("x-forwarded-for", format!("6.6.6.6, {client}")));
        }
    }
    // Five parallel requests per client: three each get through, whatever the client wrote further left.
    assert_eq!(parallel_successes(&app, headers).await, 9);
    // The same /64 is the same client; the standard header names the client as well.
    let same_prefix = vec![("forwarded", "for=\"[2408:8456:1234:5678::99]\"".to_string())];
    assert_eq!(parallel_successes(&app, same_prefix).await, 0);
    let other_prefix = vec![("forwarded", "for=\"[2408:8456:1234:5679::1]\"".to_string()); 4];
    assert_eq!(parallel_successes(&app, other_prefix).await, 3);
    app.stop().await;
}

#[tokio::test]
async fn forwarding_headers_from_an_untrusted_connection_buy_no_extra_budget() {
    for trusted in ["", "10.0.0.1"] {
        let app = app_with_three_requests_per_client(trusted).await;
        let spoofed = (0..12)
            .map(|i| {
                if i % 2 == 0 {
                    ("x-forwarded-for", format!("203.0.113.{i}"))
                } else {
                    ("forwarded", format!("for=203.0.113.{i}"))
                }
            })
            .collect();
        assert_eq!(parallel_successes(&app, spoofed).await, 3, "trusted proxies: {trusted:?}");
        app.stop().await;
    }
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    let (status, body) = app.page("/healthz").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    let (status, body) = app.page("/readyz").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ready"));
    app.stop().await;
}

#[tokio::test]
async fn data_survives_a_clean_restart() {
    let database = crate::common::sqlite_database();
    let app = spawn_with(test_config(&database.url), None).await;
    app.post_form("/preferences/elder-mode", &[("enabled", "1")]).await;
    app.stop().await;
    let again = spawn_with(test_config(&database.url), Some(database)).await;
    let (status, html) = again.page("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("78 个乡镇"));
    again.stop().await;
}

#[tokio::test]
async fn the_contact_page_lists_every_county_with_tap_to_call_lines() {
    let app = spawn_app().await;
    let (status, html) = app.page("/contact").await;
    assert_eq!(status, StatusCode::OK);
    for county in ["甘州区", "肃南裕固族自治县", "民乐县", "临泽县", "高台县", "山丹县"]
    {
        assert!(html.contains(&format!("<h2>{county}</h2>")), "{county}");
    }
    assert!(html.contains(r#"href="tel:12345""#));
    assert!(html.contains("暂未公布专门热线"), "counties without a line say so");
    let (_, home) = app.page("/").await;
    assert!(home.contains(r#"href="/contact""#), "the footer links to the contact page");
    app.stop().await;
}

/// Render once, serve many: a public page is kept for the configured time with an ETag, emptied by a
/// post on this instance, and kept apart for elder mode.
#[tokio::test]
async fn public_pages_are_served_from_the_page_cache_until_a_change() {
    let database = crate::common::sqlite_database();
    let config = server::config::Config { page_cache_seconds: 60, ..test_config(&database.url) };
    let app = spawn_with(config, Some(database)).await;
    let first = app.get("/announcements").await;
    assert_eq!(first.headers()[header::CACHE_CONTROL], "public, max-age=60");
    let etag = first.headers()[header::ETAG].clone();
    assert!(!first.text().await.unwrap().contains("停水通知"));
    let revalidated =
        app.client.get(app.url("/announcements")).header(header::IF_NONE_MATCH, &etag).send().await;
    assert_eq!(revalidated.unwrap().status(), StatusCode::NOT_MODIFIED);

    let store = server::store::open(&app.database_url).await.unwrap();
    let notice = app::domain::announcement::Announcement {
        id: 0,
        title: "停水通知".into(),
        body: "正文".into(),
        county_code: None,
        published_at: app.now(),
    };
    store.add_announcement(&notice, &|_| crate::common::by_test()).await.unwrap();
    store.close().await;
    let (_, html) = app.page("/announcements").await;
    assert!(!html.contains("停水通知"), "served from the cache: the database was changed behind its back");

    let elder = app.client.get(app.url("/announcements")).header(header::COOKIE, "elder_mode=1").send().await;
    assert!(elder.unwrap().text().await.unwrap().contains(r#"class="elder""#), "elder mode has its own copy");

    let response = app.post_form("/preferences/elder-mode", &[("enabled", "0"), ("back", "/")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page("/announcements").await;
    assert!(html.contains("停水通知"), "a post on this instance empties the cache");
    let private = app.get("/status").await;
    assert_eq!(private.headers()[header::CACHE_CONTROL], "private, no-cache", "other pages are not kept");
    app.stop().await;
}

/// Forms as a browser, a script or an attacker might post them: known and unknown field names with
/// printable, numeric or arbitrary text, repeated or missing.
fn generated_forms(count: usize) -> Vec<Vec<(String, String)>> {
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    let names = vec![
        "phone",
        "code",
        "name",
        "id_number",
        "types",
        "township",
        "village",
        "reason",
        "receipt",
        "shown",
        "reference",
        "username",
        "password",
        "kind",
        "index",
        "submission_key",
        "consent",
        "body",
        "amount",
        "members",
        "relation",
        "income",
        "contact_name",
        "contact_phone",
        "subject",
        "suspicion",
        "",
    ];
    let name = prop_oneof![proptest::sample::select(names).prop_map(String::from), "\\PC{0,12}"];
    let value = prop_oneof!["\\PC{0,60}", "[0-9Xx -]{0,20}", ".{0,4}", "\\PC{2000,3000}"];
    let form = proptest::collection::vec((name, value), 0..10);
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    (0..count).map(|_| form.new_tree(&mut runner).unwrap().current()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_form_posts_are_answered_without_a_server_error() {
    let database = crate::common::sqlite_database();
    let config = server::config::Config {
        rate_limit_burst: 1_000_000,
        sms_ip_burst: 1_000_000,
        reports_per_hour: 1_000_000,
        objections_per_hour: 1_000_000,
        receipt_checks_per_quarter_hour: 1_000_000,
        ..test_config(&database.url)
    };
    let app = spawn_with(config, Some(database)).await;
    // A verified resident, so that the form's steps read what is posted instead of starting over.
    app.verify_resident("13912345678", "王秀兰", &crate::common::id_number("62070219700101202")).await;
    // The resident's own steps first: the identity routes below start the session over.
    let routes = [
        ("/apply/form/types", false),
        ("/apply/form/household", false),
        ("/apply/form/income", false),
        ("/apply/documents", true),
        ("/apply/documents/remove", false),
        ("/apply/submit", false),
        ("/apply/identity/code", false),
        ("/apply/identity/verify", false),
        ("/apply/helper/code", false),
        ("/status/code", false),
        ("/status/verify", false),
        ("/status/withdraw", false),
        ("/status/material", true),
        ("/report", true),
        ("/report/check", false),
        ("/report/confirm", false),
        ("/report/reply", true),
        ("/notices/1/objection", true),
        ("/review/login", false),
        ("/preferences/elder-mode", false),
    ];
    let forms = generated_forms(24);
    let send = |path: &str, form: &[(String, String)], as_multipart: bool| {
        let request = app
            .client
            .post(app.url(path))
            .header("origin", app.url(""))
            .header("sec-fetch-site", "same-origin");
        let request = match as_multipart {
            false => request.form(form),
            true => request.multipart(
                form.iter().fold(reqwest::multipart::Form::new(), |f, (n, v)| f.text(n.clone(), v.clone())),
            ),
        };
        async move { request.send().await.unwrap().status() }
    };
    for (path, as_multipart) in routes {
        for form in &forms {
            let status = send(path, form, as_multipart).await;
            assert!(status.as_u16() < 500, "{path} answered {status} to {form:?}");
        }
    }
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    app.stop().await;
}
