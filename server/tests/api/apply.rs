//! The 申请救助 start page and its eligibility self-check, over real HTTP.

use crate::common::spawn_app;
use reqwest::StatusCode;

#[tokio::test]
async fn the_start_page_explains_the_service_and_offers_the_self_check() {
    let app = spawn_app().await;
    let (status, html) = app.page("/apply").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("申请前请准备") && html.contains("要多长时间"));
    assert!(html.contains(r#"href="/apply/identity""#), "starts the online application");
    assert_eq!(html.matches("<option value=\"6207").count(), 6, "the six counties from the store");
    assert!(!html.contains("自查结果"), "no result before answering");
    assert!(!html.contains("请修改以下内容"), "no errors before answering");
    app.stop().await;
}

#[tokio::test]
async fn a_low_income_household_is_pointed_to_dibao_with_the_local_figures() {
    let app = spawn_app().await;
    let query = "county=620702&residence=rural&household_size=3&monthly_income=1200&assets=yes&sudden=yes";
    let (status, html) = app.page(&format!("/apply?{query}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("自查结果"));
    assert!(html.contains("最低生活保障（低保）"));
    assert!(html.contains("临时救助（急难救助）"));
    assert!(html.contains("家庭人均月收入约 400 元，低于甘州区的低保标准 530 元"));
    assert!(html.contains("尚待当地民政部门核定"), "seeded defaults are marked as unconfirmed");
    assert!(html.contains(r#"value="620702" selected"#), "the answers stay filled in");
    app.stop().await;
}

#[tokio::test]
async fn mistakes_are_listed_and_shown_next_to_each_field_keeping_what_was_typed() {
    let app = spawn_app().await;
    let (status, html) =
        app.page("/apply?county=620702&household_size=%E4%B8%89&monthly_income=&assets=yes").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("请修改以下内容"));
    assert!(html.contains(r##"<a href="#household_size">请填写家庭人口数"##), "summary links to the field");
    assert!(html.contains(r#"id="household_size-error""#), "error next to the field");
    assert!(html.contains(r#"value="三""#), "what the person typed is kept");
    assert!(html.contains("请选择城市户口还是农村户口"));
    assert!(!html.contains("自查结果"));
    app.stop().await;
}
