//! A form post is read whole before its handler runs. A handler that answers without reading the body
//! (signed out, a status lookup run out, nothing to withdraw) otherwise leaves hyper to close the
//! connection after the answer, under a browser that may already be sending its next request on it; that
//! request then fails as a reset connection. Form bodies are small (2 MiB at most, axum's default limit);
//! forms with files are left to their handlers, which read them in parts and drop them with
//! `uploads::discard` when they answer early.

use axum::{
    body::{to_bytes, Body},
    extract::Request,
    http::{header, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// The body limit of a form without files (axum's `DefaultBodyLimit` default).
const FORM_BODY_LIMIT: usize = 2 * 1024 * 1024;

pub async fn read_whole(request: Request, next: Next) -> Response {
    let with_files = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if request.method() != Method::POST || with_files {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    match to_bytes(body, FORM_BODY_LIMIT).await {
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(_) => (StatusCode::PAYLOAD_TOO_LARGE, "表单太大或没有完整收到").into_response(),
    }
}
