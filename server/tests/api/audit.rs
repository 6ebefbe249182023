//! The audit log over real HTTP and directly on the database: staff actions are recorded, the chain
//! verifies, a tampered row is found.

use crate::common::{spawn_app, TestApp};
use app::domain::staff::Role;
use sqlx::Connection;

#[tokio::test]
async fn staff_actions_are_chained_and_a_tampered_row_is_detected() {
    let app = spawn_app().await;
    app.create_staff("auditor", Role::CountyReviewer, "620702", "a long staff passphrase").await;
    app.post_form("/review/login", &[("username", "auditor"), ("password", "wrong wrong wrong")]).await;
    app.post_form("/review/login", &[("username", "auditor"), ("password", "a long staff passphrase")]).await;
    app.post_form("/review/logout", &[]).await;

    let store = server::store::open(&app.database_url).await.unwrap();
    let records = store.audit_records().await.unwrap();
    let actions: Vec<_> = records.iter().map(|r| r.event.action.as_str()).collect();
    assert_eq!(actions, ["staff.created", "staff.sign_in_failed", "staff.sign_in", "staff.sign_out"]);
    assert_eq!(server::cli::verify_audit(&app.database_url, &crate::common::anchor_key()).await.unwrap(), 4);

    let mut db = sqlx::SqliteConnection::connect(&app.database_url).await.unwrap();
    let refused =
        sqlx::query("UPDATE audit_log SET detail = 'nothing happened' WHERE id = 3").execute(&mut db).await;
    assert!(refused.unwrap_err().to_string().contains("append-only"), "the table refuses changes");
    let refused = sqlx::query("DELETE FROM audit_log WHERE id = 3").execute(&mut db).await;
    assert!(refused.is_err());

    // Someone with direct access to the file goes around the trigger: the chain still tells.
    sqlx::query("DROP TRIGGER audit_log_no_update").execute(&mut db).await.unwrap();
    sqlx::query("UPDATE audit_log SET actor = 'staff:999' WHERE id = 3").execute(&mut db).await.unwrap();
    let err = server::cli::verify_audit(&app.database_url, &crate::common::anchor_key()).await.unwrap_err();
    assert_eq!(err.to_string(), "audit entry 3 was changed after it was written");
    app.stop().await;
}

/// Rows of `table` in the test's SQLite database.
async fn count(db: &mut sqlx::SqliteConnection, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(db).await.unwrap()
}

#[tokio::test]
async fn a_change_whose_audit_entry_cannot_be_written_is_not_stored_either() {
    let app = spawn_app().await;
    app.create_staff("admin", Role::Administrator, "city", "a long staff passphrase").await;
    app.post_form("/review/login", &[("username", "admin"), ("password", "a long staff passphrase")]).await;
    app.verify_resident("13800001234", "王芳", &crate::common::id_number("62070219700101202")).await;
    crate::common::fill_in_everything(&app, "620702001").await;
    let (_, check) = app.page("/apply/form/check").await;
    let key = crate::common::submission_key(&check);
    let submit = [("submission_key", key.as_str()), ("consent", "yes")];
    // The audit log refuses every new entry (a full disk, a broken trigger): each change fails whole.
    let mut db = sqlx::SqliteConnection::connect(&app.database_url).await.unwrap();
    let entries = count(&mut db, "audit_log").await;
    sqlx::query(
        "CREATE TRIGGER audit_log_unavailable BEFORE INSERT ON audit_log
         BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END",
    )
    .execute(&mut db)
    .await
    .unwrap();
    each_change_fails_whole(&app, &submit, &mut db, entries).await;
    // Once the log takes entries again, the same posts go through, each with its entry.
    sqlx::query("DROP TRIGGER audit_log_unavailable").execute(&mut db).await.unwrap();
    each_change_goes_through_with_its_entry(&app, &submit, entries).await;
    // A change that changes nothing writes no entry.
    let removed = app.post_form("/admin/hotlines/remove", &[("id", "999999")]).await;
    assert_eq!(crate::common::location(&removed), "/admin#hotlines");
    assert_eq!(count(&mut db, "audit_log").await, entries + 3);
    assert_eq!(
        server::cli::verify_audit(&app.database_url, &crate::common::anchor_key()).await.unwrap(),
        entries as usize + 3
    );
    app.stop().await;
}

/// An administrator's change tried here, beside an application and a report.
const HOTLINE: [(&str, &str); 3] =
    [("county", "620702"), ("label", "甘州区救助热线"), ("number", "0936-8212345")];

fn report_form() -> reqwest::multipart::Form {
    crate::common::multipart_form(&[
        ("township", "620702001"),
        ("subject", "西街村 李某"),
        ("suspicion", "hidden_assets"),
        ("description", "家里有两套房和一辆小轿车，却一直领着低保，村里人都知道。"),
    ])
}

async fn each_change_fails_whole(
    app: &TestApp,
    submit: &[(&str, &str)],
    db: &mut sqlx::SqliteConnection,
    entries: i64,
) {
    assert_eq!(app.post_form("/apply/submit", submit).await.status(), 500);
    assert_eq!(app.post_form("/admin/hotlines", &HOTLINE).await.status(), 500);
    assert_eq!(app.post_multipart("/report", report_form()).await.status(), 500);
    assert_eq!(count(db, "applications").await, 0, "no application without its audit entry");
    assert_eq!(count(db, "reports").await, 0, "no report without its audit entry");
    let hotlines: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM hotlines WHERE label = '甘州区救助热线'")
        .fetch_one(&mut *db)
        .await
        .unwrap();
    assert_eq!(hotlines, 0, "no hotline without its audit entry");
    assert_eq!(count(db, "audit_log").await, entries);
}

async fn each_change_goes_through_with_its_entry(app: &TestApp, submit: &[(&str, &str)], entries: i64) {
    assert!(crate::common::location(&app.post_form("/apply/submit", submit).await)
        .starts_with("/apply/submitted/"));
    assert_eq!(
        crate::common::location(&app.post_form("/admin/hotlines", &HOTLINE).await),
        "/admin?saved=hotline#hotlines"
    );
    assert_eq!(app.post_multipart("/report", report_form()).await.status(), 303);
    let store = server::store::open(&app.database_url).await.unwrap();
    let actions: Vec<_> = store
        .audit_records()
        .await
        .unwrap()
        .into_iter()
        .skip(entries as usize)
        .map(|r| r.event.action)
        .collect();
    assert_eq!(actions, ["application.submitted", "admin.hotline_added", "report.filed"]);
}

#[tokio::test]
async fn removing_the_newest_entries_is_found_through_the_signed_anchor() {
    let database = crate::common::sqlite_database();
    let config =
        server::config::Config { audit_anchor_seconds: 1, ..crate::common::test_config(&database.url) };
    let app = crate::common::spawn_with(config, Some(database)).await;
    app.create_staff("auditor", Role::CountyReviewer, "620702", "a long staff passphrase").await;
    app.post_form("/review/login", &[("username", "auditor"), ("password", "a long staff passphrase")]).await;
    let store = server::store::open(&app.database_url).await.unwrap();
    let head = store.audit_records().await.unwrap().last().unwrap().id;
    // The instance anchors the head within a second.
    for _ in 0..50 {
        if store.audit_anchors().await.unwrap().iter().any(|a| a.entry_id == head) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(server::cli::verify_audit(&app.database_url, &crate::common::anchor_key()).await.unwrap(), 2);
    let forged =
        server::cli::verify_audit(&app.database_url, "a key the attacker made up").await.unwrap_err();
    assert!(forged.to_string().contains("not signed with this anchor key"), "{forged}");

    // Someone with the database file removes the newest entry: the chain alone still links.
    let mut db = sqlx::SqliteConnection::connect(&app.database_url).await.unwrap();
    sqlx::query("DROP TRIGGER audit_log_no_delete").execute(&mut db).await.unwrap();
    sqlx::query("DELETE FROM audit_log WHERE id = $1").bind(head).execute(&mut db).await.unwrap();
    assert_eq!(app::audit::verify_chain(&store.audit_records().await.unwrap()), Ok(1));
    let err = server::cli::verify_audit(&app.database_url, &crate::common::anchor_key()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "the audit log ends at entry 1 but entry {head} was anchored: the newest entries were removed"
        )
    );
    app.stop().await;
}
