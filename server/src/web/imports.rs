//! The administrator's CSV uploads, each answered with a report of every row (or household):
//! 部门数据导入, the events of a department without a system, whose columns are the API's fields
//! (`EventPost`, checked by `features::exchange::import_events`); and 名单导入, an existing roll of
//! low-income households (`features::rolls::import_roll`).

use super::api::EventPost;
use super::respond::{back_with, failure};
use super::sessions::AdminSession;
use super::static_pages::html_response;
use crate::startup::AppState;
use app::features::exchange::{import_events, ExchangeError, ImportRow, RowOutcome};
use app::features::monitoring::WarningError;
use app::features::rolls::{import_roll, RollOutcome, RollRow};
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;

const PAGE: &str = "/admin#events";
const ROLL_PAGE: &str = "/admin#rolls";
/// The columns a file may have; `reference_id`, `id_number` and `kind` are required.
const COLUMNS: [&str; 6] =
    ["reference_id", "id_number", "kind", "out_of_pocket_yuan", "disability_grade", "home_damaged"];
/// An upload larger than this is refused before it is read (about 20 000 rows).
const FILE_MAX_BYTES: usize = 1024 * 1024;

/// POST /admin/events-import
pub async fn import_events_file(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    multipart: Multipart,
) -> Response {
    let state = &state;
    let refuse = |field: String, message: String| async move {
        back_with(state, PAGE, &[] as &[(&str, &str)], &[(field.as_str(), message)]).await
    };
    let upload = read_upload(multipart, "import_file").await;
    let (department, rows) = match upload.and_then(|(department, file)| Ok((department, read_rows(&file)?))) {
        Ok(read) => read,
        Err(message) => return refuse("import_file".into(), message).await,
    };
    let now = state.services.now();
    match import_events(&state.services, &admin.identity, &department, rows, now).await {
        Ok(report) => report_page(&department, &report),
        Err(ExchangeError::Invalid { field, message }) => refuse(format!("import_{field}"), message).await,
        Err(e) => failure("importing a department's events failed", e),
    }
}

/// The department chosen (if the form has one) and the bytes of the file in `file_field`.
pub(super) async fn read_upload(
    mut multipart: Multipart,
    file_field: &str,
) -> Result<(String, Vec<u8>), String> {
    let unreadable = || "上传没有完成，请重新选择文件".to_string();
    let (mut department, mut file) = (String::new(), None);
    while let Some(mut field) = multipart.next_field().await.map_err(|_| unreadable())? {
        match field.name() {
            Some("import_department") => department = field.text().await.map_err(|_| unreadable())?,
            Some(name) if name == file_field => {
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

/// A CSV reader past its header, which must name only `columns` and the first `required` of them.
/// Flexible: a row with a column too few is read, and says which field it lacks.
fn csv_reader<'a>(
    file: &'a [u8],
    columns: &[&str],
    required: usize,
) -> Result<(csv::Reader<&'a [u8]>, csv::StringRecord), String> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(file);
    let headers = reader.headers().map_err(|_| "文件不是UTF-8编码的CSV文件".to_string())?.clone();
    if let Some(unknown) = headers.iter().find(|h| !columns.contains(h)) {
        return Err(format!("第1行有不认识的列名“{unknown}”，可用的列名：{}", columns.join(",")));
    }
    if let Some(missing) = columns[..required].iter().find(|c| !headers.iter().any(|h| h == **c)) {
        return Err(format!("第1行缺少列名“{missing}”"));
    }
    Ok((reader, headers))
}

/// The rows of the file, each read into an event or the reason it could not be; a file whose header
/// is wrong is refused whole.
pub(super) fn read_rows(file: &[u8]) -> Result<Vec<ImportRow>, String> {
    let (mut reader, headers) = csv_reader(file, &COLUMNS, 3)?;
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

/// The columns of a roll, all required: one member per row.
const ROLL_COLUMNS: [&str; 6] = ["household_no", "township_code", "village", "category", "name", "id_number"];

/// POST /admin/roll-import
pub async fn import_roll_file(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    multipart: Multipart,
) -> Response {
    let refuse = |message: String| async {
        back_with(&state, ROLL_PAGE, &[] as &[(&str, &str)], &[("roll_file", message)]).await
    };
    let rows = match read_upload(multipart, "roll_file").await.and_then(|(_, file)| read_roll(&file)) {
        Ok(rows) => rows,
        Err(message) => return refuse(message).await,
    };
    match import_roll(&state.services, &admin.identity, rows, state.services.now()).await {
        Ok(report) => roll_report_page(&report),
        Err(WarningError::Invalid(_, message)) => refuse(message).await,
        Err(e) => failure("importing a roll failed", e),
    }
}

pub(super) fn read_roll(file: &[u8]) -> Result<Vec<RollRow>, String> {
    let (mut reader, headers) = csv_reader(file, &ROLL_COLUMNS, ROLL_COLUMNS.len())?;
    let column = |name: &str| headers.iter().position(|h| h == name);
    let [household, township, village, category, name, id_number] = ROLL_COLUMNS.map(column);
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("第{}行：{}", index + 2, unreadable_row(&e, &headers)))?;
        let field = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").to_string();
        rows.push(RollRow {
            line: index + 2,
            household_no: field(household),
            township_code: field(township),
            village: field(village),
            category: field(category),
            name: field(name),
            id_number: field(id_number),
        });
    }
    Ok(rows)
}

fn roll_report_page(report: &[(usize, String, RollOutcome)]) -> Response {
    let count = |wanted: fn(&RollOutcome) -> bool| report.iter().filter(|(_, _, o)| wanted(o)).count();
    let (added, matched) = (count(|o| *o == RollOutcome::Added), count(|o| *o == RollOutcome::Matched));
    let rows: String = report
        .iter()
        .map(|(line, number, outcome)| {
            let result = match outcome {
                RollOutcome::Added => "新纳入监测".to_string(),
                RollOutcome::Matched => "已在监测范围内，已补充成员和类别".to_string(),
                RollOutcome::Refused(reason) => format!("未导入：{reason}"),
            };
            let (number, result) = (html_escape::encode_text(number), html_escape::encode_text(&result));
            format!("<tr><td>{line}</td><td>{number}</td><td>{result}</td></tr>")
        })
        .collect();
    html_response(
        StatusCode::OK,
        "名单导入结果",
        &format!(
            "共{} 户：新纳入 {added} 户，已在监测范围内 {matched} 户，未导入 {} 户。未导入的户改正后可以再次导入（已导入的不会重复）。</p>\
             <div class=\"table-scroll\"><table class=\"queue\"><thead><tr><th>首行</th><th>户编号</th><th>结果</th></tr></thead>\
             <tbody>{rows}</tbody></table></div><p><a href=\"{ROLL_PAGE}\">返回系统管理</a>",
            report.len(),
            report.len() - added - matched
        ),
    )
}
