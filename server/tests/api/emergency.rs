//! 先行救助 over real HTTP, on SQLite and PostgreSQL: a township gives help first on an urgent case within
//! its limit, the household hears of it, an unfinished file shows as overdue, and the county confirms the
//! help once the township has given its opinion. Other townships get 404; simultaneous grants give once.

use crate::common::{
    check_status, fill_in_everything, id_number, location, spawn_app, spawn_on_postgres, wait_for_sms,
    Reviewer, TestApp,
};
use app::domain::staff::Role;
use reqwest::StatusCode;

const TOWNSHIP: &str = "620702001";
const OTHER_TOWNSHIP: &str = "620702002";

/// An application for 临时救助 marked urgent (急难); returns its reference.
async fn submit_urgent_application(app: &TestApp, phone: &str) -> String {
    app.verify_resident(phone, "李春花", &id_number("62070219750304202")).await;
    fill_in_everything(app, TOWNSHIP).await;
    let urgent = [("types", "temporary"), ("emergency", "yes")];
    assert_eq!(app.post_form("/apply/form/types", &urgent).await.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page("/apply/form/check").await;
    assert!(html.contains("临时救助"), "{html}");
    crate::common::submit_checked(app, &html).await
}

/// The township's limit as its grant form states it ("最多 2400 元").
fn stated_limit(html: &str) -> u32 {
    let after = html.split("乡镇可先行给予，最多 ").nth(1).expect("the grant form states the limit");
    after.split(' ').next().unwrap().parse().unwrap()
}

fn grant_form(amount: &str) -> [(&'static str, String); 2] {
    [
        ("emergency_amount", amount.to_string()),
        ("emergency_reason", "家中失火，房屋和口粮烧毁，已入户核实".to_string()),
    ]
}

async fn grant(reviewer: &Reviewer<'_>, reference: &str, amount: &str) -> reqwest::Response {
    let form = grant_form(amount);
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    reviewer.post(&format!("/review/case/{reference}/emergency"), &fields).await
}

async fn help_is_given_first_and_confirmed_afterwards(mut app: TestApp) {
    let phone = "13912340201";
    let reference = submit_urgent_application(&app, phone).await;
    let township = Reviewer::sign_in(&app, "dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    the_township_gives_help_within_its_limit(&app, &township, &reference, phone).await;
    let county = Reviewer::sign_in(&app, "ganzhou", Role::CountyReviewer, "620702").await;
    the_county_waits_for_the_file_which_falls_overdue(&app, &township, &county, &reference).await;
    the_county_confirms_once_the_file_is_complete(&app, &township, &county, &reference, phone).await;
    check_status(&mut app, &reference, phone).await;
    let (_, status) = app.page("/status/view").await;
    assert!(status.contains("已先行给予临时救助 1500 元，县级已确认"), "{status}");
    app.stop().await;
}

/// Another township cannot; over the limit is refused next to the amount, what was typed kept; within it
/// the help is recorded, announced by SMS and listed as to be completed.
async fn the_township_gives_help_within_its_limit(
    app: &TestApp,
    township: &Reviewer<'_>,
    reference: &str,
    phone: &str,
) {
    let case_page = format!("/review/case/{reference}");
    let (_, html) = township.page(&case_page).await;
    let limit = stated_limit(&html);
    assert!(limit > 1500, "the default limit is three months of the urban standard: {limit}");

    let stranger = Reviewer::sign_in(app, "xijie", Role::TownshipReviewer, OTHER_TOWNSHIP).await;
    assert_eq!(grant(&stranger, reference, "1000").await.status(), StatusCode::NOT_FOUND);

    let over = grant(township, reference, &(limit + 1).to_string()).await;
    let (_, html) = township.page(&location(&over)).await;
    assert!(
        html.contains(&format!("乡镇先行救助最多 {limit} 元；超过的部分请按临时救助程序报县级审批")),
        "{html}"
    );
    assert!(html.contains(&format!(r#"value="{}""#, limit + 1)), "what was typed is kept");
    assert!(html.contains("家中失火，房屋和口粮烧毁"), "the reason typed is kept");

    let given = grant(township, reference, "1500").await;
    assert_eq!(location(&given), case_page);
    let (_, html) = township.page(&case_page).await;
    assert!(html.contains(r#"<dd class="emergency-granted">一次性 1500 元"#), "{html}");
    assert!(html.contains("<strong>待乡镇补齐材料（"), "{html}");
    assert!(html.contains("（先行救助 1500 元：家中失火"), "the history has it");
    assert!(
        !html.contains(&format!(r#"action="/review/case/{reference}/emergency""#)),
        "no second grant form"
    );
    let text = wait_for_sms(app, phone, "已先行给予临时救助 1500 元").await;
    assert!(!text.contains("李春花"), "no personal data in the message: {text}");
    let (_, home) = township.page("/review").await;
    assert!(home.contains("先行救助待办 1 件") && home.contains(reference), "{home}");
}

async fn the_county_waits_for_the_file_which_falls_overdue(
    app: &TestApp,
    township: &Reviewer<'_>,
    county: &Reviewer<'_>,
    reference: &str,
) {
    let case_page = format!("/review/case/{reference}");
    let (_, home) = county.page("/review").await;
    assert!(home.contains("先行救助待办 1 件"), "the county sees it too");
    let early = county.post(&format!("{case_page}/emergency/answer"), &[("decision", "confirm")]).await;
    let (_, html) = county.page(&location(&early)).await;
    assert!(html.contains("乡镇尚未补齐材料（提出审核意见），补齐后再确认"), "{html}");

    let (_, html) = township.page(&case_page).await;
    let due = html
        .split("待乡镇补齐材料（")
        .nth(1)
        .and_then(|rest| rest.split("前）").next())
        .expect("the due day");
    app.clock.advance_days(60); // past the working days the township has to complete the file
    township.sign_in_again().await;
    county.sign_in_again().await;
    let (_, home) = township.page("/review").await;
    assert!(home.contains(&format!("补齐材料已超期（期限{due}）")), "an unfinished file is overdue: {home}");
    assert!(home.contains(r#"<tr class="overdue">"#), "{home}");
}

/// Completed by the township's steps, the help is confirmed by the county (a refusal needs its reason).
async fn the_county_confirms_once_the_file_is_complete(
    app: &TestApp,
    township: &Reviewer<'_>,
    county: &Reviewer<'_>,
    reference: &str,
    phone: &str,
) {
    let case_page = format!("/review/case/{reference}");
    for (action, note) in
        [("accept", ""), ("record_visit", "入户核实火灾情况"), ("record_check", "核对无异常")]
    {
        township.act(reference, action, note, "").await;
    }
    township.act(reference, "recommend", "情况属实，建议给予临时救助", "3000").await;
    let (_, html) = county.page(&case_page).await;
    assert!(html.contains("<strong>材料已补齐，待县级确认</strong>"), "{html}");
    let bare = county.post(&format!("{case_page}/emergency/answer"), &[("decision", "not_confirmed")]).await;
    let (_, html) = county.page(&location(&bare)).await;
    assert!(html.contains("不予确认须写明理由（至少4个字）"), "{html}");
    let confirmed = county.post(&format!("{case_page}/emergency/answer"), &[("decision", "confirm")]).await;
    assert_eq!(location(&confirmed), case_page);
    let (_, html) = county.page(&case_page).await;
    assert!(html.contains("<strong>县级已确认</strong>") && html.contains("县级确认先行救助"), "{html}");
    let (_, home) = county.page("/review").await;
    assert!(!home.contains("先行救助待办"), "answered help leaves the list");
    wait_for_sms(app, phone, "先行救助已由县级确认").await;
}

#[tokio::test]
async fn help_is_given_first_and_confirmed_afterwards_on_sqlite() {
    help_is_given_first_and_confirmed_afterwards(spawn_app().await).await;
}

#[tokio::test]
async fn help_is_given_first_and_confirmed_afterwards_on_postgres() {
    let Some(app) = spawn_on_postgres().await else { return };
    help_is_given_first_and_confirmed_afterwards(app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_grants_on_one_case_give_help_once_on_sqlite() {
    simultaneous_grants_give_help_once(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_grants_on_one_case_give_help_once_on_postgres() {
    let Some(app) = spawn_on_postgres().await else { return };
    simultaneous_grants_give_help_once(app).await;
}

async fn simultaneous_grants_give_help_once(app: TestApp) {
    let reference = submit_urgent_application(&app, "13912340202").await;
    let township = Reviewer::sign_in(&app, "dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    let path = app.url(&format!("/review/case/{reference}/emergency"));
    let posts: Vec<_> = (0..8)
        .map(|i| {
            let request = township
                .client
                .post(&path)
                .header("origin", app.url(""))
                .header("sec-fetch-site", "same-origin")
                .form(&grant_form(["800", "900"][i % 2]));
            tokio::spawn(async move { location(&request.send().await.unwrap()) })
        })
        .collect();
    let mut given = 0;
    let case_page = format!("/review/case/{reference}");
    for post in posts {
        let page = post.await.unwrap();
        if page == case_page {
            given += 1;
            continue;
        }
        let (_, html) = township.page(&page).await;
        assert!(html.contains("此案已给予先行救助") || html.contains("此案刚刚已给予先行救助"), "{html}");
    }
    assert_eq!(given, 1, "one grant stood, the others were told the case already has one");
    let (_, html) = township.page(&format!("/review/case/{reference}")).await;
    assert_eq!(html.matches("（先行救助 ").count(), 1, "one history line: {html}");
    app.stop().await;
}

#[tokio::test]
async fn a_township_approves_an_urgent_case_itself_only_up_to_its_limit() {
    let app = spawn_app().await;
    let reference = submit_urgent_application(&app, "13912340203").await;
    let township = Reviewer::sign_in(&app, "dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    let (_, html) = township.page(&format!("/review/case/{reference}")).await;
    let limit = stated_limit(&html);
    let (_, html) = township.act(&reference, "approve", "火灾，入户核实属实", &(limit + 1).to_string()).await;
    assert!(html.contains(&format!("乡镇直接审批最多 {limit} 元；超过的请提出审核意见报县级审批")), "{html}");
    assert!(html.contains("<strong>待受理</strong>"), "nothing was approved");
    let (_, html) = township.act(&reference, "approve", "火灾，入户核实属实", &limit.to_string()).await;
    assert!(
        html.contains("<strong>已批准</strong>") && html.contains(&format!("一次性 {limit} 元")),
        "{html}"
    );
    app.stop().await;
}
