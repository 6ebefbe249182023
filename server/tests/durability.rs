//! Nothing acknowledged is lost. The real server binary runs as a process of its own on SQLite while
//! residents submit applications with a photographed document and a reviewer accepts cases; it is
//! killed with SIGKILL at a random moment and started again, `DURABILITY_KILLS` times (3 by default; the
//! long run in the README uses 25). After each restart: every reference a resident was shown exists
//! with its document readable, no application lacks its first event, every acknowledged staff step is
//! stored, and the audit chain verifies.

#[path = "api/common.rs"]
mod common;

use app::domain::staff::Role;
use app::domain::workflow::Status;
use common::{
    attach, fill_in_everything, id_number, location, multipart_form, photo_part, Reviewer, TestApp,
};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TOWNSHIP: &str = "620702001";
const RESIDENTS: usize = 6;

/// Where the server process listens and keeps its data; what a resident's or reviewer's task needs.
#[derive(Clone)]
struct Site {
    addr: SocketAddr,
    dir: PathBuf,
}

impl Site {
    fn database_url(&self) -> String {
        format!("sqlite://{}", self.dir.join("portal.db").display())
    }

    fn browser(&self) -> TestApp {
        attach(self.addr, &self.database_url())
    }

    /// The latest verification code the development outbox holds for `phone`.
    fn code_to(&self, phone: &str) -> Option<String> {
        let outbox = std::fs::read_to_string(self.dir.join("outbox.jsonl")).ok()?;
        let messages = outbox.lines().rev().filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok());
        messages.filter(|m| m["to"] == phone).find_map(|m| {
            let after = m["text"].as_str()?.split("验证码是").nth(1)?;
            after.get(..6).map(String::from)
        })
    }

    /// Starts the server binary and waits until it answers `/readyz`.
    #[expect(clippy::zombie_processes, reason = "the child is returned: the caller kills it and waits")]
    async fn start(&self) -> Child {
        let site_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site");
        let log =
            std::fs::OpenOptions::new().create(true).append(true).open(self.dir.join("server.log")).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
            .env("DATABASE_URL", self.database_url())
            .env("PORTAL_DATA_DIR", &self.dir)
            .env("PORTAL_LISTEN_ADDR", self.addr.to_string())
            .env("PORTAL_SMS_DEV_OUTBOX_FILE", self.dir.join("outbox.jsonl"))
            .env("PORTAL_RATE_LIMIT_BURST", "1000000")
            .env("PORTAL_RATE_LIMIT_REFILL_MS", "1")
            .env("PORTAL_SMS_IP_BURST", "1000000")
            .env("PORTAL_RECHECK_SHARE_PERCENT", "0")
            .env("LEPTOS_OUTPUT_NAME", "portal")
            .env("LEPTOS_SITE_ROOT", site_root)
            .env("LEPTOS_SITE_PKG_DIR", "pkg")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("the server binary starts");
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = client.get(format!("http://{}/readyz", self.addr)).send().await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                return child;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the server did not get ready: see {}", self.dir.display());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// An ID number of its own for the `n`-th applicant (valid birth date, sequence and check character).
fn applicant_id(n: usize) -> String {
    id_number(&format!("620702{}0101{:03}", 1940 + (n / 900) % 60, 100 + n % 900))
}

/// One resident's whole application; the reference the server acknowledged. Any failure (the server
/// was killed) ends the resident's task with a panic.
async fn apply(site: &Site, phone: &str, n: usize) -> String {
    let resident = site.browser();
    let asked = resident.post_form("/apply/identity/code", &[("phone", phone)]).await;
    assert_eq!(location(&asked), "/apply/identity?step=code");
    let code = site.code_to(phone).expect("a code in the outbox");
    let id = applicant_id(n);
    let identity = [("code", code.as_str()), ("name", "王秀兰"), ("id_number", id.as_str())];
    assert_eq!(
        location(&resident.post_form("/apply/identity/verify", &identity).await),
        "/apply/identity/done"
    );
    fill_in_everything(&resident, TOWNSHIP).await;
    let document = multipart_form(&[("kind", "hukou")]).part("document", photo_part(common::GPS_PHOTO));
    let uploaded = resident.post_multipart("/apply/documents", document).await;
    assert_eq!(location(&uploaded), "/apply/form/check#documents");
    let (_, check) = resident.page("/apply/form/check").await;
    let key = check.split(r#"name="submission_key" value=""#).nth(1).unwrap().split('"').next().unwrap();
    let submitted = resident.post_form("/apply/submit", &[("submission_key", key), ("consent", "yes")]).await;
    location(&submitted).strip_prefix("/apply/submitted/").expect("acknowledged").to_string()
}

/// What the server acknowledged: references shown to residents, and cases whose acceptance a reviewer
/// saw confirmed.
#[derive(Clone, Default)]
struct Acknowledged {
    references: Vec<String>,
    accepted: Vec<String>,
    /// References not yet taken by the reviewer.
    waiting: Vec<String>,
}

fn resident_task(
    site: Site,
    round: usize,
    resident: usize,
    seen: Arc<Mutex<Acknowledged>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        for n in 0.. {
            let phone = format!("139{round:02}{resident:02}{n:04}");
            let reference = apply(&site, &phone, (round * RESIDENTS + resident) * 1000 + n).await;
            let mut seen = seen.lock().unwrap();
            seen.references.push(reference.clone());
            seen.waiting.push(reference);
        }
    })
}

fn reviewer_task(site: Site, round: usize, seen: Arc<Mutex<Acknowledged>>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let app = site.browser();
        let reviewer =
            Reviewer::sign_in(&app, &format!("reviewer{round}"), Role::TownshipReviewer, TOWNSHIP).await;
        loop {
            let next = seen.lock().unwrap().waiting.pop();
            let Some(reference) = next else {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            };
            let page = format!("/review/case/{reference}");
            let answer = reviewer.post(&page, &[("action", "accept"), ("note", ""), ("amount", "")]).await;
            assert_eq!(location(&answer), page, "accepted without a message back");
            seen.lock().unwrap().accepted.push(reference);
        }
    })
}

/// Everything acknowledged so far is in the restarted server's database, whole.
async fn check_nothing_lost(site: &Site, seen: &Acknowledged) {
    use sqlx::Connection;
    let store = server::store::open(&site.database_url()).await.unwrap();
    let sealer = Arc::new(app::sealing::Sealer::new(server::config::Config::default().data_key.expose()));
    let files = server::uploads::EvidenceFiles::new(site.dir.join("evidence"), sealer, 0);
    for reference in &seen.references {
        let case = store.application_by_reference(reference).await.unwrap();
        let case = case.unwrap_or_else(|| panic!("{reference} was shown to a resident and is gone"));
        let documents = store.case_files(case.id).await.unwrap();
        assert_eq!(documents.len(), 1, "{reference}: its document is recorded");
        let bytes = files.read(&documents[0].sha256).await.unwrap_or_else(|e| panic!("{reference}: {e}"));
        assert_eq!(bytes.len() as u64, documents[0].size, "{reference}: the document reads whole");
    }
    for reference in &seen.accepted {
        let case = store.application_by_reference(reference).await.unwrap().unwrap();
        assert_eq!(case.status, Status::Investigating, "{reference}: the acknowledged acceptance is kept");
    }
    let mut db = sqlx::SqliteConnection::connect(&site.database_url()).await.unwrap();
    let (half_written,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM applications a WHERE NOT EXISTS (SELECT 1 FROM case_events e WHERE e.application_id = a.id)",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(half_written, 0, "every stored application has its first event");
    let records = store.audit_records().await.unwrap();
    app::audit::verify_chain(&records).expect("the audit chain verifies after the kill");
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nothing_acknowledged_is_lost_when_the_server_is_killed() {
    let kills: usize = std::env::var("DURABILITY_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(3);
    let dir = tempfile::tempdir().unwrap();
    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let site = Site { addr, dir: dir.path().to_path_buf() };
    let seen = Arc::new(Mutex::new(Acknowledged::default()));
    for round in 0..kills {
        let mut server = site.start().await;
        let so_far = seen.lock().unwrap().clone();
        check_nothing_lost(&site, &so_far).await;
        seen.lock().unwrap().waiting.clear(); // cases the reviewer did not reach stay submitted
        let mut tasks: Vec<_> =
            (0..RESIDENTS).map(|r| resident_task(site.clone(), round, r, seen.clone())).collect();
        tasks.push(reviewer_task(site.clone(), round, seen.clone()));
        tokio::time::sleep(Duration::from_millis(400 + rand::random::<u64>() % 1600)).await;
        server.kill().expect("SIGKILL"); // `Child::kill` sends SIGKILL on Unix
        server.wait().unwrap();
        for task in tasks {
            task.abort();
            let _ = task.await; // ended by the kill: a panic or a cancellation
        }
    }
    let mut server = site.start().await;
    let seen = seen.lock().unwrap().clone();
    check_nothing_lost(&site, &seen).await;
    assert!(seen.references.len() >= kills, "residents got through between kills: {}", seen.references.len());
    eprintln!(
        "{kills} kills: {} applications and {} acceptances acknowledged, none lost",
        seen.references.len(),
        seen.accepted.len()
    );
    server.kill().unwrap();
    server.wait().unwrap();
}
