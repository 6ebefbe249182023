//! The review workflow over real HTTP: a submitted application moves through the township's steps and
//! the notice to the county's decision; other townships and counties cannot see or touch it; illegal
//! steps are refused; every view of the case is audited.

use crate::common::{
    case_actions, location, pdf_text, spawn_app, submit_application, texts, Reviewer, TestApp,
};
use app::domain::staff::Role;
use app::domain::workflow::Status;
use reqwest::StatusCode;

const TOWNSHIP: &str = "620702001";

async fn status_of(app: &TestApp, reference: &str) -> Status {
    let store = server::store::open(&app.database_url).await.unwrap();
    let status = store.application_by_reference(reference).await.unwrap().unwrap().status;
    store.close().await;
    status
}

/// The first status message the background worker sent to `phone` (waits up to five seconds).
async fn wait_for_status_sms(app: &TestApp, phone: &str) -> String {
    for _ in 0..100 {
        let update = app.outbox.messages_to(phone).into_iter().find_map(|m| match m {
            app::sms::SmsMessage::StatusUpdate { .. } => Some(m.text()),
            _ => None,
        });
        if let Some(text) = update {
            return text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no status SMS to {phone}");
}

/// The seven days of the notice go by; the township's reviewer signs in again the next morning.
async fn end_notice_period(app: &TestApp, township: &Reviewer<'_>) {
    app.clock.advance_days(8);
    township.sign_in_again().await;
}

#[tokio::test]
async fn an_application_goes_from_submission_through_the_notice_to_county_approval() {
    let app = spawn_app().await;
    let reference = submit_application(&app, "13912340001", "王秀兰", TOWNSHIP).await;
    let township = Reviewer::sign_in(&app, "dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    the_township_investigates_and_publishes_the_notice(&app, &township, &reference).await;
    the_public_notice_holds_only_the_masked_head_of_household(&app).await;
    let county = the_county_approves_once_the_notice_is_over(&app, &township, &reference).await;
    the_history_and_the_form_hold_every_step(&app, &township, &county, &reference).await;
    app.stop().await;
}

/// The township's steps, each refused until what it needs is there: 受理, the visit and the check, the
/// signed consent, the recommendation with an amount, the notice.
async fn the_township_investigates_and_publishes_the_notice(
    app: &TestApp,
    township: &Reviewer<'_>,
    reference: &str,
) {
    let (_, html) = township.page("/review").await;
    assert!(html.contains(reference) && html.contains("共 1 件"), "the case is in its township's queue");
    let (status, html) = township.page(&format!("/review/case/{reference}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("王秀兰") && html.contains("尿毒症"), "staff see what was submitted");
    let actions = case_actions(&html);
    assert!(actions.iter().any(|a| a == "accept"), "受理 is offered: {actions:?}");
    assert!(!actions.iter().any(|a| a == "publish_notice"), "only the actions allowed now: {actions:?}");

    township.act(reference, "accept", "", "").await;
    assert_eq!(status_of(app, reference).await, Status::Investigating);
    let update = wait_for_status_sms(app, "13912340001").await;
    assert!(update.contains("核对和入户调查中") && update.contains("下一步"), "{update}");
    for private in ["王秀兰", reference, "元"] {
        assert!(!update.contains(private), "the SMS carries no personal data: {private}");
    }
    let (_, html) = township.act(reference, "recommend", "入户调查属实", "640").await;
    assert!(
        html.contains("请先记录入户调查和家庭经济状况核对结果"),
        "no recommendation without the investigation"
    );
    let (_, html) = township.act(reference, "record_visit", "", "").await;
    assert!(html.contains("请在办理意见中写明调查或核对的情况"));
    township.act(reference, "record_visit", "11月30日入户，本人透析，无劳动能力，住房简陋", "").await;
    township.act(reference, "record_check", "银行存款、不动产、车辆核对无异常", "").await;
    collect_signed_consent(app, township, reference).await;
    assert_eq!(status_of(app, reference).await, Status::Investigating, "records keep the status");
    let (_, html) = township.act(reference, "recommend", "入户调查属实", "").await;
    assert!(html.contains("请填写每月救助金额"), "a recommendation needs an amount");
    township.act(reference, "recommend", "入户调查属实", "640").await;
    township.act(reference, "publish_notice", "", "").await;
    assert_eq!(status_of(app, reference).await, Status::InNotice);
}

async fn the_public_notice_holds_only_the_masked_head_of_household(app: &TestApp) {
    let store = server::store::open(&app.database_url).await.unwrap();
    let today = app::domain::calendar::Date::today_in_china(app.now());
    let first_page = app::store::Page::numbered(1, 50);
    let (notices, total) = store.current_notices(today, None, Some(TOWNSHIP), first_page).await.unwrap();
    assert_eq!((notices.len(), total), (1, 1));
    assert_eq!(notices[0].head_name_masked, "王*兰");
    assert_eq!(notices[0].monthly_amount, 640);
    store.close().await;
}

/// Forwarding waits for the end of the notice; the county sees and approves the case.
async fn the_county_approves_once_the_notice_is_over<'a>(
    app: &'a TestApp,
    township: &Reviewer<'_>,
    reference: &str,
) -> Reviewer<'a> {
    let (_, html) = township.act(reference, "forward_to_county", "", "").await;
    assert!(html.contains("公示期尚未结束"), "forwarding waits for the end of the notice");
    end_notice_period(app, township).await;
    township.act(reference, "forward_to_county", "公示无异议", "").await;
    assert_eq!(status_of(app, reference).await, Status::AtCounty);

    let county = Reviewer::sign_in(app, "ganzhou", Role::CountyReviewer, "620702").await;
    let (_, html) = county.page("/review?status=at_county").await;
    assert!(html.contains(reference), "the county sees the cases of its townships");
    county.act(reference, "approve", "", "640").await;
    assert_eq!(status_of(app, reference).await, Status::Approved);
    county
}

/// The case's history names every step; the 审批表 for the archive holds the application and every step,
/// with who and when; views and printing are audited.
async fn the_history_and_the_form_hold_every_step(
    app: &TestApp,
    township: &Reviewer<'_>,
    county: &Reviewer<'_>,
    reference: &str,
) {
    let (_, html) = county.page(&format!("/review/case/{reference}")).await;
    // Each entry reads "when who：step（note）": the step is compared whole (受理 is not 待受理).
    let entries = texts(&html, "ol.history li");
    fn step_of(entry: &str) -> Option<&str> {
        entry.split_once('：').map(|(_, rest)| rest.split('（').next().unwrap_or(""))
    }
    let steps: Vec<&str> = entries.iter().filter_map(|e| step_of(e)).collect();
    for step in ["受理", "记录入户调查", "乡镇审核通过", "发布公示", "报送县级审核确认", "批准"]
    {
        assert!(steps.contains(&step), "the history names {step}: {steps:?}");
    }
    assert!(entries.iter().any(|e| e.contains("无劳动能力")), "with the visit's note: {entries:?}");
    assert!(entries.iter().any(|e| e.contains("每月 640 元")), "and the amount: {entries:?}");
    let (form, _, bytes) = pdf_text(township, &format!("/review/case/{reference}/form.pdf")).await;
    println!("审批表 of {reference}: {bytes} bytes");
    for words in [
        reference,
        "社会救助申请审核审批表",
        "王秀兰",
        "尿毒症",
        "记录入户调查",
        "无劳动能力",
        "乡镇审核通过",
        "公示无异议",
        "发布公示",
        "报送县级审核确认",
        "批准",
        "每月640元",
        "经办人（签字）",
        "第1页",
    ] {
        assert!(form.contains(words), "the 审批表 holds {words}: {form}");
    }
    let store = server::store::open(&app.database_url).await.unwrap();
    let audit = store.audit_records().await.unwrap();
    assert!(audit.iter().filter(|r| r.event.action == "case.viewed").count() >= 2, "views are audited");
    assert!(
        audit.iter().any(|r| r.event.action == "case.form_printed" && r.event.subject == reference),
        "printing the 审批表 is audited"
    );
    assert!(audit.iter().any(|r| r.event.action == "case.approve" && r.event.subject == reference));
    store.close().await;
}

/// The township prints the 授权书 and 承诺书 (one page per adult: the applicant, not her 14-year-old son),
/// with the words she agreed to online, and records the signed paper with its photo.
async fn collect_signed_consent(app: &TestApp, township: &Reviewer<'_>, reference: &str) {
    use crate::common::{multipart_form, photo_part, GPS_PHOTO};
    let (paper, pages, bytes) = pdf_text(township, &format!("/review/case/{reference}/consent.pdf")).await;
    println!("授权书和承诺书 of {reference}: {pages} page(s), {bytes} bytes");
    assert_eq!(pages, 1, "one adult member: {paper}");
    let agreed: String = app::domain::consent::CONSENT_STATEMENT.split_whitespace().collect();
    for words in
        ["家庭经济状况核对授权书和承诺书", "王秀兰", "本人签字（按手印）", "文本版本2026-12", &agreed]
    {
        assert!(paper.contains(words), "the paper holds {words}: {paper}");
    }
    assert!(!paper.contains("王小明"), "a minor does not sign: {paper}");
    let typed = [("action", "record_consent"), ("note", "收回申请人签字的授权书和承诺书")];
    let posted = township
        .post_multipart(
            &format!("/review/case/{reference}"),
            multipart_form(&typed).part("photos", photo_part(GPS_PHOTO)),
        )
        .await;
    let (_, html) = township.page(&location(&posted)).await;
    assert!(html.contains("记录已收回签字的授权书") && html.contains("签字的授权书和承诺书：照片"), "{html}");
    let store = server::store::open(&app.database_url).await.unwrap();
    let audit = store.audit_records().await.unwrap();
    store.close().await;
    assert!(audit.iter().any(|r| r.event.action == "case.consent_printed" && r.event.subject == reference));
}

#[tokio::test]
async fn one_look_at_a_case_is_audited_once() {
    let app = spawn_app().await;
    let reference = submit_application(&app, "13912340009", "吴桂英", TOWNSHIP).await;
    let township = Reviewer::sign_in(&app, "dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    let views = || async {
        let store = server::store::open(&app.database_url).await.unwrap();
        let audit = store.audit_records().await.unwrap();
        store.close().await;
        audit.iter().filter(|r| r.event.action == "case.viewed" && r.event.subject == reference).count()
    };
    assert_eq!(views().await, 0);
    let (status, html) = township.page(&format!("/review/case/{reference}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("吴桂英"));
    assert_eq!(views().await, 1, "a page read runs once per request");
    app.stop().await;
}

#[tokio::test]
async fn a_refusal_needs_written_reasons_and_ends_the_case() {
    let app = spawn_app().await;
    let reference = submit_application(&app, "13912340002", "李春花", TOWNSHIP).await;
    let township = Reviewer::sign_in(&app, "dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    township.act(&reference, "accept", "", "").await;
    let (_, html) = township.act(&reference, "refuse", "", "").await;
    assert!(html.contains("不予批准必须写明理由"));
    assert_eq!(status_of(&app, &reference).await, Status::Investigating);
    township.act(&reference, "refuse", "家庭人均收入高于当地低保标准", "").await;
    assert_eq!(status_of(&app, &reference).await, Status::Refused);
    let (_, html) = township.act(&reference, "accept", "", "").await;
    assert!(html.contains("当前状态（未批准）下不能进行“受理”"), "no step out of a final state");
    app.stop().await;
}

#[tokio::test]
async fn illegal_transitions_are_refused_whoever_asks() {
    let app = spawn_app().await;
    let reference = submit_application(&app, "13912340003", "赵建国", TOWNSHIP).await;
    let township = Reviewer::sign_in(&app, "dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    let (_, html) = township.act(&reference, "publish_notice", "", "").await;
    assert!(html.contains("当前状态（待受理）下不能进行“发布公示”"));
    let (_, html) = township.act(&reference, "approve", "", "500").await;
    assert!(html.contains("无权进行“批准”"), "a township approves only emergencies");
    let county = Reviewer::sign_in(&app, "ganzhou", Role::CountyReviewer, "620702").await;
    let (_, html) = county.act(&reference, "accept", "", "").await;
    assert!(html.contains("无权进行“受理”"), "acceptance is the township's");
    assert_eq!(status_of(&app, &reference).await, Status::Submitted);
    app.stop().await;
}

#[tokio::test]
async fn other_townships_counties_departments_and_administrators_cannot_see_or_act() {
    let app = spawn_app().await;
    let reference = submit_application(&app, "13912340004", "孙玉梅", TOWNSHIP).await;
    let outsiders = [
        ("xijie", Role::TownshipReviewer, "620702002"),
        ("shandan", Role::CountyReviewer, "620725"),
        ("yibao", Role::DepartmentOfficer, "medical-insurance"),
        ("admin", Role::Administrator, "city"),
    ];
    for (username, role, scope) in outsiders {
        let outsider = Reviewer::sign_in(&app, username, role, scope).await;
        let (_, html) = outsider.page("/review").await;
        assert!(!html.contains(&reference), "{username}: not in the queue");
        let (status, html) = outsider.page(&format!("/review/case/{reference}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{username}: case page answers 404");
        assert!(html.contains("没有这个案件") && !html.contains("孙玉梅"), "{username}: case page refused");
        let (status, _) = outsider.act(&reference, "accept", "", "").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{username}: action refused");
        for paper in ["form.pdf", "consent.pdf"] {
            let (status, html) = outsider.page(&format!("/review/case/{reference}/{paper}")).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{username}: no {paper}");
            assert!(!html.contains("孙玉梅"), "{username}: nothing of the case");
        }
    }
    assert_eq!(status_of(&app, &reference).await, Status::Submitted);

    // Without a session the action goes to sign-in.
    let response = TestApp::new_client()
        .post(app.url(&format!("/review/case/{reference}")))
        .header("origin", app.url(""))
        .header("sec-fetch-site", "same-origin")
        .form(&[("action", "accept")])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&response), "/review/login");
    app.stop().await;
}

#[tokio::test]
async fn a_case_drawn_for_a_re_check_is_approved_only_after_the_county_visits() {
    let database = crate::common::sqlite_database();
    let mut config = crate::common::test_config(&database.url);
    config.recheck_share_percent = 100;
    let app = crate::common::spawn_with(config, Some(database)).await;
    let reference = submit_application(&app, "13912340005", "马兰花", TOWNSHIP).await;
    let township = Reviewer::sign_in(&app, "dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    township.investigates_and_recommends(&reference, "500").await;
    township.publishes_and_forwards_after_the_notice(&reference).await;

    let county = Reviewer::sign_in(&app, "ganzhou", Role::CountyReviewer, "620702").await;
    let (_, html) = county.page(&format!("/review/case/{reference}")).await;
    assert!(html.contains("抽中县级复核"));
    let (_, html) = county.act(&reference, "approve", "", "500").await;
    assert!(html.contains("本案被抽中县级入户复核"));
    assert_eq!(status_of(&app, &reference).await, Status::AtCounty);
    county.act(&reference, "record_recheck", "县民政局入户复核，情况属实", "").await;
    county.act(&reference, "approve", "", "500").await;
    assert_eq!(status_of(&app, &reference).await, Status::Approved);
    app.stop().await;
}

#[tokio::test]
async fn every_household_linked_to_staff_is_drawn_for_the_re_check() {
    // The default test configuration draws no case at random.
    let app = spawn_app().await;
    let admin = Reviewer::sign_in(&app, "admin", Role::Administrator, "city").await;
    let bad = admin.post("/admin/staff-relatives", &[("id_numbers", "620702201203050021\n12345")]).await;
    let (_, page) = admin.page(&location(&bad)).await;
    assert!(
        page.contains("第2行") && !page.contains("620702201203050021"),
        "errors named, numbers not echoed"
    );
    // The applicant's son (see `fill_in_everything`) is a township employee's relative.
    let son = crate::common::id_number("62070220120305002");
    let registered = admin.post("/admin/staff-relatives", &[("id_numbers", &format!("{son}\n"))]).await;
    assert_eq!(location(&registered), "/admin?saved=staff_relatives#staff-relatives");
    let (_, page) = admin.page("/admin").await;
    assert!(page.contains("已备案 1 个身份证号码") && !page.contains(&son));

    let reference = submit_application(&app, "13912340006", "马兰花", TOWNSHIP).await;
    let township = Reviewer::sign_in(&app, "dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    township.investigates_and_recommends(&reference, "500").await;
    township.publishes_and_forwards_after_the_notice(&reference).await;
    let county = Reviewer::sign_in(&app, "ganzhou", Role::CountyReviewer, "620702").await;
    let (_, html) = county.page(&format!("/review/case/{reference}")).await;
    assert!(html.contains("抽中县级复核"), "drawn although the random share is zero");
    app.stop().await;
}

fn text(cell: &calamine::Data) -> String {
    cell.to_string()
}

#[tokio::test]
async fn the_queue_exports_as_a_spreadsheet_with_its_filters_and_nothing_out_of_scope() {
    let app = spawn_app().await;
    let accepted = submit_application(&app, "13912340021", "赵丽华", TOWNSHIP).await;
    let waiting = submit_application(&app, "13912340022", "钱秀英", TOWNSHIP).await;
    let elsewhere = submit_application(&app, "13912340023", "孙建国", "620702002").await;
    let township = Reviewer::sign_in(&app, "dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    township.act(&accepted, "accept", "", "").await;
    the_township_s_sheet_holds_its_cases_typed_and_nothing_personal(
        &township, &accepted, &waiting, &elsewhere,
    )
    .await;
    let filtered = crate::common::spreadsheet_rows(
        &township,
        "/review/queue.xlsx?status=investigating&type=&overdue=",
        "审核台账",
    )
    .await;
    assert_eq!(filtered.len(), 2, "headings and the one accepted case");
    assert_eq!(text(&filtered[1][0]), accepted);
    let (_, queue) = township.page("/review?status=investigating").await;
    assert!(queue.contains(r#"href="/review/queue.xlsx?status=investigating&amp;type=&amp;overdue=""#));
    the_county_sees_its_townships_and_others_nothing(&app).await;
    let store = server::store::open(&app.database_url).await.unwrap();
    let exports: Vec<String> = store
        .audit_records()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.event)
        .filter(|e| e.action == "ledger.queue_exported")
        .map(|e| format!("{} {} {}", e.subject, e.detail, e.actor))
        .collect();
    assert_eq!(exports.len(), 3, "{exports:?}");
    assert!(exports[1].starts_with("township:620702001 status:investigating type: overdue:false rows:1"));
    assert!(exports[2].starts_with("county:620702 "), "{exports:?}");
    app.stop().await;
}

/// Headings, the township's cases only, dates as dates and days as numbers, no names or ID numbers.
async fn the_township_s_sheet_holds_its_cases_typed_and_nothing_personal(
    township: &Reviewer<'_>,
    accepted: &str,
    waiting: &str,
    elsewhere: &str,
) {
    use calamine::Data;
    let rows = crate::common::spreadsheet_rows(township, "/review/queue.xlsx", "审核台账").await;
    let headings: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(headings[..5], ["案件编号", "乡镇（街道）", "村（社区）", "救助类别", "状态"]);
    assert_eq!(headings[5..], ["提交日期", "决定期限", "剩余工作日", "急难救助", "月救助金（元）"]);
    let mut references: Vec<String> = rows[1..].iter().map(|row| text(&row[0])).collect();
    references.sort();
    let mut own = vec![accepted.to_string(), waiting.to_string()];
    own.sort();
    assert_eq!(references, own, "the township's cases, not {elsewhere}");
    let row = rows.iter().find(|row| text(&row[0]) == accepted).unwrap();
    assert_eq!(text(&row[4]), "核对和入户调查中");
    assert!(
        matches!(row[5], Data::DateTime(d) if d.is_datetime()),
        "the submission day is a date: {:?}",
        row[5]
    );
    assert!(matches!(row[6], Data::DateTime(_)), "so is the deadline");
    assert!(
        matches!(row[7], Data::Float(days) if days > 0.0),
        "working days left are a number: {:?}",
        row[7]
    );
    let everything: String = rows.iter().flatten().map(text).collect();
    assert!(!everything.contains("赵丽华") && !everything.contains("6207021"), "no names or ID numbers");
}

async fn the_county_sees_its_townships_and_others_nothing(app: &TestApp) {
    let county = Reviewer::sign_in(app, "ganzhou", Role::CountyReviewer, "620702").await;
    assert_eq!(
        crate::common::spreadsheet_rows(&county, "/review/queue.xlsx", "审核台账").await.len(),
        4,
        "the county sees its townships"
    );
    for (username, role, scope) in
        [("yibao", Role::DepartmentOfficer, "medical-insurance"), ("admin", Role::Administrator, "city")]
    {
        let outsider = Reviewer::sign_in(app, username, role, scope).await;
        let (status, _) = outsider.page("/review/queue.xlsx").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{username}");
    }
    let response = TestApp::new_client().get(app.url("/review/queue.xlsx")).send().await.unwrap();
    assert_eq!(location(&response), "/review/login");
}

#[tokio::test]
async fn the_county_returns_a_case_and_the_township_investigates_it_again() {
    let app = spawn_app().await;
    let phone = "13912340007";
    let reference = submit_application(&app, phone, "马兰花", TOWNSHIP).await;
    let township = Reviewer::sign_in(&app, "dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    township.investigates_and_recommends(&reference, "500").await;
    township.publishes_and_forwards_after_the_notice(&reference).await;

    let county = Reviewer::sign_in(&app, "ganzhou", Role::CountyReviewer, "620702").await;
    let (_, html) = county.page(&format!("/review/case/{reference}")).await;
    assert!(case_actions(&html).contains(&"return_to_township".to_string()), "offered to the county");
    let (_, html) = county.act(&reference, "return_to_township", "补查", "").await;
    assert!(html.contains("退回乡镇须写明理由（至少4个字）"), "the reasons are required: {html}");
    assert_eq!(status_of(&app, &reference).await, Status::AtCounty);
    county.act(&reference, "return_to_township", "存款情况需补充核实", "").await;
    assert_eq!(status_of(&app, &reference).await, Status::Investigating);

    let (_, html) = township.page(&format!("/review/case/{reference}")).await;
    let entries = texts(&html, "ol.history li");
    assert!(
        entries.iter().any(|e| e.contains("：退回乡镇重新调查（存款情况需补充核实）")),
        "the return and its reasons are in the history: {entries:?}"
    );
    let (_, html) = township.act(&reference, "recommend", "", "500").await;
    assert!(html.contains("请先记录入户调查和家庭经济状况核对结果"), "investigated again first: {html}");
    assert_eq!(investigating_messages(&app, phone, 2).await, 2, "the applicant is told, as at 受理");
    app.stop().await;
}

/// How many status messages to `phone` say the case is being investigated, once `expected` have come
/// (or after five seconds).
async fn investigating_messages(app: &TestApp, phone: &str, expected: usize) -> usize {
    let label = Status::Investigating.label();
    let count = || app.outbox.messages_to(phone).iter().filter(|m| m.text().contains(label)).count();
    for _ in 0..100 {
        if count() >= expected {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    count()
}
