//! One suite for every storage back end: SQLite always, PostgreSQL when `TEST_DATABASE_URL` is set.

use crate::common::{by_test, new_application};
use app::audit::AuditEvent;
use app::store::{Leftovers, QueueScope, Store};
use std::sync::Arc;

/// When the audit entries of these store-level tests happen (their times are not what they check).
const NOW: i64 = 1_800_000_000;

async fn backends() -> Vec<(&'static str, Arc<dyn Store>, crate::common::TestDatabase)> {
    let mut stores = Vec::new();
    let sqlite = crate::common::sqlite_database();
    stores.push(("sqlite", server::store::open(&sqlite.url).await.expect("sqlite opens"), sqlite));
    match crate::common::postgres_database().await {
        Some(pg) => {
            stores.push(("postgres", server::store::open(&pg.url).await.expect("postgres opens"), pg))
        }
        None => eprintln!("TEST_DATABASE_URL not set: PostgreSQL part of the store suite not run"),
    }
    stores
}

#[tokio::test]
async fn a_new_database_is_migrated_and_seeded_with_the_official_divisions() {
    for (backend, store, _db) in backends().await {
        store.ping().await.unwrap();
        let counties = store.counties().await.unwrap();
        assert_eq!(counties.len(), 6, "{backend}");
        assert_eq!(counties[0].name, "甘州区", "{backend}");
        assert_eq!(store.township_count().await.unwrap(), 78, "{backend}");
        let ganzhou = store.townships_in("620702").await.unwrap();
        assert!(ganzhou.iter().all(|t| t.county_code == "620702"), "{backend}");
        assert!(ganzhou.iter().any(|t| t.name == "东街街道"), "{backend}");
        assert!(store.townships_in("999999").await.unwrap().is_empty(), "{backend}");
    }
}

#[tokio::test]
async fn seeding_again_adds_nothing_and_keeps_the_data() {
    for (backend, store, db) in backends().await {
        let (counties, townships) = server::store::seed::zhangye_divisions().unwrap();
        assert_eq!(store.seed_divisions(&counties, &townships).await.unwrap(), 0, "{backend}");
        store.close().await;
        // Reopening the same database (a restart) migrates nothing new and keeps every row.
        let reopened = server::store::open(&db.url).await.unwrap();
        assert_eq!(reopened.township_count().await.unwrap(), 78, "{backend}");
    }
}

#[tokio::test]
async fn the_city_hotline_comes_first() {
    for (backend, store, _db) in backends().await {
        let hotlines = store.hotlines().await.unwrap();
        assert_eq!(hotlines[0].number, "12345", "{backend}");
        assert_eq!(hotlines[0].tel_href(), "tel:12345", "{backend}");
    }
}

#[tokio::test]
async fn an_unknown_database_scheme_is_refused_with_a_clear_error() {
    let err = server::store::open("mysql://localhost/portal").await.err().expect("refused");
    assert!(err.to_string().contains("sqlite:// or postgres://"));
}

#[tokio::test]
async fn every_county_starts_with_unconfirmed_default_standards() {
    for (backend, store, _db) in backends().await {
        let standards = store.local_standards("620702").await.unwrap().expect("seeded");
        assert_eq!(standards.county_name, "甘州区", "{backend}");
        assert!(!standards.confirmed, "{backend}: defaults are not confirmed");
        assert!(standards.dibao_rural_monthly > 0, "{backend}");
        assert!(store.local_standards("999999").await.unwrap().is_none(), "{backend}");
        let defaults = server::store::seed::default_standards().unwrap();
        assert_eq!(
            store.seed_standards(&defaults).await.unwrap(),
            0,
            "{backend}: seeding twice adds nothing"
        );
    }
}

#[tokio::test]
async fn guide_pages_are_seeded_once_in_reading_order() {
    for (backend, store, _db) in backends().await {
        let pages = store.guide_pages().await.unwrap();
        assert_eq!(pages.len(), 12, "{backend}");
        assert_eq!(pages[0].slug, "process", "{backend}");
        let dibao = store.guide_page("dibao").await.unwrap().expect("seeded");
        assert!(dibao.body_markdown.contains("## 谁可以申请"), "{backend}");
        assert!(store.guide_page("nothing").await.unwrap().is_none(), "{backend}");
        let seed = server::store::seed::guide_pages().unwrap();
        assert_eq!(
            store.seed_guide(&seed).await.unwrap(),
            0,
            "{backend}: an edited page is never overwritten"
        );
    }
}

#[tokio::test]
async fn staff_accounts_are_unique_by_username_and_their_sessions_end_on_sign_out_and_password_change() {
    use app::domain::staff::Role;
    use app::store::{NewStaff, StoreError};
    for (backend, store, _db) in backends().await {
        let new = NewStaff {
            username: "zhang".into(),
            display_name: "张工".into(),
            password_hash: "$argon2id$placeholder".into(),
            role: Role::TownshipReviewer,
            scope: "620702001".into(),
        };
        let id = store.create_staff(&new, 1, &|_| by_test()).await.unwrap();
        assert!(
            matches!(store.create_staff(&new, 2, &|_| by_test()).await, Err(StoreError::Conflict(_))),
            "{backend}"
        );
        let account = store.staff_by_username("zhang").await.unwrap().unwrap();
        assert_eq!(account.identity.role, Role::TownshipReviewer, "{backend}");
        let start = |session: &str, now| app::store::StaffSessionStart {
            session: session.into(),
            account_id: id,
            username: "zhang".into(),
            client: "10.0.0.1".into(),
            now,
            expires_at: now + 100,
        };
        let audit = |what: &str| app::audit::AuditEvent::at(NOW, "staff:1", what, "staff:1", "");
        store.start_staff_session(&start("first", 10), &audit("staff.sign_in")).await.unwrap();
        assert_eq!(store.staff_by_session("first", 50).await.unwrap().map(|a| a.identity.id), Some(id));
        assert!(store.staff_by_session("first", 110).await.unwrap().is_none(), "expired: {backend}");
        let (second, changed) = (start("second", 60), audit("staff.password_changed"));
        let version = store.change_password("$argon2id$other", &second, &changed).await.unwrap();
        assert_eq!(version, account.session_version + 1, "{backend}");
        assert!(
            store.staff_by_session("first", 61).await.unwrap().is_none(),
            "ended by the change: {backend}"
        );
        store.end_staff_session("second", 62, &audit("staff.sign_out")).await.unwrap();
        assert!(store.staff_by_session("second", 63).await.unwrap().is_none(), "signed out: {backend}");
        assert!(store.staff_by_id(id + 1000).await.unwrap().is_none(), "{backend}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_password_tries_are_counted_one_by_one_with_a_growing_wait() {
    use app::domain::staff::delay_after;
    use app::store::TryClaim;
    for (backend, store, _db) in backends().await {
        let tries: Vec<_> = (0..40)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.claim_sign_in_try("zhang", "10.0.0.1", 1000).await.unwrap() })
            })
            .collect();
        let mut counted = Vec::new();
        for claim in tries {
            match claim.await.unwrap() {
                TryClaim::Counted(n) => counted.push(n),
                TryClaim::Wait { until } => assert_eq!(until, 1000 + delay_after(5), "{backend}"),
            }
        }
        counted.sort();
        assert_eq!(counted, [1, 2, 3, 4, 5], "{backend}");
        for n in 6..=12 {
            let at = 1000 + (5..n).map(delay_after).sum::<i64>();
            assert_eq!(store.claim_sign_in_try("zhang", "10.0.0.1", at).await.unwrap(), TryClaim::Counted(n));
            let early = store.claim_sign_in_try("zhang", "10.0.0.1", at + delay_after(n) - 1).await.unwrap();
            assert_eq!(
                early,
                TryClaim::Wait { until: at + delay_after(n) },
                "the SQL follows delay_after: {backend}"
            );
        }
        let other_client = store.claim_sign_in_try("zhang", "10.0.0.2", 1000).await.unwrap();
        assert_eq!(other_client, TryClaim::Counted(1), "another client is not held up: {backend}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_tries_at_a_code_never_pass_the_limit() {
    for (backend, store, _db) in backends().await {
        store.insert_otp("key-older", "hash-0", 900).await.unwrap();
        store.insert_otp("key-a", "hash-1", 1_000).await.unwrap();
        let tries: Vec<_> = (0..60)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.claim_otp_attempt("key-a", 5).await.unwrap() })
            })
            .collect();
        let mut counted = Vec::new();
        for attempt in tries {
            if let Some((code, _)) = attempt.await.unwrap() {
                counted.push(code.attempts);
            }
        }
        counted.sort_unstable();
        assert_eq!(counted, vec![1, 2, 3, 4, 5], "{backend}: five tries of sixty, each counted once");
        assert!(store.claim_otp_attempt("nobody", 5).await.unwrap().is_none(), "{backend}: no code");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_uploads_never_pass_a_subjects_daily_allowance() {
    for (backend, store, _db) in backends().await {
        let spends: Vec<_> = (0..20)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(
                    async move { store.spend_upload_allowance("report:7", 100, 3, 12).await.unwrap() },
                )
            })
            .collect();
        let mut counted = 0;
        for spend in spends {
            counted += usize::from(spend.await.unwrap());
        }
        assert_eq!(counted, 4, "{backend}: four posts of three files fit twelve");
        assert!(!store.spend_upload_allowance("report:7", 100, 1, 12).await.unwrap(), "{backend}: spent");
        assert!(store.spend_upload_allowance("report:7", 101, 3, 12).await.unwrap(), "{backend}: next day");
        assert!(store.spend_upload_allowance("report:8", 100, 3, 12).await.unwrap(), "{backend}: other");
        assert!(!store.spend_upload_allowance("report:9", 100, 13, 12).await.unwrap(), "{backend}: too many");
        assert!(store.spend_upload_allowance("report:7", 100, 0, 12).await.unwrap(), "{backend}: no file");
        // Yesterday's counts are purged with the drafts; today's stay.
        store.purge_leftovers(&Leftovers { drafts: 0, allowance_day: 101, codes: 0 }).await.unwrap();
        assert!(store.spend_upload_allowance("report:7", 100, 12, 12).await.unwrap(), "{backend}: purged");
        assert!(!store.spend_upload_allowance("report:7", 101, 12, 12).await.unwrap(), "{backend}: kept");
    }
}

fn lead(members: &[&str]) -> app::store::HouseholdLead {
    app::store::HouseholdLead {
        county_code: "620702".into(),
        township_code: "620702001".into(),
        village: "城关村".into(),
        category: None,
        source: "department:medical-insurance".into(),
        member_hashes: members.iter().map(|m| m.to_string()).collect(),
        sealed: "sealed members".into(),
        now: 1_000,
    }
}

fn signal(household_id: i64, reference: &str, warning: Option<(Level, &str)>) -> app::store::NewSignal {
    app::store::NewSignal {
        sender: "department:medical-insurance".into(),
        reference_id: reference.into(),
        household_id,
        kind: SignalKind::Medical,
        sealed: "sealed details".into(),
        received_at: 2_000,
        warning: warning.map(|(level, due)| OpenWarning { level, visit_due: Date::parse(due).unwrap() }),
    }
}

use app::domain::calendar::Date;
use app::domain::monitoring::{Level, OpenWarning, SignalKind};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_household_per_member_and_one_open_warning_per_kind_whatever_arrives_at_once() {
    for (backend, store, _db) in backends().await {
        let household = leads_and_visits_find_one_household_per_member(backend, &store).await;
        let opened = simultaneous_signals_open_one_warning(backend, &store, household).await;
        a_closed_warning_is_referred_once_and_a_later_signal_opens_another(
            backend, &store, household, opened,
        )
        .await;
    }
}

/// Leads naming the same person, at once or later, and workers' visits: one household each; returns the
/// household of "person-a".
async fn leads_and_visits_find_one_household_per_member(backend: &str, store: &Arc<dyn Store>) -> i64 {
    let (id, other) = simultaneous_leads_make_one_household(backend, store).await;
    a_visit_joins_the_household_it_finds(backend, store, other).await;
    id
}

/// Eight simultaneous leads naming the same person (with different relatives): one household; a later
/// lead brings its category. Returns that household and the one of "person-b".
async fn simultaneous_leads_make_one_household(
    backend: &str,
    store: &Arc<dyn Store>,
) -> (i64, app::store::MonitoredHousehold) {
    let audit = |id: i64| {
        AuditEvent::at(NOW, "department:medical-insurance", "monitoring.household", id.to_string(), "")
    };
    let leads: Vec<_> = (0..8)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let relative = format!("relative-{i}");
                let audit = |id: i64| AuditEvent::at(NOW, "test", "monitoring.household", id.to_string(), "");
                store.register_household(&lead(&["person-a", &relative]), &audit).await.unwrap()
            })
        })
        .collect();
    let mut households = Vec::new();
    for registered in leads {
        households.push(registered.await.unwrap());
    }
    let id = households[0].0.id;
    assert!(households.iter().all(|(h, _)| h.id == id), "{backend}: {households:?}");
    assert_eq!(households.iter().filter(|(_, created)| *created).count(), 1, "{backend}");
    let (same, created) = store.register_household(&lead(&["relative-5"]), &audit).await.unwrap();
    assert_eq!((same.id, created), (id, false), "{backend}: a relative added by one lead matches");
    let watched = app::store::HouseholdLead {
        category: Some(app::domain::register::Category::PovertyRelapseWatch),
        ..lead(&["relative-5"])
    };
    let (raised, _) = store.register_household(&watched, &audit).await.unwrap();
    assert_eq!(raised.category, watched.category, "{backend}: a category comes with a later lead");
    let (kept, _) = store.register_household(&lead(&["person-a"]), &audit).await.unwrap();
    assert_eq!(kept.category, watched.category, "{backend}: a lead without one keeps it");
    let (other, created) = store.register_household(&lead(&["person-b"]), &audit).await.unwrap();
    assert!(created && other.id != id, "{backend}");
    (id, other)
}

/// A worker's visit to someone already on the register joins that household, never a new one.
async fn a_visit_joins_the_household_it_finds(
    backend: &str,
    store: &Arc<dyn Store>,
    other: app::store::MonitoredHousehold,
) {
    let photo = ("ab".repeat(32), "image/jpeg".to_string(), 1_234u64);
    let visit = app::store::NewVisit {
        visited_by: "staff:7".into(),
        at: 2_500,
        sealed: "seen".into(),
        photos: vec![photo.clone()],
    };
    let visited =
        |id: i64| AuditEvent::at(NOW, "staff:7", "monitoring.household_visited", id.to_string(), "");
    let found = app::store::HouseholdLead { source: "visit".into(), ..lead(&["person-b", "child-b"]) };
    let (same, created) = store.register_visited_household(&found, &visit, &visited).await.unwrap();
    assert_eq!((same.id, created), (other.id, false), "{backend}");
    let (new, created) =
        store.register_visited_household(&lead(&["person-c"]), &visit, &visited).await.unwrap();
    assert!(created && new.id != other.id, "{backend}");
    let entries = store.audit_records().await.unwrap();
    let visits = entries.iter().filter(|r| r.event.action == "monitoring.household_visited").count();
    assert_eq!(visits, 2, "{backend}: each visit audited, whether or not the household was new");
    let file = store.household_file(other.id, 10).await.unwrap().expect("on the register");
    assert_eq!(file.visits.len(), 1, "{backend}");
    let kept = &file.visits[0].photos;
    assert_eq!((kept.len(), kept[0].sha256.as_str()), (1, photo.0.as_str()), "{backend}: with its photo");
    let (owner, _) = store.visit_photo(kept[0].id).await.unwrap().expect("the photo");
    assert_eq!(owner, other.id, "{backend}");
    assert_eq!(
        store.files_in_use(std::slice::from_ref(&photo.0)).await.unwrap(),
        vec![photo.0],
        "{backend}: kept by the sweep"
    );
    let page = store.register_page(&other.township_code, "", i64::MAX, 1).await.unwrap();
    assert_eq!(page.iter().map(|h| h.id).collect::<Vec<_>>(), vec![new.id], "{backend}: newest first");
    let next = store.register_page(&other.township_code, "", new.id, 10).await.unwrap();
    assert!(next.iter().all(|h| h.id < new.id) && next.iter().any(|h| h.id == other.id), "{backend}");
}

/// Eight signals at once for one household: each stored once, one open warning, escalated.
async fn simultaneous_signals_open_one_warning(
    backend: &str,
    store: &Arc<dyn Store>,
    id: i64,
) -> app::store::WarningRow {
    let signals: Vec<_> = (0..8)
        .map(|i| {
            let store = store.clone();
            let level = if i == 3 { Level::Red } else { Level::Orange };
            let due = if i == 5 { "2026-12-09" } else { "2026-12-15" };
            tokio::spawn(async move {
                let entry = AuditEvent::at(NOW, "test", "monitoring.signal", id.to_string(), "");
                store
                    .record_signal(&signal(id, &format!("bill-{i}"), Some((level, due))), &entry)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut recorded = Vec::new();
    for outcome in signals {
        recorded.push(outcome.await.unwrap());
    }
    let raised = recorded.iter().filter(|r| matches!(r, app::store::SignalRecorded::Raised(_))).count();
    assert_eq!(raised, 1, "{backend}: {recorded:?}");
    let entry = AuditEvent::at(NOW, "test", "monitoring.signal", id.to_string(), "");
    let again = signal(id, "bill-2", Some((Level::Red, "2026-12-05")));
    assert_eq!(
        store.record_signal(&again, &entry).await.unwrap(),
        app::store::SignalRecorded::Duplicate,
        "{backend}: sent twice"
    );
    let queue = store.open_warnings("620702001", "", 10).await.unwrap();
    assert_eq!(queue.len(), 1, "{backend}");
    let expected = OpenWarning { level: Level::Red, visit_due: Date::parse("2026-12-09").unwrap() };
    assert_eq!((queue[0].warning, queue[0].village.as_str()), (expected, "城关村"), "{backend}");
    assert!(store.open_warnings("620702002", "", 10).await.unwrap().is_empty(), "{backend}: other township");
    assert_eq!(
        store.open_warnings("620702001", "城关村", 10).await.unwrap().len(),
        1,
        "{backend}: its village"
    );
    assert!(
        store.open_warnings("620702001", "东街村", 10).await.unwrap().is_empty(),
        "{backend}: other village"
    );
    queue.into_iter().next().unwrap()
}

/// Closed once, referred once and answered once; a new signal afterwards opens a new warning.
async fn a_closed_warning_is_referred_once_and_a_later_signal_opens_another(
    backend: &str,
    store: &Arc<dyn Store>,
    id: i64,
    opened: app::store::WarningRow,
) {
    let entry = AuditEvent::at(NOW, "test", "monitoring.signal", id.to_string(), "");
    let warning = opened.id;
    let closing = AuditEvent::at(NOW, "dongjie", "monitoring.warning_closed", warning.to_string(), "");
    let visit = app::store::NewVisit {
        visited_by: "staff:7".into(),
        at: 3_000,
        sealed: "sealed visit".into(),
        photos: vec![],
    };
    let referred = Some("disabled-persons");
    assert!(store.close_warning(&opened, &visit, "sealed outcome", referred, &closing).await.unwrap());
    assert!(!store.close_warning(&opened, &visit, "sealed outcome", referred, &closing).await.unwrap());
    let waiting = store.open_household_referrals("disabled-persons", 10).await.unwrap();
    assert_eq!(waiting.len(), 1, "{backend}: referred once");
    let (referral, members, seen) = store.household_referral(waiting[0].id).await.unwrap().unwrap();
    assert_eq!((referral.village.as_str(), seen.as_str()), ("城关村", "sealed visit"), "{backend}");
    assert!(!members.is_empty());
    let answer = |department: &'static str| {
        let store = store.clone();
        let id = waiting[0].id;
        async move {
            let entry = AuditEvent::at(NOW, "staff:9", "monitoring.referral_answered", id.to_string(), "");
            store
                .answer_household_referral(id, department, "sealed answer", "staff:9", 3_100, &entry)
                .await
                .unwrap()
        }
    };
    assert!(!answer("education").await, "{backend}: another department's referral");
    let (first, second) = tokio::join!(answer("disabled-persons"), answer("disabled-persons"));
    assert!(first ^ second, "{backend}: answered once, whatever arrives at once");
    assert!(store.open_household_referrals("disabled-persons", 10).await.unwrap().is_empty(), "{backend}");
    assert!(store.open_warnings("620702001", "", 10).await.unwrap().is_empty(), "{backend}");
    let later = signal(id, "bill-9", Some((Level::Orange, "2026-12-20")));
    assert!(
        matches!(store.record_signal(&later, &entry).await.unwrap(), app::store::SignalRecorded::Raised(new) if new != warning)
    );
    let quiet = store.record_signal(&signal(id, "bill-10", None), &entry).await.unwrap();
    assert_eq!(quiet, app::store::SignalRecorded::NoWarning, "{backend}");
    let actions: Vec<String> =
        store.audit_records().await.unwrap().into_iter().map(|r| r.event.action).collect();
    let count = |action: &str| actions.iter().filter(|a| *a == action).count();
    assert_eq!(count("monitoring.signal"), 10, "{backend}: eight and the later two, not the duplicate");
    assert_eq!(count("monitoring.warning_closed"), 1, "{backend}: not the second close");
}

#[tokio::test]
async fn otp_codes_are_counted_per_phone_key_and_purged_by_the_sweep() {
    for (backend, store, _db) in backends().await {
        store.insert_otp("key-a", "hash-1", 1_000).await.unwrap();
        store.insert_otp("key-a", "hash-2", 1_100).await.unwrap();
        store.insert_otp("key-b", "hash-3", 1_100).await.unwrap();
        assert_eq!(store.otp_send_times("key-a", 1_050).await.unwrap(), vec![1_100], "{backend}");
        let (latest, hash) = store.latest_otp("key-a").await.unwrap().unwrap();
        assert_eq!(
            (latest.created_at, hash.as_str(), latest.attempts, latest.used),
            (1_100, "hash-2", 0, false)
        );
        let (claimed, _) = store.claim_otp_attempt("key-a", 5).await.unwrap().unwrap();
        assert_eq!((claimed.id, claimed.attempts), (latest.id, 1), "{backend}: the try is counted");
        store.use_otp(latest.id).await.unwrap();
        let (again, _) = store.latest_otp("key-a").await.unwrap().unwrap();
        assert_eq!((again.attempts, again.used), (1, true), "{backend}");
        // Sending a code purges nothing; the sweep purges the codes sent before its cut-off.
        store.insert_otp("key-c", "hash-4", 90_000).await.unwrap();
        assert!(store.latest_otp("key-a").await.unwrap().is_some(), "{backend}: kept until the sweep");
        store.purge_leftovers(&Leftovers { drafts: 0, allowance_day: 0, codes: 2_000 }).await.unwrap();
        assert!(store.latest_otp("key-a").await.unwrap().is_none(), "{backend}: purged");
        assert!(store.latest_otp("key-c").await.unwrap().is_some(), "{backend}: a later code stays");
        assert!(store.latest_otp("nobody").await.unwrap().is_none(), "{backend}");
    }
}

#[tokio::test]
async fn the_audit_log_is_chained_and_append_only() {
    use app::audit::{verify_chain, AuditEvent, GENESIS};
    for (backend, store, _db) in backends().await {
        for n in 0..3 {
            store
                .append_audit(&AuditEvent::at(NOW, "operator", "test.event", format!("thing:{n}"), ""))
                .await
                .unwrap();
        }
        let records = store.audit_records().await.unwrap();
        assert_eq!(records.len(), 3, "{backend}");
        assert_eq!(records[0].prev_hash, GENESIS, "{backend}");
        assert_eq!(records[1].prev_hash, records[0].hash, "{backend}");
        assert_eq!(verify_chain(&records), Ok(3), "{backend}");
        // The head is anchored once; a second anchoring finds nothing new.
        assert_eq!(
            store.anchor_audit_head("anchor key", 10).await.unwrap(),
            Some(records[2].id),
            "{backend}"
        );
        assert_eq!(store.anchor_audit_head("anchor key", 11).await.unwrap(), None, "{backend}");
        let anchors = store.audit_anchors().await.unwrap();
        assert_eq!(app::audit::verify_anchors(&records, &anchors, "anchor key"), Ok(1), "{backend}");
    }
}

#[tokio::test]
async fn a_guide_page_can_be_rewritten_but_not_created_by_update() {
    for (backend, store, _db) in backends().await {
        let mut page = store.guide_page("tekun").await.unwrap().unwrap();
        page.title = "特困供养（修订）".into();
        assert!(store.update_guide_page(&page, &by_test()).await.unwrap(), "{backend}");
        assert_eq!(store.guide_page("tekun").await.unwrap().unwrap().title, "特困供养（修订）", "{backend}");
        page.slug = "no-such-page".into();
        assert!(!store.update_guide_page(&page, &by_test()).await.unwrap(), "{backend}");
    }
}

#[tokio::test]
async fn a_draft_started_after_the_identity_check_is_kept_with_its_audit_entry() {
    for (backend, store, _db) in backends().await {
        let checked = |at| {
            app::audit::AuditEvent::at(
                at,
                "resident:0123456789ab",
                "resident.identity_verified",
                "x",
                "level 1",
            )
        };
        store.start_draft("phone-key", "v1:first", 100, &checked(100)).await.unwrap();
        store.start_draft("phone-key", "v1:again", 200, &checked(200)).await.unwrap();
        assert_eq!(store.draft("phone-key").await.unwrap().as_deref(), Some("v1:again"), "{backend}");
        let records = store.audit_records().await.unwrap();
        let checks: Vec<_> =
            records.iter().filter(|r| r.event.action == "resident.identity_verified").collect();
        assert_eq!(checks.iter().map(|r| r.event.at).collect::<Vec<_>>(), [100, 200], "{backend}");
        assert!(app::audit::verify_chain(&records).is_ok(), "{backend}: the entries join the chain");
    }
}

#[tokio::test]
async fn a_submission_is_stored_once_with_its_event_and_removes_the_draft() {
    for (backend, store, _db) in backends().await {
        store.save_draft("phone-key", "v1:draft", 100).await.unwrap();
        assert_eq!(store.draft("phone-key").await.unwrap().as_deref(), Some("v1:draft"), "{backend}");
        let first = store
            .submit_application(&new_application("ZY20261129-AAAAAA", "k1", "620702001", "2027-01-12"))
            .await
            .unwrap();
        assert!(first.created, "{backend}");
        assert_eq!(
            store.draft("phone-key").await.unwrap(),
            None,
            "{backend}: the draft goes with the submission"
        );
        // The same submission again (a double click) returns the first reference and stores nothing.
        let again = store
            .submit_application(&new_application("ZY20261129-BBBBBB", "k1", "620702001", "2027-01-12"))
            .await
            .unwrap();
        assert_eq!(
            again,
            app::store::Submitted { reference: "ZY20261129-AAAAAA".into(), created: false },
            "{backend}"
        );
        // A reference number already taken is a conflict, so that the caller draws another.
        let taken = store
            .submit_application(&new_application("ZY20261129-AAAAAA", "k2", "620702001", "2027-01-12"))
            .await;
        assert!(matches!(taken, Err(app::store::StoreError::Conflict(_))), "{backend}");
        store
            .submit_application(&new_application("ZY20261129-CCCCCC", "k3", "620702001", "2027-01-05"))
            .await
            .unwrap();
        store
            .submit_application(&new_application("ZY20261129-DDDDDD", "k4", "620702002", "2027-01-01"))
            .await
            .unwrap();

        let scope = QueueScope::Township("620702001".into());
        let (queue, _) = store.review_queue(&crate::common::whole_queue(scope)).await.unwrap();
        let references: Vec<_> = queue.iter().map(|a| a.reference.as_str()).collect();
        assert_eq!(
            references,
            ["ZY20261129-CCCCCC", "ZY20261129-AAAAAA"],
            "{backend}: own township, earliest deadline first"
        );
        let stored = store.application_by_reference("ZY20261129-AAAAAA").await.unwrap().unwrap();
        assert_eq!(stored.household_size, 3, "{backend}");
        assert_eq!(stored.types.len(), 2, "{backend}");
        assert_eq!(
            store.application_by_submission_key("k1").await.unwrap().as_deref(),
            Some("ZY20261129-AAAAAA")
        );
        let events = store.case_events(stored.id).await.unwrap();
        assert_eq!(events.len(), 1, "{backend}");
        assert_eq!(events[0].action, "submit", "{backend}");
    }
}

#[tokio::test]
async fn stale_drafts_are_purged_with_the_sweeps_leftovers() {
    for (backend, store, _db) in backends().await {
        store.save_draft("old", "v1:old", 100).await.unwrap();
        store.save_draft("new", "v1:new", 5_000).await.unwrap();
        assert!(store.draft("old").await.unwrap().is_some(), "{backend}: saving another purges nothing");
        store.purge_leftovers(&Leftovers { drafts: 1_000, allowance_day: 0, codes: 0 }).await.unwrap();
        assert_eq!(store.draft("old").await.unwrap(), None, "{backend}");
        assert!(store.draft("new").await.unwrap().is_some(), "{backend}");
    }
}

#[tokio::test]
async fn the_holiday_calendar_is_seeded_with_the_2026_arrangement() {
    use app::domain::calendar::{Calendar, Date, DayKind};
    for (backend, store, _db) in backends().await {
        let days = store.calendar().await.unwrap();
        assert!(
            days.iter().any(|(d, k, _)| *d == Date::parse("2026-10-10").unwrap() && *k == DayKind::Workday),
            "{backend}"
        );
        assert_eq!(
            store.seed_calendar(&server::store::seed::calendar_days().unwrap()).await.unwrap(),
            0,
            "{backend}"
        );
        let calendar = Calendar::new(days.into_iter().map(|(d, k, _)| (d, k)));
        // From Tuesday 2026-09-29, five working days run past the National Day week to Monday 10-12.
        let start = Date::parse("2026-09-29").unwrap();
        assert_eq!(calendar.add_working_days(start, 5), Date::parse("2026-10-12").unwrap(), "{backend}");
    }
}

#[tokio::test]
async fn transitions_notices_and_objections_work_on_every_backend() {
    for (backend, store, _db) in backends().await {
        let (case, today) = a_step_and_its_audit_entry_are_stored_together(backend, &store).await;
        published_notices_are_listed_by_page_and_place(backend, &store, &case, today).await;
        an_objection_takes_the_notice_down_once(backend, &store, &case, today).await;
        the_step_s_message_is_leased_to_one_worker_and_retried(backend, &store).await;
    }
}

fn test_event(status: app::domain::workflow::Status) -> app::store::CaseEvent {
    app::store::CaseEvent { at: 1, actor: "t".into(), action: "x".into(), status, note: String::new() }
}

/// The notice's publication for `case` from `today`, a week long, with its message and audit entry.
fn publishing(
    case: &app::store::ApplicationRecord,
    today: app::domain::calendar::Date,
) -> app::store::CaseChange {
    use app::domain::workflow::Status;
    use app::store::{CaseChange, NoticeEntry};
    let notice = NoticeEntry {
        application_id: case.id,
        county_code: "620702".into(),
        township_code: "620702001".into(),
        village: "城关村".into(),
        head_name_masked: "王*兰".into(),
        household_size: 3,
        types: case.types.clone(),
        monthly_amount: 640,
        published_from: today,
        published_until: today.add_days(6),
    };
    CaseChange {
        register: None,
        household: None,
        event: test_event(Status::InNotice),
        monthly_amount: Some(640),
        notice: Some(notice),
        notify: Some("v1:sealed".into()),
        recheck_drawn: None,
        files: Vec::new(),
        referrals: Vec::new(),
        audit: AuditEvent::at(
            NOW,
            "staff:1",
            "case.publish_notice",
            &case.reference,
            "submitted -> in_notice",
        ),
    }
}

/// A submitted case's notice published (a stale step refused, unaudited); returns the case and the day.
async fn a_step_and_its_audit_entry_are_stored_together(
    backend: &str,
    store: &Arc<dyn Store>,
) -> (app::store::ApplicationRecord, app::domain::calendar::Date) {
    use app::domain::{calendar::Date, workflow::Status};
    store
        .submit_application(&new_application("ZY20261129-EEEEEE", "k1", "620702001", "2027-01-12"))
        .await
        .unwrap();
    let case = store.application_by_reference("ZY20261129-EEEEEE").await.unwrap().unwrap();
    assert_eq!(
        store.application_by_id(case.id).await.unwrap().unwrap().reference,
        case.reference,
        "{backend}"
    );
    let county = |code: &str| crate::common::whole_queue(QueueScope::County(code.into()));
    assert_eq!(store.review_queue(&county("620702")).await.unwrap().1, 1, "{backend}");
    assert_eq!(store.review_queue(&county("620721")).await.unwrap().1, 0, "{backend}");

    let today = Date::parse("2026-12-01").unwrap();
    let publish = publishing(&case, today);
    let audited = store.audit_records().await.unwrap().len();
    assert!(!store.record_transition(case.id, Status::AtCounty, &publish).await.unwrap(), "{backend}: stale");
    assert_eq!(
        store.audit_records().await.unwrap().len(),
        audited,
        "{backend}: a refused step is not audited"
    );
    assert!(store.record_transition(case.id, Status::Submitted, &publish).await.unwrap(), "{backend}");
    let records = store.audit_records().await.unwrap();
    assert_eq!(records.len(), audited + 1, "{backend}: the step and its audit entry are stored together");
    assert_eq!(records.last().unwrap().event.action, "case.publish_notice", "{backend}");
    assert!(app::audit::verify_chain(&records).is_ok(), "{backend}: the entry joins the chain");
    let stored = store.application_by_id(case.id).await.unwrap().unwrap();
    assert_eq!((stored.status, stored.monthly_amount), (Status::InNotice, Some(640)), "{backend}");
    assert_eq!(stored.notice_until, Some(today.add_days(6)), "{backend}");
    (stored, today)
}

async fn published_notices_are_listed_by_page_and_place(
    backend: &str,
    store: &Arc<dyn Store>,
    case: &app::store::ApplicationRecord,
    today: app::domain::calendar::Date,
) {
    use app::store::Page;
    let first = Page::numbered(1, 50);
    let in_county = store.current_notices(today, Some("620702"), None, first).await.unwrap();
    assert_eq!((in_county.0.len(), in_county.1), (1, 1), "{backend}");
    let second_page =
        store.current_notices(today, Some("620702"), None, Page::numbered(2, 50)).await.unwrap();
    assert_eq!((second_page.0.len(), second_page.1), (0, 1), "{backend}: the total on every page");
    let elsewhere = store.current_notices(today, None, Some("620702002"), first).await.unwrap();
    assert_eq!((elsewhere.0.len(), elsewhere.1), (0, 0), "{backend}");
    let expired = store.current_notices(today.add_days(7), None, None, first).await.unwrap();
    assert_eq!(expired.1, 0, "{backend}: expired");
    assert!(store.current_notice(case.id, today).await.unwrap().is_some(), "{backend}");
}

/// An objection reopens the investigation and takes the notice down; a second finds it over: nothing
/// stored, nothing audited.
async fn an_objection_takes_the_notice_down_once(
    backend: &str,
    store: &Arc<dyn Store>,
    case: &app::store::ApplicationRecord,
    today: app::domain::calendar::Date,
) {
    use app::domain::workflow::Status;
    use app::store::{CaseChange, NewObjection};
    let objection = NewObjection {
        application_id: case.id,
        reason: "有房产未申报".into(),
        contact_sealed: None,
        receipt_hash: "h".into(),
        created_at: 5,
        files: vec![("ef".repeat(32), "image/png".into(), 321)],
    };
    let reopen = CaseChange {
        register: None,
        household: None,
        event: test_event(Status::Investigating),
        monthly_amount: None,
        notice: None,
        notify: None,
        recheck_drawn: None,
        files: Vec::new(),
        referrals: Vec::new(),
        audit: AuditEvent::at(NOW, "public", "notice.objection", &case.reference, "investigation reopened"),
    };
    let limit = app::store::ObjectionLimit { since: 0, max: 10 };
    let outcome = store.file_objection(&objection, &reopen, &reopen, limit).await.unwrap();
    assert_eq!(outcome, app::store::ObjectionOutcome::Reopened, "{backend}");
    let objected = |records: Vec<app::audit::AuditRecord>| {
        records.iter().filter(|r| r.event.action == "notice.objection").count()
    };
    assert_eq!(objected(store.audit_records().await.unwrap()), 1, "{backend}: audited with the objection");
    assert!(store.current_notice(case.id, today).await.unwrap().is_none(), "{backend}: taken down");
    assert_eq!(store.objections(case.id).await.unwrap().len(), 1, "{backend}");
    let again = NewObjection { receipt_hash: "h2".into(), ..objection };
    let outcome = store.file_objection(&again, &reopen, &reopen, limit).await.unwrap();
    assert_eq!(outcome, app::store::ObjectionOutcome::NoticeOver, "{backend}");
    assert_eq!(store.objections(case.id).await.unwrap().len(), 1, "{backend}: nothing stored");
    assert_eq!(objected(store.audit_records().await.unwrap()), 1, "{backend}: nor audited");
    let files = store.case_files(case.id).await.unwrap();
    assert_eq!(files.len(), 1, "{backend}: the evidence once, not with the refused second objection");
    let (owner, file) = store.case_file(files[0].id).await.unwrap().unwrap();
    assert_eq!((owner, file.size, file.content_type.as_str()), (case.id, 321, "image/png"), "{backend}");
    let events = store.case_events(case.id).await.unwrap();
    assert_eq!(events.len(), 3, "{backend}");
    let (read, with_case) = store.case_with_events(&case.reference).await.unwrap().unwrap();
    assert_eq!(read.id, case.id, "{backend}: the case, read with its events");
    let actions =
        |events: &[app::store::CaseEvent]| events.iter().map(|e| e.action.clone()).collect::<Vec<_>>();
    assert_eq!(actions(&with_case), actions(&events), "{backend}: the same history, in order");
    assert!(store.case_with_events("ZY20261129-NOSUCH").await.unwrap().is_none(), "{backend}");
}

/// The message queued with the step is due at once; claimed, it is leased to one worker; a failure
/// postpones it.
async fn the_step_s_message_is_leased_to_one_worker_and_retried(backend: &str, store: &Arc<dyn Store>) {
    let due = store.claim_due_sms(10, 610, 10).await.unwrap();
    assert_eq!(due.len(), 1, "{backend}");
    assert!(store.claim_due_sms(11, 611, 10).await.unwrap().is_empty(), "{backend}: leased");
    store.sms_failed(due[0].id, 100, "gateway down").await.unwrap();
    assert!(store.claim_due_sms(50, 650, 10).await.unwrap().is_empty(), "{backend}: waits");
    let retry = store.claim_due_sms(100, 700, 10).await.unwrap();
    assert_eq!(retry[0].attempts, 1, "{backend}");
    store.sms_sent(retry[0].id, 100).await.unwrap();
    assert!(store.claim_due_sms(i64::MAX - 1, i64::MAX, 10).await.unwrap().is_empty(), "{backend}: sent");
}

/// Every instance of the server runs an SMS worker on the same queue.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_workers_claim_each_queued_message_once() {
    use app::domain::workflow::Status;
    use app::store::{CaseChange, CaseEvent};
    const QUEUED: usize = 30;
    for (backend, store, _db) in backends().await {
        for i in 0..QUEUED {
            let reference = format!("ZY20261129-Q{i:05}");
            let new = new_application(&reference, &format!("q{i}"), "620702001", "2027-01-12");
            store.submit_application(&new).await.unwrap();
            let case = store.application_by_reference(&reference).await.unwrap().unwrap();
            let accept = CaseChange {
                register: None,
                household: None,
                event: CaseEvent {
                    at: 1,
                    actor: "t".into(),
                    action: "accept".into(),
                    status: Status::Investigating,
                    note: String::new(),
                },
                monthly_amount: None,
                notice: None,
                notify: Some(format!("v1:message{i}")),
                recheck_drawn: None,
                files: Vec::new(),
                referrals: Vec::new(),
                audit: AuditEvent::at(
                    NOW,
                    "staff:1",
                    "case.accept",
                    &reference,
                    "submitted -> investigating",
                ),
            };
            assert!(store.record_transition(case.id, Status::Submitted, &accept).await.unwrap(), "{backend}");
        }
        let workers: Vec<_> = (0..8)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.claim_due_sms(10, 610, 7).await.unwrap() })
            })
            .collect();
        let mut claimed = Vec::new();
        for worker in workers {
            claimed.extend(worker.await.unwrap().into_iter().map(|m| m.id));
        }
        // A worker that lost every race returns fewer; one more claim takes what is left.
        claimed.extend(store.claim_due_sms(10, 610, 100).await.unwrap().into_iter().map(|m| m.id));
        let mut distinct = claimed.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), claimed.len(), "{backend}: no message claimed twice");
        assert_eq!(claimed.len(), QUEUED, "{backend}: every message claimed");
        assert!(store.claim_due_sms(609, 1200, 100).await.unwrap().is_empty(), "{backend}: leased");
        let back = store.claim_due_sms(610, 1210, 100).await.unwrap();
        assert_eq!(back.len(), QUEUED, "{backend}: a dead worker's messages come back after the lease");
    }
}

#[tokio::test]
async fn reports_are_grouped_threaded_and_linked_on_every_backend() {
    for (backend, store, _db) in backends().await {
        store
            .submit_application(&new_application("ZY20261129-RRRRRR", "k9", "620702001", "2027-01-12"))
            .await
            .unwrap();
        let case = store.application_by_reference("ZY20261129-RRRRRR").await.unwrap().unwrap();
        let second = reports_of_one_household_are_grouped_within_the_period(backend, &store).await;
        a_report_s_questions_and_answers_are_threaded_with_their_files(backend, &store, second).await;
        a_concluded_report_is_linked_to_its_case(backend, &store, second, case.id).await;
    }
}

/// Three reports on one household: the first two grouped, the late one starting a group of its own;
/// returns the second.
async fn reports_of_one_household_are_grouped_within_the_period(
    backend: &str,
    store: &Arc<dyn Store>,
) -> i64 {
    use app::domain::report::{ReportStatus, Suspicion};
    use app::store::NewReport;
    let report = |key: &str, lookup: &str, at: i64| NewReport {
        county_code: "620702".into(),
        township_code: "620702001".into(),
        picked_entry: None,
        suspicion: Suspicion::HiddenIncome,
        sealed: "sealed".into(),
        grouping_key: key.into(),
        receipt_lookup: lookup.into(),
        receipt_hash: "slow".into(),
        created_at: at,
        group_since: at - 100,
        files: vec![("ab".repeat(32), "image/jpeg".into(), 1234)],
    };
    let (first, group) = store.file_report(&report("same", "L1", 1000), &|_| by_test()).await.unwrap();
    assert_eq!(first, group, "{backend}: a first report starts its group");
    let (second, group) = store.file_report(&report("same", "L2", 1050), &|_| by_test()).await.unwrap();
    assert_eq!(group, first, "{backend}: same household within the period");
    let (late, group) = store.file_report(&report("same", "L3", 5000), &|_| by_test()).await.unwrap();
    assert_eq!(group, late, "{backend}: after the period a new group starts");
    assert!(
        store.file_report(&report("other", "L1", 1000), &|_| by_test()).await.is_err(),
        "{backend}: lookups are unique"
    );
    assert_ne!(second, late);

    let found = store.report_by_lookup("L2").await.unwrap().unwrap();
    assert_eq!(
        (found.id, found.status, found.receipt_hash.as_str()),
        (second, ReportStatus::Received, "slow")
    );
    assert_eq!(store.reports(Some("620702")).await.unwrap().len(), 3, "{backend}");
    assert!(store.reports(Some("620721")).await.unwrap().is_empty(), "{backend}");
    second
}

async fn a_report_s_questions_and_answers_are_threaded_with_their_files(
    backend: &str,
    store: &Arc<dyn Store>,
    second: i64,
) {
    use app::domain::report::ReportStatus;
    use app::store::NewReportMessage;
    let question = NewReportMessage {
        report_id: second,
        from_officer: true,
        body_sealed: "q".into(),
        at: 2000,
        files: vec![],
        audit: by_test(),
    };
    store.add_report_message(&question).await.unwrap();
    let answer = NewReportMessage {
        report_id: second,
        from_officer: false,
        body_sealed: "a".into(),
        at: 2100,
        files: vec![("cd".repeat(32), "application/pdf".into(), 99)],
        audit: by_test(),
    };
    store.add_report_message(&answer).await.unwrap();
    let messages = store.report_messages(second).await.unwrap();
    assert_eq!(messages.iter().map(|m| m.from_officer).collect::<Vec<_>>(), [true, false], "{backend}");
    assert_eq!(store.report(second).await.unwrap().unwrap().status, ReportStatus::Verifying, "{backend}");
    let files = store.report_files(second).await.unwrap();
    assert_eq!(files.len(), 2, "{backend}");
    assert_eq!(files[1].message_id, Some(messages[1].id), "{backend}");
    let (owner, file) = store.report_file(files[1].id).await.unwrap().unwrap();
    assert_eq!((owner, file.size, file.content_type.as_str()), (second, 99, "application/pdf"), "{backend}");
}

async fn a_concluded_report_is_linked_to_its_case(
    backend: &str,
    store: &Arc<dyn Store>,
    second: i64,
    case: i64,
) {
    use app::domain::report::ReportStatus;
    store.update_report(second, ReportStatus::Concluded, "属实", Some(case), 3000, &by_test()).await.unwrap();
    let concluded = store.report(second).await.unwrap().unwrap();
    assert_eq!(
        (concluded.status, concluded.outcome.as_str()),
        (ReportStatus::Concluded, "属实"),
        "{backend}"
    );
    assert_eq!(store.reports_linked_to(case).await.unwrap(), 1, "{backend}");
    let today = app::domain::calendar::Date::parse("2026-12-01").unwrap();
    assert!(store.public_entry(case, today).await.unwrap().is_none(), "{backend}: not published");
}

#[tokio::test]
async fn statistics_read_in_batches_carry_the_decision_day_and_publish_one_snapshot() {
    use app::domain::workflow::Status;
    for (backend, store, _db) in backends().await {
        let mut decided = new_application("ZY20261129-SSSSSS", "k-s1", "620702001", "2027-01-12");
        decided.record.status = Status::Approved;
        decided.event.action = "approve".into();
        decided.event.at += 10 * 86_400;
        store.submit_application(&decided).await.unwrap();
        store
            .submit_application(&new_application("ZY20261129-TTTTTT", "k-s2", "620702002", "2027-01-12"))
            .await
            .unwrap();
        let first = store.statistics_facts_after(0, 1).await.unwrap();
        assert_eq!(first.len(), 1, "{backend}: a batch holds at most `limit`");
        let rest = store.statistics_facts_after(first[0].0, 10).await.unwrap();
        assert_eq!(rest.len(), 1, "{backend}: the next batch starts after the last id");
        assert!(store.statistics_facts_after(rest[0].0, 10).await.unwrap().is_empty(), "{backend}");
        let mut facts: Vec<_> = first.into_iter().chain(rest).map(|(_, f)| f).collect();
        facts.sort_by(|a, b| a.township_code.cmp(&b.township_code));
        assert_eq!(
            (facts[0].status, facts[0].decided),
            (Status::Approved, Some(facts[0].submitted.add_days(10))),
            "{backend}"
        );
        assert_eq!((facts[1].status, facts[1].decided), (Status::Submitted, None), "{backend}");

        assert_eq!(store.statistics_snapshot().await.unwrap(), None, "{backend}: none published yet");
        store.save_statistics_snapshot(5, "{}").await.unwrap();
        store.save_statistics_snapshot(9, "{\"city\":null}").await.unwrap();
        let snapshot = store.statistics_snapshot().await.unwrap();
        assert_eq!(snapshot, Some((9, "{\"city\":null}".to_string())), "{backend}: one row, replaced");
    }
}

#[tokio::test]
async fn announcements_are_listed_per_county_with_the_city_wide_ones() {
    use app::domain::announcement::Announcement;
    for (backend, store, _db) in backends().await {
        let city = Announcement {
            id: 0,
            title: "全市".into(),
            body: "正文".into(),
            county_code: None,
            published_at: 10,
        };
        let county = Announcement {
            county_code: Some("620702".into()),
            title: "甘州".into(),
            published_at: 20,
            ..city.clone()
        };
        let first = store.add_announcement(&city, &|_| by_test()).await.unwrap();
        let second = store.add_announcement(&county, &|_| by_test()).await.unwrap();
        let titles = |list: Vec<Announcement>| list.into_iter().map(|a| a.title).collect::<Vec<_>>();
        assert_eq!(titles(store.announcements(Some("620702")).await.unwrap()), ["甘州", "全市"], "{backend}");
        assert_eq!(titles(store.announcements(Some("620721")).await.unwrap()), ["全市"], "{backend}");
        assert_eq!(titles(store.announcements(None).await.unwrap()).len(), 2, "{backend}");
        assert_eq!(store.announcement(second).await.unwrap().unwrap().county_code.as_deref(), Some("620702"));
        assert!(store.remove_announcement(first, &by_test()).await.unwrap(), "{backend}");
        assert!(!store.remove_announcement(first, &by_test()).await.unwrap(), "{backend}");
        assert!(store.announcement(first).await.unwrap().is_none(), "{backend}");
    }
}

#[tokio::test]
async fn the_staff_register_keeps_each_hash_once_on_every_backend() {
    for (backend, store, _db) in backends().await {
        let hashes = ["a".repeat(64), "b".repeat(64)];
        assert_eq!(store.add_staff_relatives(&hashes, 1, &|_| by_test()).await.unwrap(), 2, "{backend}");
        assert_eq!(
            store.add_staff_relatives(&hashes[..1], 2, &|_| by_test()).await.unwrap(),
            0,
            "{backend}: once"
        );
        assert_eq!(store.staff_relative_count().await.unwrap(), 2, "{backend}");
        assert!(store.any_staff_relative(&["c".repeat(64), "b".repeat(64)]).await.unwrap(), "{backend}");
        assert!(!store.any_staff_relative(&["c".repeat(64)]).await.unwrap(), "{backend}");
        assert!(!store.any_staff_relative(&[]).await.unwrap(), "{backend}");
    }
}

#[tokio::test]
async fn referrals_are_made_once_per_department_and_answered_once_on_every_backend() {
    for (backend, store, _db) in backends().await {
        store
            .submit_application(&new_application("ZY20261129-RRRRRR", "k1", "620702001", "2027-01-12"))
            .await
            .unwrap();
        let case = store.application_by_reference("ZY20261129-RRRRRR").await.unwrap().unwrap();
        let medical = each_department_is_referred_to_once(backend, &store, case.id).await;
        a_referral_is_answered_once_into_the_case_history(backend, &store, case.id, medical).await;
    }
}

/// Accepted twice with overlapping departments: each referred once; returns the medical insurance's.
async fn each_department_is_referred_to_once(backend: &str, store: &Arc<dyn Store>, case: i64) -> i64 {
    use app::domain::workflow::Status;
    use app::store::{CaseChange, CaseEvent};
    let step = |from_status, referrals: &[&str]| CaseChange {
        register: None,
        household: None,
        event: CaseEvent {
            at: 10,
            actor: "t".into(),
            action: "accept".into(),
            status: from_status,
            note: String::new(),
        },
        monthly_amount: None,
        notice: None,
        notify: None,
        recheck_drawn: None,
        files: Vec::new(),
        referrals: referrals.iter().map(|d| d.to_string()).collect(),
        audit: AuditEvent::at(NOW, "staff:1", "case.accept", "ZY20261129-RRRRRR", "accepted"),
    };
    let accept = step(Status::Investigating, &["medical-insurance", "education"]);
    assert!(store.record_transition(case, Status::Submitted, &accept).await.unwrap(), "{backend}");
    // Accepted again after a material request: a department already referred to is not added twice.
    let again = step(Status::Investigating, &["education", "housing"]);
    assert!(store.record_transition(case, Status::Investigating, &again).await.unwrap(), "{backend}");
    let referrals = store.referrals_of(case).await.unwrap();
    let departments: Vec<&str> = referrals.iter().map(|r| r.department.as_str()).collect();
    assert_eq!(departments, vec!["medical-insurance", "education", "housing"], "{backend}");
    let medical = store.referrals_to("medical-insurance").await.unwrap();
    assert_eq!(medical.len(), 1, "{backend}");
    assert_eq!(
        (medical[0].reference.as_str(), medical[0].township_code.as_str(), medical[0].case_status),
        ("ZY20261129-RRRRRR", "620702001", Status::Investigating),
        "{backend}"
    );
    assert_eq!((medical[0].outcome, medical[0].referred_at), (None, 10), "{backend}");
    assert!(store.referrals_to("emergency").await.unwrap().is_empty(), "{backend}");
    medical[0].id
}

async fn a_referral_is_answered_once_into_the_case_history(
    backend: &str,
    store: &Arc<dyn Store>,
    case: i64,
    id: i64,
) {
    use app::domain::referral::ReferralOutcome;
    use app::domain::workflow::Status;
    use app::store::CaseEvent;
    let help = CaseEvent {
        at: 20,
        actor: "医保专员".into(),
        action: "referral_help".into(),
        status: Status::Investigating,
        note: "住院费用报销3200元".into(),
    };
    let audit = AuditEvent::at(NOW, "staff:2", "referral.answered", "ZY20261129-RRRRRR", "helped");
    assert!(
        store.answer_referral(id, ReferralOutcome::Helped, &help, case, &audit).await.unwrap(),
        "{backend}"
    );
    let audited = store.audit_records().await.unwrap().len();
    assert!(
        !store.answer_referral(id, ReferralOutcome::NotEligible, &help, case, &audit).await.unwrap(),
        "{backend}: answered once"
    );
    assert_eq!(
        store.audit_records().await.unwrap().len(),
        audited,
        "{backend}: a second answer is not audited"
    );
    let answered = &store.referrals_to("medical-insurance").await.unwrap()[0];
    assert_eq!(
        (answered.outcome, answered.answered_at),
        (Some(ReferralOutcome::Helped), Some(20)),
        "{backend}"
    );
    let events = store.case_events(case).await.unwrap();
    let helps: Vec<&CaseEvent> = events.iter().filter(|e| e.action == "referral_help").collect();
    assert_eq!(helps.len(), 1, "{backend}: the history shows the answer once");
    assert_eq!(helps[0].note, "住院费用报销3200元", "{backend}");
}

#[tokio::test]
async fn failed_forms_are_kept_briefly_read_once_and_the_table_stays_bounded() {
    use app::store::FlashBounds;
    let bounds = |expire_before, total_bytes| FlashBounds { expire_before, keep_last: 3, total_bytes };
    for (backend, store, _db) in backends().await {
        store.put_flash("a", "v1:a", 100, bounds(0, 1000)).await.unwrap();
        assert_eq!(store.take_flash("a", 101).await.unwrap(), None, "{backend}: too old to show");
        store.put_flash("a", "v1:a", 100, bounds(0, 1000)).await.unwrap();
        assert_eq!(store.take_flash("a", 100).await.unwrap().as_deref(), Some("v1:a"), "{backend}");
        assert_eq!(store.take_flash("a", 100).await.unwrap(), None, "{backend}: read once");
        assert_eq!(store.take_flash("b", 0).await.unwrap(), None, "{backend}: unknown token");
        for token in ["a", "b", "c", "d"] {
            store.put_flash(token, "v1:x", 200, bounds(0, 1000)).await.unwrap();
        }
        assert_eq!(
            store.take_flash("a", 0).await.unwrap(),
            None,
            "{backend}: the oldest goes past the bound"
        );
        assert!(store.take_flash("b", 0).await.unwrap().is_some(), "{backend}: the newest three stay");
        store.put_flash("e", "v1:e", 1000, bounds(900, 1000)).await.unwrap();
        for token in ["c", "d"] {
            assert_eq!(
                store.take_flash(token, 0).await.unwrap(),
                None,
                "{backend}: expired entries are dropped"
            );
        }
        assert!(store.take_flash("e", 0).await.unwrap().is_some(), "{backend}");
        // The byte budget: 25 bytes hold two entries of ten; the third pushes the oldest out.
        for token in ["f", "g", "h"] {
            store.put_flash(token, &"v".repeat(10), 2000, bounds(0, 25)).await.unwrap();
        }
        assert_eq!(store.take_flash("f", 0).await.unwrap(), None, "{backend}: over the byte budget");
        assert!(store.take_flash("g", 0).await.unwrap().is_some(), "{backend}");
        assert!(store.take_flash("h", 0).await.unwrap().is_some(), "{backend}");
    }
}

/// Whether a query plan reads a whole table (or a whole index) somewhere, from `EXPLAIN QUERY PLAN`
/// (SQLite) or `EXPLAIN` with sequential scans disabled (PostgreSQL), which plans a sequential scan only
/// where no index can serve.
fn reads_everything(backend: &str, plan: &[String]) -> bool {
    if backend == "sqlite" {
        return plan.iter().any(|step| step.starts_with("SCAN "));
    }
    let index_scans =
        plan.iter().filter(|l| l.contains("Index Scan") || l.contains("Index Only Scan")).count();
    // A bitmap scan of a partial index whose predicate is the query's filter (e.g. `closed_at IS NULL`)
    // shows its condition as the heap scan's "Recheck Cond", not as an "Index Cond".
    let index_conditions =
        plan.iter().filter(|l| l.contains("Index Cond") || l.contains("Recheck Cond")).count();
    plan.iter().any(|l| l.contains("Seq Scan")) || index_conditions < index_scans
}

/// `count` cases that went through a notice, one a day, most of them long over, in every township:
/// planners choose by the data's statistics, so the plans are checked on a history, not on empty tables.
async fn published_history(store: &dyn Store, count: usize) {
    use app::domain::{calendar::Date, workflow::Status};
    use app::store::{CaseChange, CaseEvent};
    let today = Date::parse("2026-12-01").unwrap();
    let mut townships = Vec::new();
    for county in store.counties().await.unwrap() {
        townships.extend(store.townships_in(&county.code).await.unwrap());
    }
    for i in 0..count {
        let reference = format!("ZY20261129-H{i:05}");
        let township = &townships[i % townships.len()];
        let mut new = new_application(&reference, &format!("h{i}"), &township.code, "2027-01-12");
        new.record.county_code = township.county_code.clone();
        store.submit_application(&new).await.unwrap();
        let case = store.application_by_reference(&reference).await.unwrap().unwrap();
        let from = today.add_days(-(i as i64));
        let notice = seven_days_of_notice(&case, township, format!("第{}村", i % 9), from);
        // Half of them approved since: the recipient lists.
        let status = if i % 2 == 0 { Status::Approved } else { Status::InNotice };
        let event = CaseEvent { at: 1, actor: "t".into(), action: "x".into(), status, note: String::new() };
        let rules = app::domain::register::ReviewRules::default();
        let calendar = app::domain::calendar::Calendar::new([]);
        let record = app::features::register::record_at_approval(&case, Some(640), from, &rules, &calendar);
        let publish = CaseChange {
            register: (status == Status::Approved).then_some(record),
            household: None,
            event,
            monthly_amount: Some(640),
            notice: Some(notice),
            notify: None,
            recheck_drawn: None,
            files: Vec::new(),
            referrals: Vec::new(),
            audit: AuditEvent::at(
                NOW,
                "staff:1",
                "case.publish_notice",
                &reference,
                "submitted -> in_notice",
            ),
        };
        // Every fourth case had help given first, half of those answered by the county since.
        let help = (i % 4 == 0).then(|| help_given_first(&case, from));
        if let Some(help) = &help {
            assert!(store.grant_emergency(help).await.unwrap());
        }
        assert!(store.record_transition(case.id, Status::Submitted, &publish).await.unwrap());
        if let Some(mut help) = help.filter(|_| i % 8 == 0) {
            help.grant.answer = Some(app::domain::emergency::CountyAnswer::Confirmed);
            help.grant.answered_on = Some(today);
            assert!(store.answer_emergency(&help).await.unwrap());
        }
    }
}

/// The notice of `case` in `village` of `township`, 640 元 a month, from `from` for seven days.
fn seven_days_of_notice(
    case: &app::store::ApplicationRecord,
    township: &app::domain::region::Township,
    village: String,
    from: app::domain::calendar::Date,
) -> app::store::NoticeEntry {
    app::store::NoticeEntry {
        application_id: case.id,
        county_code: township.county_code.clone(),
        township_code: township.code.clone(),
        village,
        head_name_masked: "王*兰".into(),
        household_size: 3,
        types: case.types.clone(),
        monthly_amount: 640,
        published_from: from,
        published_until: from.add_days(6),
    }
}

/// 1000 元 given first on `case` on `day`, its file due two weeks later.
fn help_given_first(
    case: &app::store::ApplicationRecord,
    day: app::domain::calendar::Date,
) -> app::store::EmergencyChange {
    use app::domain::workflow::Status;
    app::store::EmergencyChange {
        grant: app::store::EmergencyGrant {
            application_id: case.id,
            county_code: case.county_code.clone(),
            township_code: case.township_code.clone(),
            amount: 1000,
            granted_on: day,
            file_due: day.add_days(14),
            answer: None,
            answered_on: None,
        },
        event: app::store::CaseEvent {
            at: 1,
            actor: "t".into(),
            action: "emergency_granted".into(),
            status: Status::Submitted,
            note: String::new(),
        },
        notify: None,
        audit: AuditEvent::at(NOW, "staff:1", "case.emergency_granted", &case.reference, "1000 yuan"),
    }
}

async fn analyze(backend: &str, url: &str) {
    use sqlx::Connection;
    if backend == "sqlite" {
        let mut db = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query("ANALYZE").execute(&mut db).await.unwrap();
    } else {
        let mut db = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query("ANALYZE").execute(&mut db).await.unwrap();
    }
}

/// `query` with the example values bound, on either back end.
fn with_example<'q, DB>(
    mut query: sqlx::query::Query<'q, DB, DB::Arguments<'q>>,
    example: &[server::store::page_queries::Example],
) -> sqlx::query::Query<'q, DB, DB::Arguments<'q>>
where
    DB: sqlx::Database,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    use server::store::page_queries::Example;
    for value in example {
        query = match *value {
            Example::Text(text) => query.bind(text),
            Example::Number(number) => query.bind(number),
        };
    }
    query
}

async fn plan(backend: &str, url: &str, query: &server::store::page_queries::PageQuery) -> Vec<String> {
    use sqlx::{Connection, Row};
    if backend == "sqlite" {
        let mut db = sqlx::SqliteConnection::connect(url).await.unwrap();
        let sql = format!("EXPLAIN QUERY PLAN {}", query.sql);
        let rows = with_example(sqlx::query(&sql), query.example).fetch_all(&mut db).await.unwrap();
        return rows.iter().map(|r| r.get::<String, _>("detail")).collect();
    }
    let mut db = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::query("SET enable_seqscan = off").execute(&mut db).await.unwrap();
    let sql = format!("EXPLAIN {}", query.sql);
    let rows = with_example(sqlx::query(&sql), query.example).fetch_all(&mut db).await.unwrap();
    rows.iter().map(|r| r.get::<String, _>(0)).collect()
}

/// `count` register households in two townships, each with a warning, three in four of them closed.
async fn warning_history(store: &dyn Store, count: usize) {
    use app::store::SignalRecorded;
    let audit = |id: i64| AuditEvent::at(NOW, "test", "monitoring.household", id.to_string(), "");
    for i in 0..count {
        let township = if i % 3 == 0 { "620702001" } else { "620702002" };
        let member = format!("plan-{i}");
        let lead = app::store::HouseholdLead { township_code: township.into(), ..lead(&[&member]) };
        let (household, _) = store.register_household(&lead, &audit).await.unwrap();
        let warning = signal(household.id, &member, Some((Level::Orange, "2026-12-15")));
        let recorded = store.record_signal(&warning, &by_test()).await.unwrap();
        if let (SignalRecorded::Raised(id), true) = (recorded, i % 4 != 0) {
            let open = store.open_warning(id).await.unwrap().unwrap();
            let visit = app::store::NewVisit {
                visited_by: "staff:1".into(),
                at: 3_000,
                sealed: "seen".into(),
                photos: vec![],
            };
            let referred = (i % 8 == 1).then_some("disabled-persons");
            assert!(store.close_warning(&open, &visit, "sealed", referred, &by_test()).await.unwrap());
        }
    }
}

#[tokio::test]
async fn every_page_query_reads_an_index_on_every_backend() {
    for (backend, store, db) in backends().await {
        published_history(store.as_ref(), 400).await;
        warning_history(store.as_ref(), 300).await;
        analyze(backend, &db.url).await;
        for query in server::store::page_queries::PAGE_QUERIES {
            let steps = plan(backend, &db.url, query).await;
            assert!(
                !reads_everything(backend, &steps),
                "{backend}: {} reads a whole table: {steps:#?}",
                query.name
            );
        }
        store.close().await;
    }
}

#[test]
fn a_full_scan_is_recognised_in_both_plan_formats() {
    let lines = |plan: &[&str]| plan.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(reads_everything("sqlite", &lines(&["SCAN n", "SEARCH a USING INTEGER PRIMARY KEY (rowid=?)"])));
    assert!(!reads_everything(
        "sqlite",
        &lines(&["SEARCH n USING INDEX notices_current (published_until>?)"])
    ));
    assert!(reads_everything("postgres", &lines(&["Seq Scan on notices n  (cost=10000000000.00..)"])));
    assert!(reads_everything("postgres", &lines(&["Index Scan using applications_pkey on applications"])));
    assert!(!reads_everything(
        "postgres",
        &lines(&["Index Scan using notices_current on notices n", "  Index Cond: (published_until >= $1)"])
    ));
}

#[tokio::test]
async fn the_review_queue_is_filtered_ordered_and_paged_on_every_backend() {
    use app::domain::{calendar::Date, workflow::Status};
    use app::store::{Page, QueueQuery};
    for (backend, store, _db) in backends().await {
        // (reference, due, emergency, status)
        let cases = [
            ("ZY20261129-Q00001", "2026-11-20", false, Status::Submitted),
            ("ZY20261129-Q00002", "2026-12-20", true, Status::Investigating),
            ("ZY20261129-Q00003", "2026-11-10", false, Status::Approved),
            ("ZY20261129-Q00004", "2026-11-25", false, Status::Investigating),
            ("ZY20261129-Q00005", "2026-12-10", false, Status::Submitted),
        ];
        for (i, (reference, due, emergency, status)) in cases.iter().enumerate() {
            let mut new = new_application(reference, &format!("q{i}"), "620702001", due);
            new.record.emergency = *emergency;
            new.record.status = *status;
            store.submit_application(&new).await.unwrap();
        }
        let other = new_application("ZY20261129-Q00006", "q6", "620702002", "2026-11-01");
        store.submit_application(&other).await.unwrap();
        let township = || crate::common::whole_queue(QueueScope::Township("620702001".into()));
        let references = |cases: Vec<app::store::ApplicationRecord>| {
            cases.into_iter().map(|c| c.reference[11..].to_string()).collect::<Vec<_>>()
        };
        let (all, total) = store.review_queue(&township()).await.unwrap();
        assert_eq!(total, 5, "{backend}: own township only");
        assert_eq!(references(all), ["Q00002", "Q00001", "Q00004", "Q00005", "Q00003"], "{backend}: order");
        let second = QueueQuery { page: Page::numbered(2, 2), ..township() };
        let (page, total) = store.review_queue(&second).await.unwrap();
        assert_eq!((references(page), total), (vec!["Q00004".into(), "Q00005".into()], 5), "{backend}");
        let submitted = QueueQuery { status: "submitted".into(), ..township() };
        assert_eq!(
            references(store.review_queue(&submitted).await.unwrap().0),
            ["Q00001", "Q00005"],
            "{backend}"
        );
        let medical = QueueQuery { kind: "medical".into(), ..township() };
        assert_eq!(store.review_queue(&medical).await.unwrap().1, 5, "{backend}: every case asks for it");
        let temporary = QueueQuery { kind: "temporary".into(), ..township() };
        assert_eq!(store.review_queue(&temporary).await.unwrap().1, 0, "{backend}");
        let overdue = QueueQuery { due_by: Date::parse("2026-11-30"), ..township() };
        let (late, _) = store.review_queue(&overdue).await.unwrap();
        assert_eq!(references(late), ["Q00001", "Q00004"], "{backend}: open and past due; closed ones never");
        let per_township =
            store.overdue_by_township("620702", Date::parse("2026-11-30").unwrap()).await.unwrap();
        assert_eq!(per_township, [("620702001".to_string(), 2), ("620702002".to_string(), 1)], "{backend}");
    }
}

#[tokio::test]
async fn the_register_keeps_records_changes_them_once_and_counts_them_on_every_backend() {
    use app::domain::calendar::Date;
    use app::domain::register::{EndReason, RecordState};
    use app::domain::workflow::Status;
    use app::store::{CaseEvent, Page, RecordChange, ReviewQueueQuery};
    for (backend, store, _db) in backends().await {
        published_history(store.as_ref(), 10).await;
        let case = store.application_by_reference("ZY20261129-H00000").await.unwrap().unwrap();
        let record = store.assistance_record(case.id).await.unwrap().expect("approval created a record");
        assert_eq!((record.state, record.amount), (RecordState::InForce, Some(640)), "{backend}");
        let due = record.review_due.unwrap();
        let query = |due_by: Date| ReviewQueueQuery {
            scope: QueueScope::Township(record.township_code.clone()),
            due_by,
            overdue_through: None,
            page: Page::numbered(1, 50),
        };
        assert_eq!(store.review_due(&query(due.add_days(-1))).await.unwrap().1, 0, "{backend}: not due yet");
        let (due_now, total) = store.review_due(&query(due)).await.unwrap();
        assert_eq!((due_now[0].application_id, total), (case.id, 1), "{backend}");

        let mut ended = record.clone();
        ended.state = RecordState::Ended;
        ended.end_reason = Some(EndReason::MovedAway);
        ended.review_due = None;
        let event = CaseEvent {
            at: 2,
            actor: "c".into(),
            action: "review_confirmed".into(),
            status: Status::Approved,
            note: "迁出".into(),
        };
        let audit = AuditEvent::at(NOW, "staff:2", "record.review_confirmed", &record.reference, "ended");
        let change = RecordChange { record: ended, event, files: Vec::new(), notify: None, audit };
        assert!(store.change_record(&change).await.unwrap(), "{backend}");
        assert!(!store.change_record(&change).await.unwrap(), "{backend}: a stale version changes nothing");
        let stored = store.assistance_record(case.id).await.unwrap().unwrap();
        assert_eq!((stored.state, stored.version), (RecordState::Ended, 1), "{backend}");
        assert!(store
            .audit_records()
            .await
            .unwrap()
            .iter()
            .any(|r| r.event.action == "record.review_confirmed"));
        let tallies = store.register_tallies(Date::parse("2026-12-01").unwrap()).await.unwrap();
        let count = |state: &str, reason: &str| {
            tallies
                .iter()
                .filter(|(_, _, s, r, _)| s == state && r == reason)
                .map(|(_, _, _, _, n)| n)
                .sum::<u64>()
        };
        assert_eq!((count("in_force", ""), count("ended", "moved")), (4, 1), "{backend}: {tallies:?}");
        store.close().await;
    }
}

#[tokio::test]
async fn simultaneous_reviews_and_submits_of_one_household_succeed_once_on_every_backend() {
    for (backend, store, _db) in backends().await {
        published_history(store.as_ref(), 2).await;
        let case = store.application_by_reference("ZY20261129-H00000").await.unwrap().unwrap();
        eight_simultaneous_reviews_make_one_change(backend, &store, case.id).await;
        eight_simultaneous_submits_make_one_declaration(backend, &store, &case).await;
        store.close().await;
    }
}

fn approved_event(action: &str) -> app::store::CaseEvent {
    let status = app::domain::workflow::Status::Approved;
    app::store::CaseEvent { at: 3, actor: "t".into(), action: action.into(), status, note: String::new() }
}

async fn eight_simultaneous_reviews_make_one_change(backend: &str, store: &Arc<dyn Store>, case: i64) {
    use app::store::RecordChange;
    let record = store.assistance_record(case).await.unwrap().unwrap();
    let reviews: Vec<_> = (0..8)
        .map(|_| {
            let change = RecordChange {
                record: record.clone(),
                event: approved_event("review"),
                files: Vec::new(),
                notify: None,
                audit: AuditEvent::at(NOW, "staff:1", "record.review", &record.reference, "in_force"),
            };
            let store = store.clone();
            tokio::spawn(async move { store.change_record(&change).await.unwrap() })
        })
        .collect();
    let mut won = 0;
    for review in reviews {
        won += usize::from(review.await.unwrap());
    }
    assert_eq!(won, 1, "{backend}: eight reviewers at once, one change");
}

async fn eight_simultaneous_submits_make_one_declaration(
    backend: &str,
    store: &Arc<dyn Store>,
    case: &app::store::ApplicationRecord,
) {
    use app::domain::calendar::Date;
    use app::domain::declaration::ChangeKind;
    use app::store::NewDeclaration;
    store.save_declaration_draft(case.id, "v1:sealed", 3).await.unwrap();
    let today = Date::parse("2026-12-01").unwrap();
    let submits: Vec<_> = (0..8)
        .map(|_| {
            let new = NewDeclaration {
                application_id: case.id,
                township_code: case.township_code.clone(),
                kind: ChangeKind::IncomeOrJob,
                occurred_on: today,
                sealed: "v1:sealed".into(),
                event: approved_event("declaration"),
                files: Vec::new(),
                audit: AuditEvent::at(NOW, "resident:1", "record.declaration", &case.reference, "income"),
                review_due: today,
                review_deadline: today.add_days(28),
            };
            let store = store.clone();
            tokio::spawn(async move { store.submit_declaration(&new).await.unwrap() })
        })
        .collect();
    let mut stored = 0;
    for submit in submits {
        stored += usize::from(submit.await.unwrap().is_some());
    }
    assert_eq!(stored, 1, "{backend}: one draft, eight submits at once, one declaration");
    assert_eq!(store.declarations_of(case.id).await.unwrap().len(), 1, "{backend}");
}

#[tokio::test]
async fn sealed_values_are_walked_in_key_order_and_replaced_only_if_unchanged() {
    use app::store::{Resealed, SealedColumn, SealedKey};
    for (backend, store, _db) in backends().await {
        for (phone_key, sealed) in [("b", "v1:b"), ("a", "v1:a"), ("c", "v1:c")] {
            store.save_draft(phone_key, sealed, 100).await.unwrap();
        }
        let column = SealedColumn::ApplicationDrafts;
        let first = store.sealed_values(column, &column.first_key(), 2).await.unwrap();
        let keys = |page: &[(SealedKey, String)]| page.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
        let text = |key: &str| SealedKey::Text(key.into());
        assert_eq!(keys(&first), [text("a"), text("b")], "{backend}");
        let rest = store.sealed_values(column, &first[1].0, 2).await.unwrap();
        assert_eq!(rest, [(text("c"), "v1:c".to_string())], "{backend}");

        let reseal =
            |key: &str, old: &str| Resealed { key: text(key), old: old.into(), new: format!("v2:{key}") };
        let audits = store.audit_records().await.unwrap().len();
        // "b" changed since it was read: left as the newer value.
        let batch = [reseal("a", "v1:a"), reseal("b", "v1:old")];
        assert_eq!(store.replace_sealed(column, &batch, &by_test()).await.unwrap(), 1, "{backend}");
        assert_eq!(store.draft("a").await.unwrap().as_deref(), Some("v2:a"), "{backend}");
        assert_eq!(store.draft("b").await.unwrap().as_deref(), Some("v1:b"), "{backend}");
        assert_eq!(
            store.audit_records().await.unwrap().len(),
            audits + 1,
            "{backend}: audited with the change"
        );
        let nothing = store.replace_sealed(column, &[reseal("b", "v1:old")], &by_test()).await.unwrap();
        assert_eq!(nothing, 0, "{backend}");
        assert_eq!(store.audit_records().await.unwrap().len(), audits + 1, "{backend}: nothing to audit");

        let reference = "ZY20261204-SEALED";
        store.submit_application(&new_application(reference, "k1", "620702001", "2027-01-12")).await.unwrap();
        let id = store.application_by_reference(reference).await.unwrap().unwrap().id;
        let applications = store.sealed_values(SealedColumn::Applications, &SealedKey::Id(i64::MIN), 10);
        assert_eq!(applications.await.unwrap(), [(SealedKey::Id(id), "v1:sealed".to_string())], "{backend}");
    }
}
