//! Error pages that must render even when the application cannot (panic, rate limit): plain HTML in
//! Chinese, styled by the same stylesheet, with the city hotline.

use axum::{
    body::Body,
    http::{header, HeaderValue, Response, StatusCode},
};

fn page(title: &str, message: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} - 张掖市社会救助服务平台</title><link rel="stylesheet" href="/pkg/portal.css"></head><body><main id="main"><h1>{title}</h1><p>{message}</p><p><a href="/">返回首页</a></p><p>如需帮助，请拨打 <a href="tel:12345">12345</a>。</p></main></body></html>"#
    )
}

pub fn html_response(status: StatusCode, title: &str, message: &str) -> Response<Body> {
    let mut response = Response::new(Body::from(page(title, message)));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub fn too_many_requests(wait_seconds: u64) -> Response<Body> {
    let mut response = html_response(
        StatusCode::TOO_MANY_REQUESTS,
        "操作太频繁",
        &format!(
            "您的操作太频繁了，请等 {wait_seconds} 秒后再试。您已填写的内容不会丢失，请返回上一页重新提交。"
        ),
    );
    if let Ok(value) = HeaderValue::from_str(&wait_seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The answer when the server is at its limit (too many requests at once, or one took too long).
pub fn busy(retry_after_seconds: u64) -> Response<Body> {
    let mut response = html_response(
        StatusCode::SERVICE_UNAVAILABLE,
        "访问人数较多",
        "现在访问的人比较多，请稍等一会儿再试。您已经提交成功的申请不会丢失；没有提交成功的，请返回上一页重新提交。",
    );
    if let Ok(value) = HeaderValue::from_str(&retry_after_seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

pub fn internal_error() -> Response<Body> {
    html_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        "系统出了点问题",
        "抱歉，系统暂时出了问题，请稍后再试。您已经提交成功的材料不会丢失。",
    )
}

pub fn cross_site_refused() -> Response<Body> {
    html_response(
        StatusCode::FORBIDDEN,
        "无法提交",
        "为保护您的信息安全，只接受从本站页面提交的表单。请回到本站页面重新操作。",
    )
}
