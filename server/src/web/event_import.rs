//! 部门数据导入: an administrator uploads the events of a department without a system as a CSV file whose
//! columns are the API's fields (`EventPost`); `features::exchange::import_events` checks, matches and
//! stores them, and the answer is a report of every row.

use super::admin::require_admin;
use super::api::EventPost;
use super::respond::{back_with, failure};
use super::static_pages::html_response;
use crate::startup::AppState;
use app::features::exchange::{import_events, ExchangeError, ImportRow, RowOutcome};
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

const PAGE: &str = "/admin#events";
/// The columns a file may have; `reference_id`, `id_number` and `kind` are required.
const COLUMNS: [&str; 6] =
    ["reference_id", "id_number", "kind", "out_of_pocket_yuan", "disability_grade", "home_damaged"];
/// An upload larger than this is refused before it is read (about 20 000 rows).
const FILE_MAX_BYTES: usize = 1024 * 1024;

/// POST /admin/events-import
pub async fn import(State(state): State<AppState>, headers: HeaderMap, multipart: Multipart) -> Response {
    let admin = match require_admin(&state, &headers).await {
        Ok(admin) => admin,
        Err(response) => return response,
    };
    let (department, file) = match read_upload(multipart).await {
        Ok(upload) => upload,
        Err(message) => {
            return back_with(&state, PAGE, &[] as &[(&str, &str)], &[("import_file", message)]).await
        }
    };
    let rows = match read_rows(&file) {
        Ok(rows) => rows,
        Err(message) => {
            return back_with(&state, PAGE, &[] as &[(&str, &str)], &[("import_file", message)]).await
        }
    };
    let now = app::services::unix_now();
    match import_events(&state.services, &admin.identity, &department, rows, now).await {
        Ok(report) => report_page(&department, &report),
        Err(ExchangeError::Invalid { field, message }) => {
            let field = format!("import_{field}");
            back_with(&state, PAGE, &[] as &[(&str, &str)], &[(field.as_str(), message)]).await
        }
        Err(e) => failure("importing a department's events failed", e),
    }
}

/// The department chosen and the file's bytes.
async fn read_upload(mut multipart: Multipart) -> Result<(String, Vec<u8>), String> {
    let unreadable = || "上传没有完成，请重新选择文件".to_string();
    let (mut department, mut file) = (String::new(), None);
    while let Some(mut field) = multipart.next_field().await.map_err(|_| unreadable())? {
        match field.name() {
            Some("import_department") => department = field.text().await.map_err(|_| unreadable())?,
            Some("import_file") => {
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
                    if bytes.len() + chunk.len() > FILE_MAX_BYTES {
                        return Err("文件超过1 MB，请分成几个文件导入".into());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some(bytes);
            }
            _ => {}
        }
    }
    match file {
        Some(bytes) if !bytes.is_empty() => Ok((department, bytes)),
        _ => Err("请选择要导入的CSV文件".into()),
    }
}

/// The rows of the file, each read into an event or the reason it could not be; a file whose header
/// is wrong is refused whole.
fn read_rows(file: &[u8]) -> Result<Vec<ImportRow>, String> {
    // Flexible: a row with a column too few is read, and says which field it lacks.
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(file);
    let headers = reader.headers().map_err(|_| "文件不是UTF-8编码的CSV文件".to_string())?.clone();
    if let Some(unknown) = headers.iter().find(|h| !COLUMNS.contains(h)) {
        return Err(format!("第1行有不认识的列名“{unknown}”，可用的列名：{}", COLUMNS.join(",")));
    }
    if let Some(missing) = COLUMNS[..3].iter().find(|c| !headers.iter().any(|h| h == **c)) {
        return Err(format!("第1行缺少列名“{missing}”"));
    }
    let reference_column = headers.iter().position(|h| h == "reference_id");
    let rows = reader.records().enumerate().map(|(index, record)| {
        let (reference, event) = match record {
            Ok(record) => {
                let reference = reference_column.and_then(|i| record.get(i)).unwrap_or("").to_string();
                let event = match record.deserialize::<EventPost>(Some(&headers)) {
                    Ok(post) => post.into_event().map_err(|e| e.to_string()),
                    Err(e) => Err(unreadable_row(&e, &headers)),
                };
                (reference, event)
            }
            Err(e) => (String::new(), Err(unreadable_row(&e, &headers))),
        };
        ImportRow { line: index + 2, reference, event }
    });
    Ok(rows.collect())
}

fn unreadable_row(error: &csv::Error, headers: &csv::StringRecord) -> String {
    match error.kind() {
        csv::ErrorKind::Deserialize { err, .. } => match err.field().and_then(|i| headers.get(i as usize)) {
            Some(column) => format!("“{column}”一栏的内容不对"),
            None => "这一行的内容不对".into(),
        },
        csv::ErrorKind::UnequalLengths { .. } => "这一行的栏数与第1行不同".into(),
        csv::ErrorKind::Utf8 { .. } => "这一行不是UTF-8编码".into(),
        _ => "这一行无法读取".into(),
    }
}

/// The report: how many rows were accepted, and what became of each.
fn report_page(department: &str, report: &[(usize, String, RowOutcome)]) -> Response {
    let accepted = report.iter().filter(|(_, _, o)| !matches!(o, RowOutcome::Refused(_))).count();
    let name = app::domain::staff::DEPARTMENTS.iter().find(|(key, _)| *key == department).map_or("", |d| d.1);
    let rows: String = report
        .iter()
        .map(|(line, reference, outcome)| {
            let result = match outcome {
                RowOutcome::Warned => "已导入，产生预警".to_string(),
                RowOutcome::Recorded => "已导入，未达预警标准".to_string(),
                RowOutcome::Duplicate => "此前已收到，未重复导入".to_string(),
                RowOutcome::Refused(reason) => format!("未导入：{reason}"),
            };
            let reference = html_escape::encode_text(reference);
            let result = html_escape::encode_text(&result);
            format!("<tr><td>{line}</td><td>{reference}</td><td>{result}</td></tr>")
        })
        .collect();
    let refused = report.len() - accepted;
    html_response(
        StatusCode::OK,
        "导入结果",
        &format!(
            "{name}：共{} 行，导入 {accepted} 行，未导入 {refused} 行。未导入的行改正后可以再次导入（已导入的不会重复）。</p>\
             <div class=\"table-scroll\"><table class=\"queue\"><thead><tr><th>行</th><th>事件编号</th><th>结果</th></tr></thead>\
             <tbody>{rows}</tbody></table></div><p><a href=\"{PAGE}\">返回系统管理</a>",
            report.len()
        ),
    )
}
