//! Staff sign-in, lockout, sign-out and password change over real HTTP.

mod common;

use app::domain::staff::Role;
use common::{spawn_app, TestApp};
use reqwest::{header, StatusCode};

const PASSWORD: &str = "a long staff passphrase";

async fn sign_in(app: &TestApp, username: &str, password: &str) -> reqwest::Response {
    app.post_form("/review/login", &[("username", username), ("password", password)]).await
}

fn location(response: &reqwest::Response) -> &str {
    response.headers()[header::LOCATION].to_str().unwrap()
}

#[tokio::test]
async fn a_township_reviewer_signs_in_sees_their_scope_and_signs_out() {
    let app = spawn_app().await;
    app.create_staff("dongjie", Role::TownshipReviewer, "620702001", PASSWORD).await;

    let response = sign_in(&app, "dongjie", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/review");
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.starts_with("staff_session=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
    );

    let (status, html) = app.page("/review").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("dongjie同志") && html.contains("乡镇（街道）审核"));
    assert!(html.contains("甘州区东街街道"), "scope in words");
    assert!(html.contains("审核队列") && html.contains("共 0 件"), "an empty queue of its own township");

    let response = app.post_form("/review/logout", &[]).await;
    assert_eq!(location(&response), "/review/login?signed_out=1");
    let response = app.get("/review").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(location(&response), "/review/login");
    app.stop().await;
}

#[tokio::test]
async fn without_a_session_staff_pages_send_you_to_sign_in() {
    let app = spawn_app().await;
    for path in ["/review", "/review/password"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::FOUND, "{path}");
        assert_eq!(location(&response), "/review/login", "{path}");
    }
    let forged = app
        .client
        .get(app.url("/review"))
        .header(
            header::COOKIE,
            "staff_session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjEsInZlciI6MCwiZXhwIjo5OTk5OTk5OTk5fQ.x",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FOUND, "a token with a bad signature is no session");
    app.stop().await;
}

#[tokio::test]
async fn wrong_passwords_are_refused_the_same_way_for_unknown_users_and_five_lock_the_account() {
    let app = spawn_app().await;
    app.create_staff("ganzhou", Role::CountyReviewer, "620702", PASSWORD).await;

    let unknown = sign_in(&app, "nobody", PASSWORD).await;
    assert_eq!(location(&unknown), "/review/login?error=invalid&user=nobody");
    for attempt in 1..=4 {
        let response = sign_in(&app, "ganzhou", "wrong password!!").await;
        assert_eq!(location(&response), "/review/login?error=invalid&user=ganzhou", "attempt {attempt}");
    }
    let (_, html) = app.page("/review/login?error=invalid&user=ganzhou").await;
    assert!(html.contains("用户名或密码不正确") && html.contains(r#"value="ganzhou""#));

    let fifth = sign_in(&app, "ganzhou", "wrong password!!").await;
    assert_eq!(location(&fifth), "/review/login?error=locked&user=ganzhou");
    let right_but_locked = sign_in(&app, "ganzhou", PASSWORD).await;
    assert_eq!(location(&right_but_locked), "/review/login?error=locked&user=ganzhou");
    assert!(right_but_locked.headers().get(header::SET_COOKIE).is_none());
    let (_, html) = app.page("/review/login?error=locked").await;
    assert!(html.contains("账号已锁定15分钟"));
    app.stop().await;
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions() {
    let app = spawn_app().await;
    app.create_staff("county", Role::CountyReviewer, "620721", PASSWORD).await;
    sign_in(&app, "county", PASSWORD).await;

    // The same account signed in on a second computer.
    let other = TestApp::new_client();
    other
        .post(app.url("/review/login"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("username", "county"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(other.get(app.url("/review")).send().await.unwrap().status(), StatusCode::OK);

    let too_short = app
        .post_form("/review/password", &[("current", PASSWORD), ("new", "short"), ("confirm", "short")])
        .await;
    assert_eq!(location(&too_short), "/review/password?error=too_short");
    let new = "another long passphrase";
    let wrong = app
        .post_form("/review/password", &[("current", "not it at all"), ("new", new), ("confirm", new)])
        .await;
    assert_eq!(location(&wrong), "/review/password?error=wrong_current");

    let changed =
        app.post_form("/review/password", &[("current", PASSWORD), ("new", new), ("confirm", new)]).await;
    assert_eq!(location(&changed), "/review?password_changed=1");
    assert_eq!(app.get("/review").await.status(), StatusCode::OK, "this session continues");
    assert_eq!(
        other.get(app.url("/review")).send().await.unwrap().status(),
        StatusCode::FOUND,
        "the other ends"
    );

    assert_eq!(location(&sign_in(&app, "county", PASSWORD).await), "/review/login?error=invalid&user=county");
    assert_eq!(location(&sign_in(&app, "county", new).await), "/review");
    app.stop().await;
}
