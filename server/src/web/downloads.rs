//! Files made on request (台账 workbooks, the 审批表 and the receipt): made off the request threads,
//! then answered as a download with a Chinese file name.

use super::respond::failure;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use std::fmt::Display;

/// The kinds of file the portal makes, with their content type and an ASCII name for old clients.
#[derive(Clone, Copy, Debug)]
pub enum Made {
    Workbook,
    Pdf,
    Png,
}

impl Made {
    fn content_type(self) -> &'static str {
        match self {
            Self::Workbook => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Pdf => "application/pdf",
            Self::Png => "image/png",
        }
    }

    fn ascii_name(self) -> &'static str {
        match self {
            Self::Workbook => "ledger.xlsx",
            Self::Pdf => "document.pdf",
            Self::Png => "receipt.png",
        }
    }
}

/// Runs `make` (CPU work: laying out, compressing) on a blocking thread and answers its bytes as a
/// download named `file_name`, or a logged 500.
pub async fn made_on_request<E: Display + Send + 'static>(
    kind: Made,
    file_name: String,
    make: impl FnOnce() -> Result<Vec<u8>, E> + Send + 'static,
) -> Response {
    match tokio::task::spawn_blocking(make).await {
        Ok(Ok(bytes)) => download(kind, bytes, &file_name),
        Ok(Err(e)) => failure(&format!("making {file_name} failed"), e),
        Err(e) => failure(&format!("the task making {file_name} failed"), e),
    }
}

/// A download named `file_name` (Chinese in `filename*`, an ASCII name for old clients); never cached,
/// since every file made here holds data of one office or one case.
fn download(kind: Made, bytes: Vec<u8>, file_name: &str) -> Response {
    let encoded: String = url::form_urlencoded::byte_serialize(file_name.as_bytes()).collect();
    let disposition = format!("attachment; filename=\"{}\"; filename*=UTF-8''{encoded}", kind.ascii_name());
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind.content_type()));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
