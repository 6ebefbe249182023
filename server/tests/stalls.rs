//! A guard against stalls, not a speed figure (speed is measured by `scripts/bench.sh`): every public
//! page answers 64 simultaneous requests, each within a second, on both back ends.

mod common;

use common::{postgres_database, spawn_with, sqlite_database, test_config, TestApp, TestDatabase};
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

async fn serve(database: TestDatabase) -> TestApp {
    // The per-client budgets would answer 429 to one address sending this much; they are not under test.
    let config = server::config::Config {
        rate_limit_burst: 1_000_000,
        rate_limit_refill_ms: 1,
        list_pages_per_minute: 1_000_000,
        ..test_config(&database.url)
    };
    spawn_with(config, Some(database)).await
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
async fn no_public_page_stalls_under_64_simultaneous_requests_on_postgres() {
    let Some(database) = postgres_database().await else { return };
    no_public_page_stalls(serve(database).await).await;
}
