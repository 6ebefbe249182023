//! The policy guide over real HTTP.

use crate::common::spawn_app;
use reqwest::StatusCode;

#[tokio::test]
async fn the_guide_lists_a_page_for_every_kind_of_assistance() {
    let app = spawn_app().await;
    let (status, html) = app.page("/guide").await;
    assert_eq!(status, StatusCode::OK);
    for slug in ["process", "dibao", "tekun", "dibao-edge", "rigid-spending", "temporary", "medical", "other"]
    {
        assert!(html.contains(&format!(r#"href="/guide/{slug}""#)), "{slug} listed");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_guide_page_is_rendered_from_markdown() {
    let app = spawn_app().await;
    let (status, html) = app.page("/guide/dibao").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>最低生活保障（低保）</h1>"));
    assert!(html.contains("<h2>谁可以申请</h2>") && html.contains("<h2>要带什么</h2>"));
    assert!(html.contains("<strong>人均月收入低于当地低保标准</strong>"));
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_guide_page_is_a_404() {
    let app = spawn_app().await;
    let (status, html) = app.page("/guide/no-such-type").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("页面不存在"));
    app.stop().await;
}

#[tokio::test]
async fn self_check_suggestions_link_to_the_guide() {
    let app = spawn_app().await;
    let query = "county=620702&residence=urban&household_size=2&monthly_income=600&assets=yes";
    let (_, html) = app.page(&format!("/apply?{query}")).await;
    assert!(html.contains(r#"href="/guide/dibao""#));
    app.stop().await;
}
