//! The life of an assisted household after the decision, over real HTTP: the approval creates a record
//! in the register, a year later it falls due for review in its township's queue, the review ends in a
//! phase-out (渐退) and, after its end date, the household is off the public list and counted as ended.
//! A one-off 临时救助 is never shown as monthly. Other townships get 404 on records and reviews.

use crate::common::{
    check_status, location, multipart_form, post, spawn_app, spawn_on_postgres, submit_application,
    wait_for_sms, Reviewer, TestApp,
};
use app::domain::staff::Role;
use reqwest::StatusCode;

const TOWNSHIP: &str = "620702001";
const OTHER_TOWNSHIP: &str = "620702002";

/// Takes a submitted case through the township's steps, the notice and the county's approval.
async fn approve(app: &TestApp, reference: &str, amount: &str) {
    let township =
        Reviewer::sign_in(app, &format!("t{}", &reference[11..]), Role::TownshipReviewer, TOWNSHIP).await;
    township.act(reference, "accept", "", "").await;
    township.act(reference, "record_visit", "入户核实，家中无劳动力", "").await;
    township.act(reference, "record_check", "银行存款、不动产、车辆核对无异常", "").await;
    township.act(reference, "recommend", "入户调查属实", amount).await;
    township.act(reference, "publish_notice", "", "").await;
    app.clock.advance_days(8); // the notice's seven days go by
    township.sign_in_again().await;
    township.act(reference, "forward_to_county", "公示无异议", "").await;
    let county =
        Reviewer::sign_in(app, &format!("c{}", &reference[11..]), Role::CountyReviewer, "620702").await;
    let (_, html) = county.act(reference, "approve", "", amount).await;
    assert!(html.contains("救助对象记录"), "the approval creates the household's record");
}

/// The monitoring register's household of the applicant `submit_application` verifies.
async fn monitored_household(app: &TestApp) -> Option<app::store::MonitoredHousehold> {
    use app::domain::id_number::{BirthDate, IdNumber};
    let store = server::store::open(&app.database_url).await.unwrap();
    let hasher = app::keyed_hash::KeyedHasher::new(server::config::Config::default().data_key.expose());
    let today = BirthDate::today_in_china(app.now());
    let applicant = IdNumber::parse(&crate::common::id_number("62070219700101202"), today).unwrap();
    let household =
        store.member_household(&app::features::monitoring::member_hash(&hasher, &applicant)).await;
    store.close().await;
    household.unwrap()
}

/// The recipient list of the township as the public sees it.
async fn recipients(app: &TestApp) -> String {
    let client = TestApp::new_client();
    let url = app.url(&format!("/notices/recipients?township={TOWNSHIP}"));
    client.get(url).send().await.unwrap().text().await.unwrap()
}

/// The township's "现有低保" column of `/stats.csv`.
async fn dibao_recipients(app: &TestApp) -> String {
    let csv = app.get("/stats.csv").await.text().await.unwrap();
    let line = csv.lines().find(|l| l.contains(&format!(",{TOWNSHIP},"))).unwrap().to_string();
    line.split(',').nth(7).unwrap().to_string()
}

fn review_fields<'a>(outcome: &'a str, until: &'a str, income: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("outcome", outcome),
        ("note", "入户核查：儿子今年在县城就业，月工资约2000元"),
        ("until", until),
        ("income", income),
        ("employed", "1"),
        ("household_size", "2"),
        ("residence", "rural"),
    ]
}

/// A day counted from the server's today in China, as forms take it.
fn day(app: &TestApp, days_from_today: i64) -> String {
    app::domain::calendar::Date::today_in_china(app.now()).add_days(days_from_today).to_string()
}

#[tokio::test]
async fn a_record_falls_due_a_year_later_and_a_phase_out_takes_the_household_off_the_list_when_it_ends() {
    record_falls_due_and_phases_out(spawn_app().await).await;
}

#[tokio::test]
async fn a_record_falls_due_a_year_later_and_a_phase_out_ends_on_postgres() {
    let Some(app) = spawn_on_postgres().await else { return };
    record_falls_due_and_phases_out(app).await;
}

async fn record_falls_due_and_phases_out(app: TestApp) {
    let phone = "13912340101";
    let reference = submit_application(&app, phone, "王秀兰", TOWNSHIP).await;
    approve(&app, &reference, "640").await;
    let township = Reviewer::sign_in(&app, "dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    the_approval_puts_the_household_on_the_register_until_its_review(&app, &township, &reference).await;
    a_year_later_the_record_is_due_in_its_township_only(&app, &township, &reference).await;
    another_township_cannot_see_or_review_it(&app, &reference).await;
    a_phase_out_is_checked_then_recorded_and_announced(&app, &township, &reference, phone).await;
    an_ended_phase_out_leaves_the_list_and_counts_as_ended(&app, &township, &reference).await;
    let store = server::store::open(&app.database_url).await.unwrap();
    let audit = store.audit_records().await.unwrap();
    assert!(audit.iter().any(|r| r.event.action == "record.review" && r.event.subject == reference));
    store.close().await;
    app.stop().await;
}

/// In force, with the amount and the next review a year on; listed, not yet in the review queue.
async fn the_approval_puts_the_household_on_the_register_until_its_review(
    app: &TestApp,
    township: &Reviewer<'_>,
    reference: &str,
) {
    let household = monitored_household(app).await.expect("the approval puts the household on the register");
    let dibao = app::domain::register::Category::Assistance(app::domain::assistance::AssistanceType::Dibao);
    assert_eq!((household.category, household.source.as_str()), (Some(dibao), "application"));
    assert_eq!(household.township_code, TOWNSHIP);
    let case_page = format!("/review/case/{reference}");
    let (_, html) = township.page(&case_page).await;
    assert!(html.contains("<strong>在保</strong>") && html.contains("每月 640 元"), "{html}");
    let next_year = app::domain::calendar::Date::today_in_china(app.now()).add_months(12);
    assert!(
        html.contains(&format!("下次复核</dt><dd class=\"record-review\">{}", next_year.chinese())),
        "{html}"
    );
    let (_, queue) = township.page("/review/records").await;
    assert!(queue.contains("共 0 户") && !queue.contains(reference));
    assert!(recipients(app).await.contains("王*兰"), "a household in force is listed");
    assert_eq!(dibao_recipients(app).await, "<5", "one household in force, a hidden count");
}

async fn a_year_later_the_record_is_due_in_its_township_only(
    app: &TestApp,
    township: &Reviewer<'_>,
    reference: &str,
) {
    let case_page = format!("/review/case/{reference}");
    app.clock.advance_days(367); // a year and a day or two: the yearly review is due, not overdue
    township.sign_in_again().await;
    let (_, queue) = township.page("/review/records").await;
    assert!(queue.contains("共 1 户") && queue.contains(reference), "due for review in its township's queue");
    let (_, html) = township.page(&case_page).await;
    assert!(
        html.contains("提交复核结果") && html.contains(r#"value="phase_out""#),
        "the review form is offered"
    );
}

async fn another_township_cannot_see_or_review_it(app: &TestApp, reference: &str) {
    let stranger = Reviewer::sign_in(app, "xijie", Role::TownshipReviewer, OTHER_TOWNSHIP).await;
    let (status, _) = stranger.page(&format!("/review/case/{reference}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, queue) = stranger.page("/review/records").await;
    assert!(!queue.contains(reference), "another township's queue does not hold it");
    let review_path = format!("/review/case/{reference}/review");
    let answer =
        stranger.post_multipart(&review_path, multipart_form(&review_fields("continue", "", ""))).await;
    assert_eq!(answer.status(), StatusCode::NOT_FOUND, "another township cannot review it");
}

/// A phase-out too long, or with an income not above the standard after the cost of working, is refused
/// next to its fields with what was typed kept; a right one is recorded, listed and sent to the household.
async fn a_phase_out_is_checked_then_recorded_and_announced(
    app: &TestApp,
    township: &Reviewer<'_>,
    reference: &str,
    phone: &str,
) {
    let (case_page, review_path) =
        (format!("/review/case/{reference}"), format!("/review/case/{reference}/review"));
    let far = app::domain::calendar::Date::today_in_china(app.now()).add_months(7).to_string();
    let answer =
        township.post_multipart(&review_path, multipart_form(&review_fields("phase_out", &far, "900"))).await;
    let (_, html) = township.page(&location(&answer)).await;
    assert!(html.contains("最长6个月"), "the phase-out limit is said next to the date");
    assert!(html.contains("未超过低保标准"), "the income test is said next to the income");
    assert!(html.contains("儿子今年在县城就业"), "what was typed is kept");

    let until = app::domain::calendar::Date::today_in_china(app.now()).add_months(6).to_string();
    let answer = township
        .post_multipart(&review_path, multipart_form(&review_fields("phase_out", &until, "2600")))
        .await;
    assert_eq!(location(&answer), case_page);
    let (_, html) = township.page(&case_page).await;
    assert!(html.contains("<strong>渐退中</strong>") && html.contains("之后停止发放"), "{html}");
    assert!(html.contains("复核结果：渐退"), "the review is in the case history");
    let sms = wait_for_sms(app, phone, "渐退").await;
    assert!(!sms.contains("王秀兰") && !sms.contains(reference), "no personal data in the message");
    let list = recipients(app).await;
    assert!(list.contains("王*兰") && list.contains("渐退中，发放至"), "listed with the phase-out end date");
}

/// After the end date the household is off the list and counted as ended by 渐退.
async fn an_ended_phase_out_leaves_the_list_and_counts_as_ended(
    app: &TestApp,
    township: &Reviewer<'_>,
    reference: &str,
) {
    let case_page = format!("/review/case/{reference}");
    app.clock.advance_days(190); // six months and a few days: past the end of the phase-out
    township.sign_in_again().await;
    assert!(!recipients(app).await.contains("王*兰"), "an ended phase-out is not listed");
    let (_, html) = township.page(&case_page).await;
    assert!(html.contains("<strong>已终止</strong>") && html.contains("渐退期满"));
    let (_, stats) = app.page("/stats").await;
    let ended = stats.split("register-ended").nth(1).unwrap();
    assert!(ended.contains("渐退期满"), "statistics count the household as ended by 渐退");
    assert_eq!(dibao_recipients(app).await, "0", "no longer a current recipient of the township");
}

#[tokio::test]
async fn an_ending_waits_for_the_county_and_the_household_sees_the_reason() {
    let mut app = spawn_app().await;
    let phone = "13912340102";
    let reference = submit_application(&app, phone, "李桂花", TOWNSHIP).await;
    approve(&app, &reference, "500").await;
    app.clock.advance_days(420); // past the yearly review and its 20 working days
    let township = Reviewer::sign_in(&app, "dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    let county = Reviewer::sign_in(&app, "ganzhou", Role::CountyReviewer, "620702").await;
    let (_, queue) = county.page("/review/records?overdue=yes").await;
    assert!(queue.contains(&reference) && queue.contains("超期"), "the county sees the overdue review");
    assert!(queue.contains("各乡镇（街道）超期未复核"), "and the count per township");

    let review_path = format!("/review/case/{reference}/review");
    let end = [("outcome", "end"), ("note", "全家已迁往兰州市居住"), ("reason", "")];
    let answer = township.post_multipart(&review_path, multipart_form(&end)).await;
    let (_, html) = township.page(&location(&answer)).await;
    assert!(html.contains("请选择终止救助的原因"));
    let end = [("outcome", "end"), ("note", "全家已迁往兰州市居住"), ("reason", "moved")];
    township.post_multipart(&review_path, multipart_form(&end)).await;
    let (_, html) = township.page(&format!("/review/case/{reference}")).await;
    assert!(
        html.contains("<strong>在保</strong>") && html.contains("待县级确认"),
        "ending waits for the county"
    );

    let confirm_path = format!("/review/case/{reference}/confirm");
    let refused = township.post(&confirm_path, &[("decision", "confirm"), ("confirm_note", "")]).await;
    let (_, html) = township.page(&location(&refused)).await;
    assert!(html.contains("调整和终止由县级审核确认"), "the township cannot confirm its own proposal");
    let other_county = Reviewer::sign_in(&app, "sunan", Role::CountyReviewer, "620721").await;
    let outside = other_county.post(&confirm_path, &[("decision", "confirm"), ("confirm_note", "")]).await;
    assert_eq!(outside.status(), StatusCode::NOT_FOUND, "another county cannot confirm it");
    let answer = county.post(&confirm_path, &[("decision", "confirm"), ("confirm_note", "核实无误")]).await;
    let (_, html) = county.page(&location(&answer)).await;
    assert!(html.contains("<strong>已终止</strong>") && html.contains("户籍或居住地迁出本县区"), "{html}");
    wait_for_sms(&app, phone, "救助已终止").await;
    assert!(!recipients(&app).await.contains("李*花"), "an ended record is not listed");

    check_status(&mut app, &reference, phone).await;
    let (_, html) = app.page("/status/view").await;
    assert!(html.contains("已终止") && html.contains("原因：户籍或居住地迁出本县区"), "{html}");
    app.stop().await;
}

#[tokio::test]
async fn a_temporary_grant_is_one_off_everywhere_and_never_a_monthly_recipient() {
    let mut app = spawn_app().await;
    let phone = "13912340103";
    let reference = app.resident(phone).named("赵建国").applies_for("temporary").submits().await;
    approve(&app, &reference, "2000").await;
    assert!(
        monitored_household(&app).await.is_none(),
        "a one-off grant does not make a household low-income"
    );
    let county = Reviewer::sign_in(&app, "ganzhou", Role::CountyReviewer, "620702").await;
    let (_, html) = county.page(&format!("/review/case/{reference}")).await;
    assert!(html.contains("一次性 2000 元") && !html.contains("每月 2000 元"), "{html}");
    assert!(html.contains("已给予一次性救助"));
    assert!(!recipients(&app).await.contains("赵*国"), "a one-off grant is not a monthly recipient");

    check_status(&mut app, &reference, phone).await;
    let (_, html) = app.page("/status/view").await;
    assert!(html.contains("一次性 2000 元") && !html.contains("每月 2000"), "{html}");
    assert!(html.contains("不按月发放"));
    app.stop().await;
}

#[tokio::test]
async fn a_household_declares_a_new_job_and_the_township_sees_it_in_its_queue() {
    let mut app = spawn_app().await;
    let phone = "13912340104";
    let reference = submit_application(&app, phone, "张玉梅", TOWNSHIP).await;
    let (_, html) = app.page("/status/change").await;
    assert!(html.contains("请先在“进度查询”中输入申请编号"), "no declaration before the SMS check");
    check_status(&mut app, &reference, phone).await;
    let (_, html) = app.page("/status/change").await;
    assert!(!html.contains(r#"action="/status/change/kind""#), "a case not approved takes no declaration");
    approve(&app, &reference, "600").await;
    check_status(&mut app, &reference, phone).await;
    let (_, html) = app.page("/status/view").await;
    assert!(html.contains(r#"href="/status/change""#), "the status page offers the declaration");
    the_household_declares_it_step_by_step_once(&app, &reference).await;
    let township = Reviewer::sign_in(&app, "dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    only_its_township_sees_the_declaration(&app, &township, &reference).await;
    let review = [("outcome", "continue"), ("note", "入户核实：工资不稳定，继续保障")];
    township.post_multipart(&format!("/review/case/{reference}/review"), multipart_form(&review)).await;
    let (_, queue) = township.page("/review/records").await;
    assert!(
        !queue.contains("待复核 1 件") && queue.contains("共 0 户"),
        "the review handles the declaration"
    );
    let store = server::store::open(&app.database_url).await.unwrap();
    let audit = store.audit_records().await.unwrap();
    assert!(audit.iter().any(|r| r.event.action == "record.declaration" && r.event.subject == reference));
    store.close().await;
    app.stop().await;
}

/// The kind, then the details (checked, what was typed kept), then the check page; submitted once.
async fn the_household_declares_it_step_by_step_once(app: &TestApp, reference: &str) {
    let back = app.post_form("/status/change/kind", &[("kind", "")]).await;
    let (_, html) = app.page(&location(&back)).await;
    assert!(html.contains("请选择发生了哪种变化"));
    assert_eq!(post(app, "/status/change/kind", &[("kind", "income")]).await, "/status/change/details");
    let details = [("occurred_on", "2099-01-01"), ("details", "儿子在县城找到工作"), ("income", "")];
    let back = app.post_form("/status/change/details", &details).await;
    let (_, html) = app.page(&location(&back)).await;
    assert!(html.contains("日期不能晚于今天") && html.contains("请填写家庭现在每月总收入"));
    assert!(html.contains("儿子在县城找到工作"), "what was typed is kept");
    let today = app::domain::calendar::Date::today_in_china(app.now());
    let occurred = today.add_days(-10).to_string();
    let details =
        [("occurred_on", occurred.as_str()), ("details", "儿子在县城找到工作"), ("income", "2,600")];
    assert_eq!(post(app, "/status/change/details", &details).await, "/status/change/check");
    let (_, html) = app.page("/status/change/check").await;
    assert!(html.contains("收入或就业变化") && html.contains("2600 元") && html.contains("提交申报"));
    let response = app.post_multipart("/status/change/submit", multipart_form(&[("submit", "yes")])).await;
    let done = location(&response);
    assert!(done.starts_with(&format!("/status/change/done?number={reference}-B")), "{done}");
    let (_, html) = app.page(&done).await;
    assert!(html.contains("申报已提交"));
    let again = app.post_multipart("/status/change/submit", multipart_form(&[("submit", "yes")])).await;
    let (_, html) = app.page(&location(&again)).await;
    assert!(!location(&again).starts_with("/status/change/done"), "submitted once: {html}");
}

/// The record is up for review at once in its township's queue, with the declaration on the case page.
async fn only_its_township_sees_the_declaration(app: &TestApp, township: &Reviewer<'_>, reference: &str) {
    let (_, queue) = township.page("/review/records").await;
    assert!(queue.contains("待复核 1 件") && queue.contains("收入或就业变化"), "{queue}");
    assert!(queue.contains("共 1 户"), "the record is up for review at once");
    let (_, html) = township.page(&format!("/review/case/{reference}")).await;
    assert!(
        html.contains("儿子在县城找到工作")
            && html.contains("待复核")
            && html.contains("居民申报家庭情况变化")
    );
    let stranger = Reviewer::sign_in(app, "xijie", Role::TownshipReviewer, OTHER_TOWNSHIP).await;
    let (_, queue) = stranger.page("/review/records").await;
    assert!(
        !queue.contains(reference) && !queue.contains("收入或就业变化"),
        "not in another township's queue"
    );
    let (status, _) = stranger.page(&format!("/review/case/{reference}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nor is the declaration on a page another township can open");
}

#[tokio::test]
async fn a_household_whose_phase_out_ended_declares_that_its_income_fell_and_the_township_is_warned() {
    let mut app = spawn_app().await;
    let phone = "13912340105";
    let reference = submit_application(&app, phone, "张玉梅", TOWNSHIP).await;
    approve(&app, &reference, "600").await;
    a_month_of_phase_out_ended_a_month_ago(&app, &reference).await;
    check_status(&mut app, &reference, phone).await;
    let (_, html) = app.page("/status/view").await;
    assert!(html.contains(">收入又下降了？在线告诉我们<"), "offered after the end: {html}");
    let (_, html) = app.page("/status/change").await;
    assert!(
        html.contains("value=\"income\"") && !html.contains("value=\"members\""),
        "only a fall of income"
    );
    let back = app.post_form("/status/change/kind", &[("kind", "members")]).await;
    let (_, html) = app.page(&location(&back)).await;
    assert!(html.contains("在网上只能申报收入下降"), "{html}");
    assert_eq!(post(&app, "/status/change/kind", &[("kind", "income")]).await, "/status/change/details");
    let occurred = day(&app, -3);
    let details =
        [("occurred_on", occurred.as_str()), ("details", "打工的工地停工，没有收入了"), ("income", "300")];
    assert_eq!(post(&app, "/status/change/details", &details).await, "/status/change/check");
    let (_, html) = app.page("/status/change/check").await;
    assert!(html.contains("300 元") && !html.contains("name=\"evidence\""), "{html}");
    let response = app.post_multipart("/status/change/submit", multipart_form(&[("submit", "yes")])).await;
    let done = location(&response);
    assert!(done.starts_with(&format!("/status/change/done?number={reference}-Y")), "{done}");
    let (_, html) = app.page(&done).await;
    assert!(html.contains("入户了解您家的情况"), "{html}");
    let again = app.post_multipart("/status/change/submit", multipart_form(&[("submit", "yes")])).await;
    let (_, html) = app.page(&location(&again)).await;
    assert!(html.contains("这份申报已经提交过了"), "one signal for one change: {html}");

    let township = Reviewer::sign_in(&app, "dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    let (_, warnings) = township.page("/review/warnings").await;
    assert!(warnings.contains(">退出救助后收入下降<") && warnings.contains("待处置 1 条"), "{warnings}");
    let household = monitored_household(&app).await.expect("registered at approval");
    let (_, file) = township.page(&format!("/review/households/{}", household.id)).await;
    assert!(file.contains("居民申报：退出救助后收入下降"), "{file}");
    let (_, queue) = township.page("/review/records").await;
    assert!(queue.contains("共 0 户"), "no record review: the record has ended");
    let store = server::store::open(&app.database_url).await.unwrap();
    let audit = store.audit_records().await.unwrap();
    let declared = audit.iter().filter(|r| r.event.action == "monitoring.income_fall_declared").count();
    assert_eq!(declared, 1);
    store.close().await;

    app.clock.advance_days(400);
    check_status(&mut app, &reference, phone).await;
    let (_, html) = app.page("/status/view").await;
    assert!(html.contains("<h2>救助情况</h2>"), "the record is still shown: {html}");
    assert!(!html.contains("href=\"/status/change\""), "past the window, the township is called instead");
    app.stop().await;
}

/// A year after the approval the township's review phases the household out over one month; two months
/// later that month has been over for about thirty days.
async fn a_month_of_phase_out_ended_a_month_ago(app: &TestApp, reference: &str) {
    app.clock.advance_days(367);
    let township = Reviewer::sign_in(app, "fuhe", Role::TownshipReviewer, TOWNSHIP).await;
    let until = app::domain::calendar::Date::today_in_china(app.now()).add_months(1).to_string();
    let review_path = format!("/review/case/{reference}/review");
    let phase_out = multipart_form(&review_fields("phase_out", &until, "2600"));
    let answer = township.post_multipart(&review_path, phase_out).await;
    assert_eq!(location(&answer), format!("/review/case/{reference}"), "the phase-out is recorded");
    app.clock.advance_days(61);
}
