//! Two instances of the server on one PostgreSQL database behave as one: a resident's requests may
//! land on either (as behind a load balancer without sticky sessions), and the SMS workers of both
//! share one queue. Runs when `TEST_DATABASE_URL` is set (the test command sets it).

use crate::common::{
    id_number, location, postgres_database, spawn_with_clock, test_config, Reviewer, TestApp,
};
use app::domain::staff::Role;
use app::sms::SmsMessage;
use reqwest::StatusCode;
use std::time::{Duration, Instant};

const PHONE: &str = "13912340077";
const NAME: &str = "王秀兰";

async fn two_instances() -> Option<(TestApp, TestApp, tempfile::TempDir)> {
    let Some(database) = postgres_database().await else {
        eprintln!("TEST_DATABASE_URL not set: the two-instance test needs PostgreSQL and was not run");
        return None;
    };
    // Uploaded files live on storage both instances share, as the README asks of such deployments.
    let shared_files = tempfile::tempdir().unwrap();
    let config = || server::config::Config {
        data_dir: shared_files.path().to_path_buf(),
        ..test_config(&database.url)
    };
    // And one clock, as machines kept in time do.
    let clock = std::sync::Arc::new(crate::common::TestClock::default());
    let first = spawn_with_clock(config(), None, clock.clone()).await;
    let mut second = spawn_with_clock(config(), Some(database), clock).await;
    second.client = first.client.clone(); // one browser: its cookies go to either instance
    Some((first, second, shared_files))
}

fn status_updates(instances: [&TestApp; 2]) -> usize {
    let to_phone = instances.iter().flat_map(|app| app.outbox.messages_to(PHONE));
    to_phone.filter(|m| matches!(m, SmsMessage::StatusUpdate { .. })).count()
}

#[tokio::test]
async fn a_resident_and_a_reviewer_can_be_served_by_either_instance() {
    let Some((a, b, _files)) = two_instances().await else { return };

    // Identity: the code is asked on one instance, a mistyped form fails on the other, and the page
    // after the redirect, served by the first again, shows what was typed and what is wrong.
    let asked = a.post_form("/apply/identity/code", &[("phone", PHONE)]).await;
    assert_eq!(location(&asked), "/apply/identity?step=code");
    let code = a.outbox.last_code_to(PHONE).expect("a code by SMS");
    let failed = b
        .post_form("/apply/identity/verify", &[("code", &code), ("name", NAME), ("id_number", "1234")])
        .await;
    let back = location(&failed);
    assert!(back.contains("flash="), "{back}");
    let (_, html) = a.page(&back).await;
    assert!(html.contains(&format!("value=\"{NAME}\"")), "the typed name comes back on the other instance");
    assert!(html.contains("身份证号码应为18位"), "with the error next to the field");
    let verified = a
        .post_form(
            "/apply/identity/verify",
            &[("code", &code), ("name", NAME), ("id_number", &id_number("62070219700101202"))],
        )
        .await;
    assert_eq!(location(&verified), "/apply/identity/done");

    // The application: steps alternate between the instances; the draft follows the resident.
    crate::common::fill_in_everything(&b, "620702001").await;
    let (_, check) = a.page("/apply/form/check").await;
    let key = crate::common::submission_key(&check);
    let done =
        crate::common::post(&b, "/apply/submit", &[("submission_key", &key), ("consent", "yes")]).await;
    let reference = done.trim_start_matches("/apply/submitted/").to_string();
    let (status, html) = a.page(&done).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&reference), "the acknowledgement is served by the other instance");

    // A reviewer signed in on one instance acts on the other; the status message queued with the
    // change is sent once, by one of the two SMS workers.
    let mut reviewer = Reviewer::sign_in(&a, "dongjie", Role::TownshipReviewer, "620702001").await;
    reviewer.app = &b;
    let (status, html) = reviewer.act(&reference, "accept", "", "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("核对和入户调查中"), "accepted on the other instance");
    let deadline = Instant::now() + Duration::from_secs(10);
    while status_updates([&a, &b]) == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await; // ten more rounds of both workers
    assert_eq!(status_updates([&a, &b]), 1, "the status message is sent exactly once");

    // The status lookup: the code goes out from one instance and is checked on the other.
    a.pass_resend_cooldown();
    let asked = crate::common::post(&a, "/status/code", &[("reference", &reference)]).await;
    assert_eq!(asked, "/status?step=code");
    let status_code = a.outbox.last_code_to(PHONE).unwrap();
    assert_eq!(crate::common::post(&b, "/status/verify", &[("code", &status_code)]).await, "/status/view");
    let (_, html) = a.page("/status/view").await;
    assert!(html.contains(&reference) && html.contains("王*兰"), "the timeline on the other instance");
    a.stop().await;
    b.stop().await;
}
