//! 台账 spreadsheets. GET /review/queue.xlsx: the reviewer's queue with the page's filters
//! (`app::features::ledgers` decides what is in it and audits the export); GET /review/households.xlsx:
//! the monitoring register as its page lists it (`app::features::households::register_export`). Dates are
//! Excel dates and amounts and counts numbers, so that the office can sort and sum them.

use super::downloads::{made_on_request, Made};
use super::respond::failure;
use super::sessions::StaffSession;
use super::static_pages::html_response;
use crate::startup::AppState;
use app::domain::calendar::Date;
use app::features::households::{register_export, register_scope, source_label, RegisterLine};
use app::features::ledgers::{queue_ledger, LedgerError, QueueFilter, QueueLedger, LEDGER_MAX_ROWS};
use app::features::monitoring::WarningError;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

const QUEUE_COLUMNS: [(&str, f64); 10] = [
    ("案件编号", 20.0),
    ("乡镇（街道）", 14.0),
    ("村（社区）", 12.0),
    ("救助类别", 24.0),
    ("状态", 12.0),
    ("提交日期", 12.0),
    ("决定期限", 12.0),
    ("剩余工作日", 11.0),
    ("急难救助", 9.0),
    ("月救助金（元）", 14.0),
];

pub async fn queue(
    State(state): State<AppState>,
    StaffSession(account): StaffSession,
    Query(filter): Query<QueueFilter>,
) -> Response {
    let now = state.services.now();
    let ledger = match queue_ledger(&state.services, &account.identity, &filter, now).await {
        Ok(ledger) => ledger,
        Err(LedgerError::NotFound) => {
            return html_response(StatusCode::NOT_FOUND, "没有可导出的台账", "您的账号不审核申请。")
        }
        Err(e) => return failure("exporting the queue failed", e),
    };
    let name = format!("审核台账-{}.xlsx", Date::today_in_china(now));
    made_on_request(Made::Workbook, name, move || queue_workbook(&ledger)).await
}

const REGISTER_COLUMNS: [(&str, f64); 7] = [
    ("户编号", 9.0),
    ("乡镇（街道）", 14.0),
    ("村（社区）", 12.0),
    ("家庭成员", 16.0),
    ("人数", 7.0),
    ("类别", 18.0),
    ("纳入来源", 14.0),
];

#[derive(serde::Deserialize)]
pub struct RegisterFilter {
    /// The township a county reviewer chose; the others' scope is their own.
    #[serde(default)]
    township: String,
}

pub async fn register(
    State(state): State<AppState>,
    StaffSession(account): StaffSession,
    Query(filter): Query<RegisterFilter>,
) -> Response {
    let not_found = || html_response(StatusCode::NOT_FOUND, "没有可导出的名册", "名册不属于您负责的范围。");
    let Ok(Some(scope)) = register_scope(&account.identity, &filter.township) else { return not_found() };
    let now = state.services.now();
    let lines = match register_export(&state.services, &account.identity, &scope, now).await {
        Ok(lines) => lines,
        Err(WarningError::NotFound) => return not_found(),
        Err(e) => return failure("exporting the register failed", e),
    };
    let township = app::store::place_name(&state.services.divisions, &scope.township_code);
    let name = format!("监测对象名册-{}.xlsx", Date::today_in_china(now));
    made_on_request(Made::Workbook, name, move || register_workbook(&township, &lines)).await
}

fn register_workbook(township: &str, lines: &[RegisterLine]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet().set_name("监测对象名册")?;
    write_headings(sheet, &REGISTER_COLUMNS)?;
    for (row, line) in (1u32..).zip(lines) {
        sheet.write_number(row, 0, line.household.id as f64)?;
        sheet.write(row, 1, township)?;
        sheet.write(row, 2, &line.household.village)?;
        sheet.write(row, 3, line.members_summary())?;
        sheet.write_number(row, 4, line.members.len() as f64)?;
        sheet.write(row, 5, line.category_label())?;
        sheet.write(row, 6, source_label(&line.household.source))?;
    }
    sheet.autofilter(0, 0, lines.len() as u32, REGISTER_COLUMNS.len() as u16 - 1)?;
    workbook.save_to_buffer()
}

/// Bold headings, the column widths, and the heading row kept in view while scrolling.
fn write_headings(sheet: &mut rust_xlsxwriter::Worksheet, columns: &[(&str, f64)]) -> Result<(), XlsxError> {
    let heading = Format::new().set_bold();
    for (column, (title, width)) in (0u16..).zip(columns) {
        sheet.write_with_format(0, column, *title, &heading)?;
        sheet.set_column_width(column, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn queue_workbook(ledger: &QueueLedger) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet().set_name("审核台账")?;
    write_headings(sheet, &QUEUE_COLUMNS)?;
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (row, case) in (1u32..).zip(&ledger.rows) {
        sheet.write(row, 0, &case.reference)?;
        sheet.write(row, 1, &case.township)?;
        sheet.write(row, 2, &case.village)?;
        sheet.write(row, 3, &case.types)?;
        sheet.write(row, 4, &case.status)?;
        sheet.write_date_with_format(row, 5, &excel_date(case.submitted_on)?, &date)?;
        sheet.write_date_with_format(row, 6, &excel_date(case.decision_due)?, &date)?;
        sheet.write_number(row, 7, case.days_left as f64)?;
        sheet.write(row, 8, if case.emergency { "是" } else { "否" })?;
        if let Some(amount) = case.monthly_amount {
            sheet.write_number(row, 9, f64::from(amount))?;
        }
    }
    let last_row = ledger.rows.len() as u32;
    sheet.autofilter(0, 0, last_row, QUEUE_COLUMNS.len() as u16 - 1)?;
    if ledger.matched > u64::from(last_row) {
        let note = format!(
            "筛选结果共 {} 件，本表只含前 {LEDGER_MAX_ROWS} 件，请缩小筛选条件后分批导出。",
            ledger.matched
        );
        sheet.write(last_row + 2, 0, note)?;
    }
    workbook.save_to_buffer()
}

fn excel_date(date: Date) -> Result<ExcelDateTime, XlsxError> {
    // Calendar dates of this portal are years 2000 to 2100: they fit the narrower integers.
    ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::features::ledgers::QueueLedgerRow;
    use calamine::{Data, Reader};

    fn case(n: u32) -> QueueLedgerRow {
        QueueLedgerRow {
            reference: format!("ZY20261204-{n:06}"),
            township: "东街街道".into(),
            village: "城关村".into(),
            types: "最低生活保障、临时救助".into(),
            status: "核对和入户调查中".into(),
            submitted_on: Date::parse("2026-12-01").unwrap(),
            decision_due: Date::parse("2027-01-12").unwrap(),
            days_left: -3,
            emergency: n.is_multiple_of(2),
            monthly_amount: n.is_multiple_of(3).then_some(530),
        }
    }

    #[test]
    fn a_large_queue_reads_back_with_dates_numbers_and_the_note_on_what_was_left_out() {
        let ledger = QueueLedger { rows: (0..2_000).map(case).collect(), matched: 60_000 };
        let bytes = queue_workbook(&ledger).unwrap();
        println!("2,000 cases: {} bytes", bytes.len());
        let mut workbook: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let sheet = workbook.worksheet_range("审核台账").unwrap();
        let rows: Vec<&[Data]> = sheet.rows().collect();
        assert_eq!(rows[1][0], Data::String("ZY20261204-000000".into()));
        assert!(
            matches!(&rows[1][6], Data::DateTime(d) if d.as_f64() == 46399.0),
            "2027-01-12: {:?}",
            rows[1][6]
        );
        assert_eq!(rows[1][7], Data::Float(-3.0));
        assert_eq!(rows[1][9], Data::Float(530.0));
        assert_eq!(rows[2][9], Data::Empty, "no amount before the decision");
        assert_eq!(rows[2000][0], Data::String("ZY20261204-001999".into()));
        let note = rows[2002][0].to_string();
        assert!(note.contains("共 60000 件") && note.contains("前 50000 件"), "{note}");
    }
}
