//! Staff sign-in, growing waits after wrong passwords, sign-out and password change over real HTTP.

use crate::common::{spawn_app, TestApp};
use app::domain::staff::Role;
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

/// A browser on another address of this machine (the tests' loopback /8): another client.
fn client_at(address: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(address.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap()
}

async fn sign_in_from(app: &TestApp, client: &reqwest::Client, username: &str, password: &str) -> String {
    let response = client
        .post(app.url("/review/login"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .unwrap();
    location(&response).to_string()
}

#[tokio::test]
async fn wrong_passwords_make_one_client_wait_longer_and_longer_the_same_way_for_unknown_users() {
    let app = spawn_app().await;
    app.create_staff("ganzhou", Role::CountyReviewer, "620702", PASSWORD).await;

    for user in ["ganzhou", "nobody"] {
        for attempt in 1..=5 {
            let response = sign_in(&app, user, "wrong password!!").await;
            assert_eq!(location(&response), format!("/review/login?error=invalid&user={user}"), "{attempt}");
        }
        let sixth = sign_in(&app, user, PASSWORD).await;
        assert_eq!(location(&sixth), format!("/review/login?error=wait&minutes=1&user={user}"), "{user}");
        assert!(sixth.headers().get(header::SET_COOKIE).is_none(), "the right password waits too");
    }
    let (_, html) = app.page("/review/login?error=invalid&user=ganzhou").await;
    assert!(html.contains("用户名或密码不正确") && html.contains(r#"value="ganzhou""#));
    let (_, html) = app.page("/review/login?error=wait&minutes=1&user=ganzhou").await;
    assert!(html.contains("密码输错次数过多，请1分钟后再试"), "{html}");

    // The stranger's failures do not lock the owner out: another client signs in at once.
    let owner = client_at("127.0.0.2");
    assert_eq!(sign_in_from(&app, &owner, "ganzhou", PASSWORD).await, "/review");
    let store = server::store::open(&app.database_url).await.unwrap();
    let audit = store.audit_records().await.unwrap();
    let failures = audit.iter().filter(|r| r.event.action == "staff.sign_in_failed").count();
    assert_eq!(failures, 10, "every compared wrong password is audited, the refused tries are not");
    store.close().await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_guesses_compare_five_passwords_at_most() {
    let app = spawn_app().await;
    app.create_staff("ganzhou", Role::CountyReviewer, "620702", PASSWORD).await;
    let guesses: Vec<_> = (0..30)
        .map(|i| {
            let (client, url) = (TestApp::new_client(), app.url("/review/login"));
            let guess = format!("wrong guess {i}");
            tokio::spawn(async move {
                let form = [("username", "ganzhou"), ("password", guess.as_str())];
                let response =
                    client.post(url).header("sec-fetch-site", "same-origin").form(&form).send().await;
                location(&response.unwrap()).to_string()
            })
        })
        .collect();
    let mut compared = 0;
    for guess in guesses {
        let answer = guess.await.unwrap();
        compared += usize::from(answer.contains("error=invalid"));
        assert!(answer.contains("error=invalid") || answer.contains("error=wait"), "{answer}");
    }
    assert_eq!(compared, 5, "five tries were counted before any comparison; the rest waited");
    assert!(location(&sign_in(&app, "ganzhou", PASSWORD).await).contains("error=wait"));
    app.stop().await;
}

#[tokio::test]
async fn signing_out_ends_the_session_even_for_a_copied_token() {
    let app = spawn_app().await;
    app.create_staff("dongjie", Role::TownshipReviewer, "620702001", PASSWORD).await;
    let response = sign_in(&app, "dongjie", PASSWORD).await;
    let cookie =
        response.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    let copy = TestApp::new_client();
    let with_copy = || copy.get(app.url("/review")).header(header::COOKIE, cookie.as_str()).send();
    assert_eq!(with_copy().await.unwrap().status(), StatusCode::OK, "the copy works while signed in");
    app.post_form("/review/logout", &[]).await;
    let after = with_copy().await.unwrap();
    assert_eq!(after.status(), StatusCode::FOUND, "the copied token opens nothing after signing out");
    assert_eq!(location(&after), "/review/login");
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
    let store = server::store::open(&app.database_url).await.unwrap();
    let audit = store.audit_records().await.unwrap();
    assert!(
        audit.iter().any(|r| r.event.action == "staff.password_change_failed"),
        "a wrong current password is audited"
    );
    store.close().await;

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
