//! `server backup` and `server restore`: a backup taken while residents submit restores into a fresh
//! folder, the restored portal serves the same case with its document, the audit chain verifies, and a
//! damaged backup or a folder already in use is refused. `server rotate-data-key`: after it, the portal
//! serves the same case, document and status lookup with the new key alone.

use crate::common::{
    id_number, location, multipart_form, photo_part, spawn_with, test_config, Reviewer, TestApp,
};
use app::domain::staff::Role;
use server::backup::{backup, restore};
use server::config::Secret;
use server::key_rotation::rotate;

const TOWNSHIP: &str = "620702001";

/// A complete application with one photographed document; its reference.
async fn apply_with_document(app: &TestApp, phone: &str, first_17: &str) -> String {
    app.verify_resident(phone, "王秀兰", &id_number(first_17)).await;
    crate::common::fill_in_everything(app, TOWNSHIP).await;
    let document =
        multipart_form(&[("kind", "hukou")]).part("document", photo_part(crate::common::GPS_PHOTO));
    assert_eq!(
        location(&app.post_multipart("/apply/documents", document).await),
        "/apply/form/check#documents"
    );
    let (_, check) = app.page("/apply/form/check").await;
    crate::common::submit_checked(app, &check).await
}

fn sqlite_in(dir: &std::path::Path) -> String {
    format!("sqlite://{}", dir.join("portal.db").display())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_under_load_restores_into_a_fresh_folder() {
    let live = tempfile::tempdir().unwrap();
    let app = spawn_with(test_config(&sqlite_in(live.path())), None).await;
    let reference = apply_with_document(&app, "13912340001", "62070219700101202").await;

    // More residents submit while the copy is taken.
    let copies = tempfile::tempdir().unwrap();
    let backup_dir = copies.path().join("backup");
    let others = residents_filling_in_their_forms(&app);
    let manifest = backup(&app.database_url, live.path(), &backup_dir).await.expect("backup while serving");
    for other in others {
        other.await.unwrap();
    }
    assert_eq!(manifest.database, "sqlite");
    assert!(manifest.files.iter().any(|f| f.path == "portal.db"), "the database is in the backup");
    assert!(manifest.files.iter().any(|f| f.path.starts_with("evidence/")), "so are the uploaded files");
    assert!(backup(&app.database_url, live.path(), &backup_dir).await.is_err(), "never into a used folder");
    app.stop().await;

    let fresh = tempfile::tempdir().unwrap();
    let restored_url = sqlite_in(fresh.path());
    restore(&restored_url, fresh.path(), &backup_dir).expect("the backup restores");
    assert_eq!(
        server::cli::verify_audit(&restored_url, &crate::common::anchor_key())
            .await
            .expect("the audit chain verifies"),
        {
            let store = server::store::open(&restored_url).await.unwrap();
            let entries = store.audit_records().await.unwrap().len();
            store.close().await;
            entries
        }
    );
    let err = restore(&restored_url, fresh.path(), &backup_dir).unwrap_err().to_string();
    assert!(err.contains("already holds a portal"), "{err}");

    let restored = spawn_with(test_config(&restored_url), None).await;
    assert!(document_of(&restored, &reference).await.starts_with(&[0xFF, 0xD8]), "the photo reads back");
    restored.stop().await;
    a_backup_with_one_changed_byte_is_refused_whole(&manifest, &backup_dir);
}

/// Three residents who verify their identity and fill in the form, each in a task of its own.
fn residents_filling_in_their_forms(app: &TestApp) -> Vec<tokio::task::JoinHandle<()>> {
    let mut others = Vec::new();
    for i in 0..3 {
        let resident = crate::common::attach(app.addr, &app.database_url);
        let outbox = app.outbox.clone();
        others.push(tokio::spawn(async move {
            let phone = format!("1391234010{i}");
            let asked = resident.post_form("/apply/identity/code", &[("phone", &phone)]).await;
            assert_eq!(location(&asked), "/apply/identity?step=code");
            let code = outbox.last_code_to(&phone).unwrap();
            let id = id_number(&format!("6207021980010110{i}"));
            let form = [("code", code.as_str()), ("name", "李四"), ("id_number", id.as_str())];
            assert_eq!(
                location(&resident.post_form("/apply/identity/verify", &form).await),
                "/apply/identity/done"
            );
            crate::common::fill_in_everything(&resident, TOWNSHIP).await;
        }));
    }
    others
}

/// One changed byte in the backup: refused before anything is written.
fn a_backup_with_one_changed_byte_is_refused_whole(
    manifest: &server::backup::Manifest,
    backup_dir: &std::path::Path,
) {
    let photo = manifest.files.iter().find(|f| f.path.starts_with("evidence/")).unwrap();
    let path = backup_dir.join(&photo.path);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[10] ^= 1;
    std::fs::write(&path, bytes).unwrap();
    let empty = tempfile::tempdir().unwrap();
    let err = restore(&sqlite_in(empty.path()), empty.path(), backup_dir).unwrap_err().to_string();
    assert!(err.contains("does not match the manifest"), "{err}");
    assert!(!empty.path().join("portal.db").exists(), "nothing restored from a damaged backup");
}

/// The document of the case `reference` as the township reviewer downloads it.
async fn document_of(app: &TestApp, reference: &str) -> Vec<u8> {
    let township = Reviewer::sign_in(app, "dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    let (_, page) = township.page(&format!("/review/case/{reference}")).await;
    assert!(page.contains(reference) && page.contains("申请材料·户口簿：照片"), "the case and its document");
    let store = server::store::open(&app.database_url).await.unwrap();
    let case = store.application_by_reference(reference).await.unwrap().unwrap();
    let file_id = store.case_files(case.id).await.unwrap()[0].id;
    let path = format!("/review/case/{reference}/file/{file_id}");
    township.client.get(app.url(&path)).send().await.unwrap().bytes().await.unwrap().to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn after_a_key_rotation_the_portal_serves_everything_with_the_new_key_alone() {
    let live = tempfile::tempdir().unwrap();
    let url = sqlite_in(live.path());
    let first_key = test_config(&url).data_key.expose().to_string();
    let new_key = "the second data key of this portal, long enough";
    let app = spawn_with(test_config(&url), None).await;
    let phone = "13912340201";
    let reference = apply_with_document(&app, phone, "62070219700101203").await;
    app.stop().await;

    // Instances restarted with both keys keep serving while the command runs.
    let rotating = server::config::Config {
        data_key: Secret::new(new_key),
        previous_data_key: Some(Secret::new(first_key.clone())),
        lookup_key: Some(Secret::new(first_key.clone())),
        ..test_config(&url)
    };
    let serving = spawn_with(rotating.clone(), None).await;
    let store = server::store::open(&url).await.unwrap();
    let evidence = live.path().join("evidence");
    let rotation = rotate(store.as_ref(), &rotating.sealer(), &evidence).await.unwrap();
    assert!(rotation.unreadable.is_empty(), "{:?}", rotation.unreadable);
    assert!(rotation.values >= 1 && rotation.files == 1, "the application and its photo: {rotation:?}");
    let again = rotate(store.as_ref(), &rotating.sealer(), &evidence).await.unwrap();
    assert_eq!((again.values, again.files), (0, 0), "a second run finds nothing left to do");
    let sealed = store.application_by_reference(&reference).await.unwrap().unwrap().sealed;
    assert!(app::sealing::Sealer::new(new_key).is_current(&sealed));
    let actions: Vec<String> =
        store.audit_records().await.unwrap().into_iter().map(|r| r.event.action).collect();
    assert!(
        actions.iter().any(|a| a == "data.resealed") && actions.iter().any(|a| a == "data.files_resealed")
    );
    store.close().await;
    serving.stop().await;

    let after = server::config::Config {
        data_key: Secret::new(new_key),
        lookup_key: Some(Secret::new(first_key)),
        ..test_config(&url)
    };
    let mut portal = spawn_with(after, None).await;
    assert!(document_of(&portal, &reference).await.starts_with(&[0xFF, 0xD8]), "the photo reads back");
    crate::common::check_status(&mut portal, &reference, phone).await;
    let (_, status) = portal.page("/status/view").await;
    assert!(status.contains(&reference), "the resident finds the case by phone: the lookup key stayed");
    portal.stop().await;
    let entries =
        server::cli::verify_audit(&url, &crate::common::anchor_key()).await.expect("the chain verifies");
    assert!(entries > 0);
}
