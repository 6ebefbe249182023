//! GET /stats.csv: the public statistics as a spreadsheet file, the same numbers as `/stats`.

use super::respond::failure;
use crate::startup::AppState;
use app::domain::stats::to_csv;
use axum::{
    extract::State,
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
};

pub async fn csv(State(state): State<AppState>) -> Response {
    let stats = match app::features::statistics::published(&state.services, state.services.now()).await {
        Ok(published) => published.statistics,
        Err(e) => return failure("statistics failed", e),
    };
    let mut response = to_csv(&stats).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"zhangye-assistance-statistics.csv\""),
    );
    response
}
