//! 台账: a reviewer's queue as rows for a spreadsheet, with the filters of the page and only the columns
//! the page shows (no names or ID numbers). Read in pages of `LEDGER_QUERY_ROWS`, so that no database
//! connection is held while the file is written; every export is audited with its filter.

use crate::audit::AuditEvent;
use crate::domain::calendar::Date;
use crate::domain::staff::{Role, StaffIdentity};
use crate::services::Services;
use crate::store::{Page, QueueQuery, QueueScope, StoreError};

/// Rows read per query.
const LEDGER_QUERY_ROWS: u32 = 500;
/// Rows one export holds at most; the sheet says when the filter matched more.
pub const LEDGER_MAX_ROWS: u32 = 50_000;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The account has no queue: answered 404, as every page out of scope.
    #[error("this account reviews no cases")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The queue page's filters, as its query string names them.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct QueueFilter {
    #[serde(default)]
    pub status: String,
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub overdue: String,
}

impl QueueFilter {
    fn overdue_only(&self) -> bool {
        self.overdue == "yes"
    }
}

/// One case of the queue, as the page shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueLedgerRow {
    pub reference: String,
    pub township: String,
    pub village: String,
    pub types: String,
    pub status: String,
    pub submitted_on: Date,
    pub decision_due: Date,
    /// Working days left before the decision deadline; negative when overdue.
    pub days_left: i64,
    pub emergency: bool,
    pub monthly_amount: Option<u32>,
}

pub struct QueueLedger {
    pub rows: Vec<QueueLedgerRow>,
    /// Cases the filter matched, which may be more than `rows` (`LEDGER_MAX_ROWS`).
    pub matched: u64,
}

/// The signed-in reviewer's whole queue under `filter`; audited as `ledger.queue_exported`.
pub async fn queue_ledger(
    services: &Services,
    staff: &StaffIdentity,
    filter: &QueueFilter,
    now: i64,
) -> Result<QueueLedger, LedgerError> {
    let scope = match staff.role {
        Role::TownshipReviewer => QueueScope::Township(staff.scope.clone()),
        Role::CountyReviewer => QueueScope::County(staff.scope.clone()),
        _ => return Err(LedgerError::NotFound),
    };
    let store = services.store.as_ref();
    let calendar = services.working_calendar().await?;
    let today = Date::today_in_china(now);
    let mut query = QueueQuery {
        scope,
        status: filter.status.clone(),
        kind: filter.kind.clone(),
        due_by: filter.overdue_only().then(|| calendar.overdue_through(today)),
        page: Page { offset: 0, limit: LEDGER_QUERY_ROWS },
    };
    let mut rows = Vec::new();
    let mut matched = 0;
    while query.page.offset < LEDGER_MAX_ROWS {
        let (cases, total) = store.review_queue(&query).await?;
        matched = total;
        let last_page = cases.len() < LEDGER_QUERY_ROWS as usize;
        rows.extend(cases.into_iter().map(|case| ledger_row(services, &calendar, today, case)));
        if last_page {
            break;
        }
        query.page.offset += LEDGER_QUERY_ROWS;
    }
    let detail = format!(
        "status:{} type:{} overdue:{} rows:{}",
        filter.status,
        filter.kind,
        filter.overdue_only(),
        rows.len()
    );
    let subject = match &query.scope {
        QueueScope::Township(code) => format!("township:{code}"),
        QueueScope::County(code) => format!("county:{code}"),
    };
    let audit = AuditEvent::at(now, format!("staff:{}", staff.id), "ledger.queue_exported", subject, detail);
    store.append_audit(&audit).await?;
    Ok(QueueLedger { rows, matched })
}

fn ledger_row(
    services: &Services,
    calendar: &crate::domain::calendar::Calendar,
    today: Date,
    case: crate::store::ApplicationRecord,
) -> QueueLedgerRow {
    QueueLedgerRow {
        township: crate::store::place_name(&services.divisions, &case.township_code),
        village: case.village,
        types: case.types.iter().map(|t| t.label()).collect::<Vec<_>>().join("、"),
        status: case.status.label().to_string(),
        submitted_on: Date::today_in_china(case.submitted_at),
        decision_due: case.decision_due,
        days_left: calendar.days_left(today, case.decision_due),
        emergency: case.emergency,
        monthly_amount: case.monthly_amount,
        reference: case.reference,
    }
}
