//! The audit log over real HTTP and directly on the database: staff actions are recorded, the chain
//! verifies, a tampered row is found.

mod common;

use app::domain::staff::Role;
use common::spawn_app;
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
    assert_eq!(actions, ["staff.sign_in_failed", "staff.sign_in", "staff.sign_out"]);
    assert_eq!(server::cli::verify_audit(&app.database_url).await.unwrap(), 3);

    let mut db = sqlx::SqliteConnection::connect(&app.database_url).await.unwrap();
    let refused =
        sqlx::query("UPDATE audit_log SET detail = 'nothing happened' WHERE id = 2").execute(&mut db).await;
    assert!(refused.unwrap_err().to_string().contains("append-only"), "the table refuses changes");
    let refused = sqlx::query("DELETE FROM audit_log WHERE id = 2").execute(&mut db).await;
    assert!(refused.is_err());

    // Someone with direct access to the file goes around the trigger: the chain still tells.
    sqlx::query("DROP TRIGGER audit_log_no_update").execute(&mut db).await.unwrap();
    sqlx::query("UPDATE audit_log SET actor = 'staff:999' WHERE id = 2").execute(&mut db).await.unwrap();
    let err = server::cli::verify_audit(&app.database_url).await.unwrap_err();
    assert_eq!(err.to_string(), "audit entry 2 was changed after it was written");
    app.stop().await;
}
