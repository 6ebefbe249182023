//! Public statistics over HTTP: the page and the CSV agree, and small counts are hidden in both.

use crate::common::{new_application, spawn_app};
use app::domain::workflow::Status;
use reqwest::header;
use std::time::{Duration, Instant};

/// Stores `count` approved applications in `township`, each decided ten days after it was submitted.
async fn approved(store: &dyn app::store::Store, township: &str, count: usize) {
    for i in 0..count {
        let mut case = new_application(
            &format!("ZY20261129-{township}{i}"),
            &format!("{township}-{i}"),
            township,
            "2027-01-12",
        );
        case.record.status = Status::Approved;
        case.event.action = "approve".into();
        case.event.at += 10 * 86_400;
        store.submit_application(&case).await.unwrap();
    }
}

#[tokio::test]
async fn statistics_hide_small_counts_on_the_page_and_in_the_csv() {
    let app = spawn_app().await;
    let store = server::store::open(&app.database_url).await.unwrap();
    approved(store.as_ref(), "620702001", 2).await;
    approved(store.as_ref(), "620702002", 6).await;
    approved(store.as_ref(), "620702003", 9).await;
    store.close().await;

    let (status, html) = app.page("/stats").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert!(html.contains("<svg") && html.contains("chart-bar"), "a chart drawn on the server");
    assert!(html.contains("甘州区：收到17，批准17"), "the county total is published");

    let response = app.get("/stats.csv").await;
    assert!(response.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    let csv = response.text().await.unwrap();
    let line = |code: &str| csv.lines().find(|l| l.contains(&format!(",{code},"))).unwrap().to_string();
    // The recipient columns count the register's records in force (`tests/register.rs`); these
    // approvals were stored without the approval step that creates them.
    assert!(line("620702").starts_with("县区,620702,甘州区,17,17,0,8,0,"), "{}", line("620702"));
    let first: Vec<String> = line("620702001").split(',').map(String::from).collect();
    assert_eq!(first[3..6], ["<5", "<5", "0"], "two approvals are hidden");
    let second: Vec<String> = line("620702002").split(',').map(String::from).collect();
    assert_eq!(second[3], "<5", "six is hidden too, or 17 - 9 - 6 would give the two away");
    let third: Vec<String> = line("620702003").split(',').map(String::from).collect();
    assert_eq!(
        (third[3].as_str(), third[6].as_str()),
        ("9", "8"),
        "nine cases, a median of eight working days"
    );
    assert!(!csv.contains(",2,"), "the hidden count appears nowhere");
    app.stop().await;
}

/// An app whose statistics are refreshed every `seconds`, once its first snapshot is published.
async fn spawn_refreshing(seconds: u64) -> (crate::common::TestApp, std::sync::Arc<dyn app::store::Store>) {
    let database = crate::common::sqlite_database();
    let config = server::config::Config {
        statistics_refresh_seconds: seconds,
        ..crate::common::test_config(&database.url)
    };
    let app = crate::common::spawn_with(config, Some(database)).await;
    let store = server::store::open(&app.database_url).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while store.statistics_snapshot().await.unwrap().is_none() {
        assert!(Instant::now() < deadline, "a snapshot is published at start-up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (app, store)
}

/// In production the pages read a snapshot that a background task refreshes; the page says when.
#[tokio::test]
async fn the_pages_serve_the_snapshot_and_it_is_refreshed_in_the_background() {
    let (hourly, store) = spawn_refreshing(3600).await;
    approved(store.as_ref(), "620702003", 9).await;
    let (_, html) = hourly.page("/stats").await;
    assert!(html.contains("甘州区：收到0，批准0"), "the page does not read the applications");
    assert!(html.contains("统计时间："), "it says when the figures were computed");
    store.close().await;
    hourly.stop().await;

    let (every_second, store) = spawn_refreshing(1).await;
    approved(store.as_ref(), "620702003", 9).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut html = String::new();
    while !html.contains("甘州区：收到9，批准9") && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        html = every_second.page("/stats").await.1;
    }
    assert!(html.contains("甘州区：收到9，批准9"), "the next refresh counts the new cases");
    store.close().await;
    every_second.stop().await;
}
