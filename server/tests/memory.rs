//! Memory under a flood of oversized failed posts. A test binary of its own: it reads the resident
//! memory of its process, which in the HTTP suite's binary would count every test running beside it
//! (CI saw 38 MiB of growth there that was other tests' pages and databases).

#[path = "api/common.rs"]
mod common;

use common::{spawn_with, test_config};
use reqwest::StatusCode;

/// Resident memory of this process (the test and the server it runs), in MiB.
fn resident_mebibytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|line| line.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() / 1024
}

#[tokio::test]
async fn a_flood_of_oversized_failed_posts_keeps_memory_and_the_failed_form_table_bounded() {
    let database = common::sqlite_database();
    let config = server::config::Config {
        reports_per_hour: 1_000_000,
        rate_limit_burst: 1_000_000,
        ..test_config(&database.url)
    };
    let app = spawn_with(config, Some(database)).await;
    // 200 report posts, ten at a time, each with about 1 MB in every text field: all refused.
    // Memory is compared between the 5th and the 20th round, not from the start: the allocator
    // keeps what the first rounds needed (more on machines with more cores, hence more arenas).
    // A text field is read up to 64 KB, so anything kept per post would grow by at least 384 KB a
    // post, 57 MB over the last 150 (measured: 0 MiB, alone and in the whole suite; 22 MiB alone
    // when every field was held whole).
    let huge = "很".repeat(340_000);
    let mut before = 0;
    for round in 0..20 {
        if round == 5 {
            before = resident_mebibytes();
        }
        let posts: Vec<_> = (0..10)
            .map(|_| {
                let fields =
                    ["township", "subject", "suspicion", "description", "contact_name", "contact_phone"];
                let form = fields
                    .iter()
                    .fold(reqwest::multipart::Form::new(), |form, field| form.text(*field, huge.clone()));
                let request = app
                    .client
                    .post(app.url("/report"))
                    .header("origin", app.url(""))
                    .header("sec-fetch-site", "same-origin")
                    .multipart(form);
                tokio::spawn(async move { request.send().await.unwrap().status() })
            })
            .collect();
        for post in posts {
            assert_eq!(post.await.unwrap(), StatusCode::SEE_OTHER);
        }
    }
    let grown = resident_mebibytes().saturating_sub(before);
    assert!(grown < 32, "resident memory grew by {grown} MiB over the last 150 posts");
    // Each failed form keeps only what the form's inputs take.
    let mut db = <sqlx::SqliteConnection as sqlx::Connection>::connect(&app.database_url).await.unwrap();
    let (entries, largest): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), MAX(LENGTH(sealed)) FROM form_flash")
            .fetch_one(&mut db)
            .await
            .unwrap();
    assert_eq!(entries, 200);
    assert!(largest < 16 * 1024, "largest kept form: {largest} bytes");
    app.stop().await;
}
