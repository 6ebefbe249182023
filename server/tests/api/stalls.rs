//! A guard against stalls, not a speed figure (speed is measured by `scripts/bench.sh`): every public
//! page answers 64 simultaneous requests, each within a second, on both back ends.

use crate::common::{postgres_database, spawn_with, sqlite_database, test_config, TestApp, TestDatabase};
use reqwest::StatusCode;
use std::time::{Duration, Instant};

const SIMULTANEOUS: usize = 64;
const LONGEST_WAIT: Duration = Duration::from_secs(1);

/// Every page anyone may open without signing in (the report pages are `no-store`, not a reason to skip
/// them). `/notices/recipients` needs a township.
const PUBLIC_PAGES: [&str; 14] = [
    "/",
    "/apply",
    "/apply/identity",
    "/apply/helper",
    "/status",
    "/notices",
    "/notices/recipients?township=620702001",
    "/guide",
    "/contact",
    "/stats",
    "/stats.csv",
    "/announcements",
    "/report",
    "/review/login",
];

/// The per-client budgets would answer 429 to one address sending this much; they are not under test.
fn budgets_lifted(database: &TestDatabase) -> server::config::Config {
    server::config::Config {
        rate_limit_burst: 1_000_000,
        rate_limit_refill_ms: 1,
        list_pages_per_minute: 1_000_000,
        ..test_config(&database.url)
    }
}

async fn serve(database: TestDatabase) -> TestApp {
    spawn_with(budgets_lifted(&database), Some(database)).await
}

/// A stalled page never answers: give up on it after this long, and count it as waiting this long.
const GIVE_UP: Duration = Duration::from_secs(10);

/// Sends `SIMULTANEOUS` requests for `path` at once, each on its own connection, and returns the slowest
/// answer's time; every answer must be 200.
async fn slowest_of_many(app: &TestApp, path: &str) -> Duration {
    let requests: Vec<_> = (0..SIMULTANEOUS)
        .map(|_| {
            // A client each: one shared client would queue the requests on a few pooled connections.
            let client =
                reqwest::Client::builder().pool_max_idle_per_host(0).timeout(GIVE_UP).build().unwrap();
            let url = app.url(path);
            tokio::spawn(async move {
                let started = Instant::now();
                let response = client.get(url).send().await.ok()?;
                let status = response.status();
                response.bytes().await.ok()?;
                Some((status, started.elapsed()))
            })
        })
        .collect();
    let mut slowest = Duration::ZERO;
    for request in requests {
        let Some((status, took)) = request.await.expect("request task") else { return GIVE_UP };
        assert_eq!(status, StatusCode::OK, "{path}");
        slowest = slowest.max(took);
    }
    slowest
}

async fn no_public_page_stalls(app: TestApp) {
    // Warm up once, so that first-use costs (statement caches, lazily built tables) are not counted.
    for path in PUBLIC_PAGES {
        assert_eq!(app.get(path).await.status(), StatusCode::OK, "{path}");
    }
    let mut stalled = Vec::new();
    for path in PUBLIC_PAGES {
        let slowest = slowest_of_many(&app, path).await;
        if slowest > LONGEST_WAIT {
            stalled.push(format!("{path}: {slowest:?}"));
        }
    }
    assert!(stalled.is_empty(), "requests waited over {LONGEST_WAIT:?}: {stalled:?}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_public_page_stalls_under_64_simultaneous_requests_on_sqlite() {
    no_public_page_stalls(serve(sqlite_database()).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_public_page_stalls_under_64_simultaneous_requests_on_serving_threads_of_their_own() {
    let database = sqlite_database();
    let config = server::config::Config { serving_threads: 2, ..budgets_lifted(&database) };
    no_public_page_stalls(spawn_with(config, Some(database)).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_public_page_stalls_under_64_simultaneous_requests_on_postgres() {
    let Some(database) = postgres_database().await else { return };
    no_public_page_stalls(serve(database).await).await;
}

/// An instance (on SQLite) that serves two requests at a time; the per-client budgets are out of the way.
async fn two_at_a_time() -> TestApp {
    let database = sqlite_database();
    let config = server::config::Config {
        rate_limit_burst: 1_000_000,
        rate_limit_refill_ms: 1,
        max_concurrent_requests: 2,
        ..test_config(&database.url)
    };
    spawn_with(config, Some(database)).await
}

/// Beyond the concurrency limit a request is answered 503 at once with a page that says to wait, and
/// `Retry-After`; the health and readiness probes still answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn beyond_the_concurrency_limit_requests_get_a_busy_page_and_probes_still_answer() {
    let app = two_at_a_time().await;
    let get = |path: &str| {
        let client = reqwest::Client::builder().pool_max_idle_per_host(0).timeout(GIVE_UP).build().unwrap();
        let url = app.url(path);
        tokio::spawn(async move {
            let response = client.get(url).send().await.unwrap();
            let (status, headers) = (response.status(), response.headers().clone());
            (status, headers.get(reqwest::header::RETRY_AFTER).cloned(), response.text().await.unwrap())
        })
    };
    let pages: Vec<_> = (0..200).map(|_| get("/")).collect();
    let probes: Vec<_> = (0..20).map(|i| get(if i % 2 == 0 { "/healthz" } else { "/readyz" })).collect();
    let mut shed = 0;
    for page in pages {
        let (status, retry_after, body) = page.await.unwrap();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            shed += 1;
            assert_eq!(retry_after.unwrap(), "5");
            assert!(body.contains("访问人数较多") && body.contains("请稍等一会儿再试"), "{body}");
        } else {
            assert_eq!(status, StatusCode::OK);
        }
    }
    assert!(shed > 0, "two at a time cannot serve two hundred at once");
    for probe in probes {
        assert_eq!(probe.await.unwrap().0, StatusCode::OK, "probes bypass the limit");
    }
    app.stop().await;
}

/// The limit is the instance's, not a route's: two posts to two other routes whose bodies never finish
/// arriving hold both places, and the home page is then answered 503 (one limit per route would let it
/// through).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_concurrency_limit_counts_every_route_together() {
    use tokio::io::AsyncWriteExt;
    let app = two_at_a_time().await;
    let mut held = Vec::new();
    for path in ["/report", "/status/code"] {
        let mut socket = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: 1000\r\n\r\nreference=",
            app.addr
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        held.push(socket);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let home = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(
        home.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "both places are held by the unfinished posts"
    );
    drop(held);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.client.get(app.url("/")).send().await.unwrap().status(), StatusCode::OK);
    app.stop().await;
}

/// Reads until the server closes the connection; false if it is still open after `GIVE_UP`.
async fn closed_by_the_server(socket: &mut tokio::net::TcpStream) -> bool {
    use tokio::io::AsyncReadExt;
    let mut answer = [0u8; 4096];
    let until_closed = async {
        while let Ok(read) = socket.read(&mut answer).await {
            if read == 0 {
                break;
            }
        }
    };
    tokio::time::timeout(GIVE_UP, until_closed).await.is_ok()
}

/// A connection that sends no whole request head within `connection_idle_seconds` is closed: one
/// sending half a head (a slow-loris client holding connections), one idle after its answer. A stopping
/// server does not wait for them: it used to wait for ever for a half-sent head.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_without_a_whole_request_are_closed_and_do_not_hold_a_stopping_server() {
    use tokio::{io::AsyncWriteExt, net::TcpStream};
    let database = sqlite_database();
    let config = server::config::Config { connection_idle_seconds: 1, ..test_config(&database.url) };
    let app = spawn_with(config, Some(database)).await;
    let mut half_a_head = TcpStream::connect(app.addr).await.unwrap();
    half_a_head.write_all(b"GET / HTTP/1.1\r\nHost: portal\r\n").await.unwrap();
    let mut idle = TcpStream::connect(app.addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: portal\r\n\r\n").await.unwrap();
    assert!(closed_by_the_server(&mut half_a_head).await, "half a head for a second: closed");
    assert!(closed_by_the_server(&mut idle).await, "idle for a second after its answer: closed");

    let mut stalled = TcpStream::connect(app.addr).await.unwrap();
    stalled.write_all(b"GET / HTTP/1.1\r\nHost: portal\r\n").await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    tokio::time::timeout(GIVE_UP, app.stop()).await.expect("the server stops though a client stalls");
}
