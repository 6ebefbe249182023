//! Public statistics: applications received, approved and refused, the median working days to a
//! decision and the current recipients by type, per township, county and the city. Small counts are
//! suppressed so that no household can be singled out, and where one township's count is hidden a second
//! one is hidden too, so the hidden one cannot be worked out from the county total. Plain rules, no I/O.

use super::assistance::AssistanceType;
use super::calendar::{Calendar, Date};
use super::region::{County, Township};
use super::workflow::Status;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Counts from 1 up to this value minus one are not published.
pub const SUPPRESS_BELOW: u32 = 5;

/// The assistance types the recipient counts are given for.
pub const RECIPIENT_TYPES: [AssistanceType; 5] = [
    AssistanceType::Dibao,
    AssistanceType::Tekun,
    AssistanceType::DibaoEdge,
    AssistanceType::RigidSpending,
    AssistanceType::Temporary,
];

/// What the statistics need of one application (nothing personal).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseFacts {
    pub township_code: String,
    pub status: Status,
    pub types: Vec<AssistanceType>,
    pub submitted: Date,
    /// The day of the approval or refusal.
    pub decided: Option<Date>,
}

/// The heading of a recipient column: households receiving it now, or for the one-off 临时救助 the
/// grants given.
pub fn recipient_heading(kind: AssistanceType) -> String {
    match kind {
        AssistanceType::Temporary => format!("已给予{}", kind.label()),
        _ => format!("现有{}", kind.label()),
    }
}

/// A published count: the number, or hidden because it is small.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cell {
    Count(u32),
    Suppressed,
}

impl Cell {
    fn primary(count: u32) -> Self {
        if count > 0 && count < SUPPRESS_BELOW {
            Self::Suppressed
        } else {
            Self::Count(count)
        }
    }

    /// As shown on the page and in the CSV file.
    pub fn text(self) -> String {
        match self {
            Self::Count(n) => n.to_string(),
            Self::Suppressed => format!("<{SUPPRESS_BELOW}"),
        }
    }

    pub fn count(self) -> Option<u32> {
        match self {
            Self::Count(n) => Some(n),
            Self::Suppressed => None,
        }
    }
}

/// One line of the statistics: a township, a county or the city.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub code: String,
    pub name: String,
    pub received: Cell,
    pub approved: Cell,
    pub refused: Cell,
    /// Median working days from submission to decision; `None` when fewer than `SUPPRESS_BELOW` decisions.
    pub median_days: Option<u32>,
    /// Current recipients per type of `RECIPIENT_TYPES`, in that order.
    pub recipients: Vec<Cell>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statistics {
    pub city: Option<Line>,
    /// Each county's line with its townships' lines.
    pub counties: Vec<(Line, Vec<Line>)>,
    /// The register of assisted households, city-wide (snapshots older than the register have none).
    #[serde(default)]
    pub register: RegisterSummary,
    /// The monitoring register (低收入人口数据库) city-wide: (category label, households), small counts
    /// hidden; households whose category is not settled yet (found on a visit) last.
    #[serde(default)]
    pub monitored: Vec<(String, Cell)>,
}

/// The monitoring register's households per category key (`None`: not settled), as the store counts them,
/// in the order of `Category::all()`; categories without households are left out.
pub fn monitored_summary(counts: &[(Option<String>, u64)]) -> Vec<(String, Cell)> {
    use super::register::Category;
    let count = |key: Option<&str>| {
        let n: u64 = counts.iter().filter(|(k, _)| k.as_deref() == key).map(|(_, n)| n).sum();
        u32::try_from(n).unwrap_or(u32::MAX)
    };
    let categories = Category::all().map(|c| (c.label(), count(Some(c.key()))));
    categories
        .chain([("尚未确定类别", count(None))])
        .filter(|(_, n)| *n > 0)
        .map(|(label, n)| (label.to_string(), Cell::primary(n)))
        .collect()
}

/// The register city-wide on the day the statistics were computed: records by state and category, and
/// ended records by reason; small counts hidden like the rest.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterSummary {
    /// (state label, category label, count), records that have not ended.
    pub standing: Vec<(String, String, Cell)>,
    /// (reason label, count)
    pub ended: Vec<(String, Cell)>,
}

/// Counts of register records as the store gives them: (township code, category key, state key on the
/// day, end reason key or "", count).
pub type RegisterCount = (String, String, String, String, u64);

/// Summarises the register's counts city-wide.
pub fn register_summary(counts: &[RegisterCount]) -> RegisterSummary {
    use super::register::{Category, EndReason, RecordState};
    let mut summary = RegisterSummary::default();
    let mut ended: Vec<(Option<EndReason>, u32)> = Vec::new();
    for (_, category, state, reason, n) in counts {
        let n = u32::try_from(*n).unwrap_or(u32::MAX);
        let (Some(category), Some(state)) = (Category::from_key(category), RecordState::from_key(state))
        else {
            continue;
        };
        if state == RecordState::Ended {
            let reason = EndReason::from_key(reason);
            match ended.iter_mut().find(|(r, _)| *r == reason) {
                Some((_, total)) => *total += n,
                None => ended.push((reason, n)),
            }
        } else {
            summary.standing.push((
                state.label().to_string(),
                category.label().to_string(),
                Cell::primary(n),
            ));
        }
    }
    ended.sort_by_key(|(reason, _)| {
        reason.and_then(|reason| EndReason::ALL.iter().position(|r| *r == reason))
    });
    let label = |reason: Option<EndReason>| reason.map(EndReason::label).unwrap_or("未注明原因");
    summary.ended = ended.into_iter().map(|(r, n)| (label(r).to_string(), Cell::primary(n))).collect();
    summary
}

#[derive(Clone, Debug, Default)]
struct Tally {
    received: u32,
    approved: u32,
    refused: u32,
    days: Vec<u32>,
    recipients: [u32; RECIPIENT_TYPES.len()],
}

impl Tally {
    fn add(&mut self, case: &CaseFacts, calendar: &Calendar) {
        self.received += 1;
        match case.status {
            Status::Approved => self.approved += 1,
            Status::Refused => self.refused += 1,
            _ => {}
        }
        if let (Some(decided), Status::Approved | Status::Refused) = (case.decided, case.status) {
            self.days.push(calendar.working_days_between(case.submitted, decided));
        }
    }

    fn merge(&mut self, other: &Tally) {
        self.received += other.received;
        self.approved += other.approved;
        self.refused += other.refused;
        self.days.extend(&other.days);
        for (mine, theirs) in self.recipients.iter_mut().zip(other.recipients) {
            *mine += theirs;
        }
    }

    fn line(&self, code: &str, name: &str) -> Line {
        Line {
            code: code.to_string(),
            name: name.to_string(),
            received: Cell::primary(self.received),
            approved: Cell::primary(self.approved),
            refused: Cell::primary(self.refused),
            median_days: median(&self.days),
            recipients: self.recipients.iter().map(|n| Cell::primary(*n)).collect(),
        }
    }
}

/// The median of the values, when there are enough of them to publish.
pub fn median(values: &[u32]) -> Option<u32> {
    if values.len() < SUPPRESS_BELOW as usize {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let middle = sorted.len() / 2;
    Some(if sorted.len().is_multiple_of(2) {
        (sorted[middle - 1] + sorted[middle]).div_ceil(2)
    } else {
        sorted[middle]
    })
}

/// Hides a second township's count wherever exactly one is hidden and the county total is shown, so the
/// hidden count cannot be worked out by subtraction. The smallest other non-zero count is chosen.
fn protect(lines: &mut [Line], total_shown: bool, cell: impl Fn(&mut Line) -> &mut Cell) {
    if !total_shown {
        return;
    }
    let values: Vec<Cell> = lines.iter_mut().map(|l| *cell(l)).collect();
    if values.iter().filter(|c| **c == Cell::Suppressed).count() != 1 {
        return;
    }
    let smallest = values
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match c {
            Cell::Count(n) if *n > 0 => Some((*n, i)),
            _ => None,
        })
        .min();
    if let Some((_, i)) = smallest {
        *cell(&mut lines[i]) = Cell::Suppressed;
    }
}

/// Running counts per township, filled case by case: the cases are read in batches, so memory grows
/// with the number of townships and decisions, not with whole application records.
#[derive(Clone, Debug, Default)]
pub struct Tallies {
    by_township: HashMap<String, Tally>,
}

impl Tallies {
    pub fn add(&mut self, case: &CaseFacts, calendar: &Calendar) {
        self.by_township.entry(case.township_code.clone()).or_default().add(case, calendar);
    }

    /// Adds `count` records of the register in `township`: records in force, phasing out or recognised
    /// are current recipients of their kind, and one-off 临时救助 grants count as given.
    pub fn add_register(&mut self, township: &str, category: &str, state: &str, count: u64) {
        use super::register::{Category, RecordState};
        let counted = matches!(
            RecordState::from_key(state),
            Some(
                RecordState::InForce
                    | RecordState::PhasingOut
                    | RecordState::Recognised
                    | RecordState::OneOffGranted
            )
        );
        let Some(Category::Assistance(kind)) = Category::from_key(category) else { return };
        if let (true, Some(i)) = (counted, RECIPIENT_TYPES.iter().position(|t| *t == kind)) {
            let tally = self.by_township.entry(township.to_string()).or_default();
            tally.recipients[i] += u32::try_from(count).unwrap_or(u32::MAX);
        }
    }

    /// The statistics of the cases added, over the official divisions.
    pub fn statistics(&self, divisions: &[(County, Vec<Township>)]) -> Statistics {
        let none = Tally::default();
        let mut city = Tally::default();
        let mut counties = Vec::new();
        for (county, townships) in divisions {
            let mut county_tally = Tally::default();
            let mut lines = Vec::new();
            for township in townships {
                let tally = self.by_township.get(&township.code).unwrap_or(&none);
                county_tally.merge(tally);
                lines.push(tally.line(&township.code, &township.name));
            }
            let county_line = county_tally.line(&county.code, &county.name);
            protect(&mut lines, county_line.received != Cell::Suppressed, |l| &mut l.received);
            protect(&mut lines, county_line.approved != Cell::Suppressed, |l| &mut l.approved);
            protect(&mut lines, county_line.refused != Cell::Suppressed, |l| &mut l.refused);
            for i in 0..RECIPIENT_TYPES.len() {
                protect(&mut lines, county_line.recipients[i] != Cell::Suppressed, |l| &mut l.recipients[i]);
            }
            city.merge(&county_tally);
            counties.push((county_line, lines));
        }
        Statistics {
            city: Some(city.line("620700", "张掖市")),
            counties,
            register: RegisterSummary::default(),
            monitored: Vec::new(),
        }
    }
}

/// The statistics as CSV (UTF-8 with a byte-order mark, so that spreadsheet programs read the Chinese).
pub fn to_csv(stats: &Statistics) -> String {
    let mut out = String::from("\u{feff}");
    let types: Vec<&str> = RECIPIENT_TYPES.iter().map(|t| t.label()).collect();
    out.push_str(&format!("级别,代码,名称,收到申请,批准,不予批准,办理工作日中位数,{}\n", types.join(",")));
    let mut row = |level: &str, line: &Line| {
        let recipients: Vec<String> = line.recipients.iter().map(|c| c.text()).collect();
        out.push_str(&format!(
            "{level},{},{},{},{},{},{},{}\n",
            line.code,
            line.name.replace(',', " "),
            line.received.text(),
            line.approved.text(),
            line.refused.text(),
            line.median_days.map(|d| d.to_string()).unwrap_or_default(),
            recipients.join(",")
        ));
    };
    if let Some(city) = &stats.city {
        row("市", city);
    }
    for (county, townships) in &stats.counties {
        row("县区", county);
        for township in townships {
            row("乡镇", township);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn divisions() -> Vec<(County, Vec<Township>)> {
        let county = County { code: "620702".into(), name: "甘州区".into() };
        let townships = ["620702001", "620702002", "620702003"]
            .iter()
            .enumerate()
            .map(|(i, code)| Township {
                code: code.to_string(),
                county_code: "620702".into(),
                name: format!("第{}镇", i + 1),
            })
            .collect();
        vec![(county, townships)]
    }

    fn case(township: &str, status: Status, decided_after_days: Option<i64>) -> CaseFacts {
        let submitted = Date::parse("2026-03-02").unwrap();
        CaseFacts {
            township_code: township.into(),
            status,
            types: vec![AssistanceType::Dibao],
            submitted,
            decided: decided_after_days.map(|d| submitted.add_days(d)),
        }
    }

    fn aggregate(
        cases: &[CaseFacts],
        divisions: &[(County, Vec<Township>)],
        calendar: &Calendar,
    ) -> Statistics {
        let mut tallies = Tallies::default();
        for case in cases {
            tallies.add(case, calendar);
        }
        tallies.statistics(divisions)
    }

    #[test]
    fn the_register_counts_standing_records_and_ended_ones_by_reason() {
        let row = |c: &str, s: &str, r: &str, n: u64| {
            ("620702001".to_string(), c.to_string(), s.to_string(), r.to_string(), n)
        };
        let summary = register_summary(&[
            row("dibao", "in_force", "", 12),
            row("dibao", "phasing_out", "", 2),
            row("dibao", "ended", "phase_out", 6),
            row("tekun", "ended", "phase_out", 1),
            row("dibao", "ended", "moved", 7),
        ]);
        assert_eq!(
            summary.standing[0],
            ("在保".to_string(), "最低生活保障（低保）".to_string(), Cell::Count(12))
        );
        assert_eq!(
            summary.standing[1].2,
            Cell::Suppressed,
            "two households in a phase-out are not published"
        );
        assert_eq!(
            summary.ended,
            vec![
                ("户籍或居住地迁出本县区".to_string(), Cell::Count(7)),
                ("渐退期满".to_string(), Cell::Count(7))
            ]
        );
    }

    fn many(township: &str, n: usize, status: Status) -> Vec<CaseFacts> {
        (0..n).map(|_| case(township, status, Some(7))).collect()
    }

    #[test]
    fn small_counts_are_hidden_and_zero_is_shown() {
        assert_eq!(Cell::primary(0), Cell::Count(0));
        assert_eq!(Cell::primary(4), Cell::Suppressed);
        assert_eq!(Cell::primary(5), Cell::Count(5));
        assert_eq!(Cell::Suppressed.text(), "<5");
    }

    #[test]
    fn a_lone_hidden_township_gets_a_companion() {
        let mut cases = many("620702001", 2, Status::Approved);
        cases.extend(many("620702002", 6, Status::Approved));
        cases.extend(many("620702003", 9, Status::Approved));
        let mut tallies = Tallies::default();
        for case in &cases {
            tallies.add(case, &Calendar::new([]));
        }
        for (township, n) in [("620702001", 2), ("620702002", 6), ("620702003", 9)] {
            tallies.add_register(township, "dibao", "in_force", n);
        }
        tallies.add_register("620702003", "dibao", "ended", 40);
        let stats = tallies.statistics(&divisions());
        let (county, townships) = &stats.counties[0];
        assert_eq!(county.received, Cell::Count(17));
        let received: Vec<Cell> = townships.iter().map(|t| t.received).collect();
        assert_eq!(
            received,
            [Cell::Suppressed, Cell::Suppressed, Cell::Count(9)],
            "6 hidden too: 17 - 9 = 8 is two"
        );
        assert_eq!(townships[0].recipients[0], Cell::Suppressed);
        assert_eq!(county.recipients[0], Cell::Count(17), "ended records are not recipients");
    }

    #[test]
    fn the_median_counts_working_days_and_needs_enough_decisions() {
        let mut cases: Vec<CaseFacts> =
            [3, 5, 9, 10, 30].iter().map(|d| case("620702001", Status::Refused, Some(*d))).collect();
        let stats = aggregate(&cases, &divisions(), &Calendar::new([]));
        // Monday 2 March + 9 calendar days = Wednesday 11 March: 7 working days.
        assert_eq!(stats.counties[0].0.median_days, Some(7));
        cases.pop();
        let stats = aggregate(&cases, &divisions(), &Calendar::new([]));
        assert_eq!(stats.counties[0].0.median_days, None, "four decisions are too few");
        assert_eq!(median(&[1, 2, 3, 4, 5, 6]), Some(4));
    }

    #[test]
    fn cases_still_open_count_as_received_only() {
        let cases = many("620702001", 5, Status::Investigating);
        let stats = aggregate(&cases, &divisions(), &Calendar::new([]));
        let city = stats.city.unwrap();
        assert_eq!(
            (city.received, city.approved, city.refused),
            (Cell::Count(5), Cell::Count(0), Cell::Count(0))
        );
        assert_eq!(city.median_days, None);
    }

    #[test]
    fn the_csv_has_a_line_per_division_with_hidden_cells_marked() {
        let cases = many("620702001", 2, Status::Approved);
        let csv = to_csv(&aggregate(&cases, &divisions(), &Calendar::new([])));
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[0].starts_with("\u{feff}级别,代码,名称,收到申请"));
        assert_eq!(lines.len(), 1 + 1 + 1 + 3);
        assert!(lines[3].starts_with("乡镇,620702001,第1镇,<5,<5,0,"), "{}", lines[3]);
    }

    #[test]
    fn the_monitoring_register_is_counted_by_category_with_small_counts_hidden() {
        let counts = [
            (Some("poverty_relapse_watch".to_string()), 12),
            (Some("dibao".to_string()), 3),
            (None, 7),
            (Some("nonsense".to_string()), 9),
        ];
        let summary = monitored_summary(&counts);
        let expected = [
            ("最低生活保障（低保）", Cell::Suppressed),
            ("防止返贫监测对象", Cell::Count(12)),
            ("尚未确定类别", Cell::Count(7)),
        ];
        let labels: Vec<(&str, Cell)> = summary.iter().map(|(l, c)| (l.as_str(), *c)).collect();
        assert_eq!(labels, expected);
    }
}
