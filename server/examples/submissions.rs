//! Load generator for `scripts/bench.sh`: residents submit complete applications through the real form
//! posts (code, identity, every step, a document, submit) against a running server in development mode,
//! reading their codes from its development outbox file. Prints acknowledged applications per second
//! and the p50/p99 time of a form post.
//!
//!   cargo run --release --example submissions -- ADDRESS OUTBOX_FILE [CLIENTS] [EACH] [PHONE_PREFIX]
//!
//! Phone numbers are PHONE_PREFIX (three digits, 137 by default), the client and the application number:
//! a second run on the same server needs another prefix (one code per phone per minute).

#[path = "../tests/api/common.rs"]
mod common;

use std::time::{Duration, Instant};

/// How much of the outbox's end is read for a code: the code was just sent, so it is among the last
/// messages; reading the whole file on every lookup slows the generator down in long runs.
const OUTBOX_TAIL_BYTES: u64 = 256 * 1024;

/// The latest verification code in the outbox for `phone`.
fn code_to(outbox: &str, phone: &str) -> Option<String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(outbox).ok()?;
    let length = file.metadata().ok()?.len();
    file.seek(SeekFrom::Start(length.saturating_sub(OUTBOX_TAIL_BYTES))).ok()?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail).ok()?;
    let text = String::from_utf8_lossy(&tail);
    // The first line may be cut; it fails to parse and is skipped.
    let messages = text.lines().rev().filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok());
    messages.filter(|m| m["to"] == phone).find_map(|m| {
        let after = m["text"].as_str()?.split("验证码是").nth(1)?;
        after.get(..6).map(String::from)
    })
}

/// The code sent to `phone`, once the server's development sender has written it.
async fn wait_for_code(outbox: &str, phone: &str) -> String {
    for _ in 0..100 {
        if let Some(code) = code_to(outbox, phone) {
            return code;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("no code for {phone} in {outbox}");
}

/// Times one form post that must answer with a redirect; returns where it points.
async fn timed(
    times: &mut Vec<Duration>,
    post: impl std::future::Future<Output = reqwest::Response>,
) -> String {
    let started = Instant::now();
    let response = post.await;
    times.push(started.elapsed());
    assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER, "{}", response.url());
    common::location(&response)
}

/// One client's applications, one after another; the time of each post.
async fn client(
    addr: std::net::SocketAddr,
    outbox: String,
    prefix: String,
    client: usize,
    count: usize,
) -> Vec<Duration> {
    let mut times = Vec::new();
    for n in 0..count {
        let resident = common::attach(addr, "");
        let phone = format!("{prefix}{client:04}{n:04}");
        timed(&mut times, resident.post_form("/apply/identity/code", &[("phone", &phone)])).await;
        let code = wait_for_code(&outbox, &phone).await;
        let id = common::id_number(&format!("620702{}0101{:03}", 1940 + client % 60, 100 + n % 900));
        let identity = [("code", code.as_str()), ("name", "王秀兰"), ("id_number", id.as_str())];
        timed(&mut times, resident.post_form("/apply/identity/verify", &identity)).await;
        let started = Instant::now();
        common::fill_in_everything(&resident, "620702001").await;
        times.push(started.elapsed() / 9); // nine posts, timed together
        let (_, check) = resident.page("/apply/form/check").await;
        let key = check.split(r#"name="submission_key" value=""#).nth(1).unwrap().split('"').next().unwrap();
        let form = [("submission_key", key), ("consent", "yes")];
        let done = timed(&mut times, resident.post_form("/apply/submit", &form)).await;
        assert!(done.starts_with("/apply/submitted/"), "{done}");
    }
    times
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let addr: std::net::SocketAddr = args.first().expect("ADDRESS").parse().expect("host:port");
    let outbox = args.get(1).expect("OUTBOX_FILE").clone();
    let clients: usize = args.get(2).map_or(8, |c| c.parse().expect("CLIENTS"));
    let each: usize = args.get(3).map_or(25, |c| c.parse().expect("EACH"));
    let prefix = args.get(4).cloned().unwrap_or_else(|| "137".into());
    let started = Instant::now();
    let runs: Vec<_> =
        (0..clients).map(|c| tokio::spawn(client(addr, outbox.clone(), prefix.clone(), c, each))).collect();
    let mut times = Vec::new();
    for run in runs {
        times.extend(run.await.expect("a client finished"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    times.sort_unstable();
    let at = |share: f64| times[((times.len() as f64 * share) as usize).min(times.len() - 1)];
    println!(
        "{} applications from {clients} clients in {elapsed:.1} s: {:.1} acknowledged/s; form post p50 {:.1} ms, p99 {:.1} ms",
        clients * each,
        (clients * each) as f64 / elapsed,
        at(0.50).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0,
    );
}
