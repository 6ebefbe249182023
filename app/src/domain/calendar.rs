//! Dates and working days. Weekends are days off except the make-up workdays (调休上班) that the State
//! Council announces each year; national holidays are days off. The calendar itself is data the
//! administrator maintains; this module only counts.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A civil date (proleptic Gregorian), in China's time zone where it comes from a clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date {
    year: i32,
    month: u32,
    day: u32,
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Self> {
        (day >= 1 && day <= days_in_month(year, month)).then_some(Self { year, month, day })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn day(self) -> u32 {
        self.day
    }

    /// Reads `2026-10-01`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        Self::new(year, month, day)
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    pub fn days_since_epoch(self) -> i64 {
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let yoe = year - era * 400;
        let month = i64::from(self.month);
        let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days_since_epoch(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Self { year, month, day }
    }

    /// Today in China (UTC+8) for a unix time in seconds.
    pub fn today_in_china(unix_seconds: i64) -> Self {
        Self::from_days_since_epoch((unix_seconds + 8 * 3600).div_euclid(86_400))
    }

    /// "2026年12月2日 20:40": a moment in China's time, to the minute.
    pub fn moment_in_china(unix_seconds: i64) -> String {
        let seconds_of_day = (unix_seconds + 8 * 3600).rem_euclid(86_400);
        let (hour, minute) = (seconds_of_day / 3600, seconds_of_day % 3600 / 60);
        format!("{} {hour:02}:{minute:02}", Self::today_in_china(unix_seconds).chinese())
    }

    pub fn add_days(self, days: i64) -> Self {
        Self::from_days_since_epoch(self.days_since_epoch() + days)
    }

    /// The same day `months` months later, or the month's last day where it is shorter (1月31日 + 1 =
    /// 2月28日): a review due "a year after approval" falls on the anniversary.
    pub fn add_months(self, months: u32) -> Self {
        let zero_based = i64::from(self.month - 1) + i64::from(months);
        let year = self.year + i32::try_from(zero_based / 12).unwrap_or(i32::MAX - self.year);
        let month = u32::try_from(zero_based % 12).unwrap_or(0) + 1;
        Self { year, month, day: self.day.min(days_in_month(year, month)) }
    }

    /// Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday).
    pub fn weekday(self) -> u32 {
        (self.days_since_epoch() + 3).rem_euclid(7) as u32
    }

    pub fn is_weekend(self) -> bool {
        self.weekday() >= 5
    }

    /// 2026年10月1日
    pub fn chinese(self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// An exception to the weekly rhythm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DayKind {
    /// 法定节假日 or a day off in lieu: no work even on a weekday.
    Holiday,
    /// 调休上班: a weekend day that is worked.
    Workday,
}

impl DayKind {
    pub fn key(self) -> &'static str {
        match self {
            Self::Holiday => "holiday",
            Self::Workday => "workday",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "holiday" => Some(Self::Holiday),
            "workday" => Some(Self::Workday),
            _ => None,
        }
    }
}

/// The days that differ from "Monday to Friday are working days".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    exceptions: BTreeMap<Date, DayKind>,
}

impl Calendar {
    pub fn new(exceptions: impl IntoIterator<Item = (Date, DayKind)>) -> Self {
        Self { exceptions: exceptions.into_iter().collect() }
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        match self.exceptions.get(&date) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !date.is_weekend(),
        }
    }

    /// The day on which a limit of `working_days` counted from `start` runs out: the start day itself is
    /// not counted (a case received on Friday with a 1-day limit is due on Monday).
    pub fn add_working_days(&self, start: Date, working_days: u32) -> Date {
        let mut date = start;
        let mut left = working_days;
        while left > 0 {
            date = date.add_days(1);
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// The latest deadline already passed on `today`: a deadline is overdue once a working day has gone
    /// by after it, so deadlines on or before the day before the latest working day up to `today`.
    pub fn overdue_through(&self, today: Date) -> Date {
        let mut latest_working_day = today;
        // The longest run of days off (Spring Festival) is well under a month.
        for _ in 0..31 {
            if self.is_working_day(latest_working_day) {
                break;
            }
            latest_working_day = latest_working_day.add_days(-1);
        }
        latest_working_day.add_days(-1)
    }

    /// Working days after `start` up to and including `end` (0 when `end` is not after `start`).
    pub fn working_days_between(&self, start: Date, end: Date) -> u32 {
        let mut count = 0;
        let mut date = start;
        while date < end {
            date = date.add_days(1);
            if self.is_working_day(date) {
                count += 1;
            }
        }
        count
    }

    /// Working days from `today` to `due`, negative when it has passed.
    pub fn days_left(&self, today: Date, due: Date) -> i64 {
        if due >= today {
            i64::from(self.working_days_between(today, due))
        } else {
            -i64::from(self.working_days_between(due, today))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_later_is_the_same_day_or_the_end_of_a_shorter_month() {
        let d = |s| Date::parse(s).unwrap();
        assert_eq!(d("2026-12-02").add_months(12), d("2027-12-02"));
        assert_eq!(d("2026-08-31").add_months(6), d("2027-02-28"));
        assert_eq!(d("2027-11-30").add_months(3), d("2028-02-29"));
        assert_eq!(d("2026-01-15").add_months(0), d("2026-01-15"));
    }

    #[test]
    fn a_deadline_is_overdue_once_a_working_day_has_gone_by() {
        let calendar = Calendar::new([]);
        let d = |s| Date::parse(s).unwrap();
        // Wednesday 2 December 2026: Tuesday's deadline has passed.
        assert_eq!(calendar.overdue_through(d("2026-12-02")), d("2026-12-01"));
        // Sunday 6 December: a Friday deadline has not lost a working day yet; Thursday's has.
        assert_eq!(calendar.overdue_through(d("2026-12-06")), d("2026-12-03"));
        for (due, today) in [("2026-12-03", "2026-12-06"), ("2026-12-01", "2026-12-02")] {
            assert!(calendar.working_days_between(d(due), d(today)) >= 1, "the same rule as the days left");
        }
        assert_eq!(calendar.working_days_between(d("2026-12-04"), d("2026-12-06")), 0);
    }

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    /// The State Council's 2026 National Day arrangement: 10-01..10-07 off, Sunday 09-20 and Saturday
    /// 10-10 worked.
    fn national_day_2026() -> Calendar {
        let mut days: Vec<_> = (1..=7).map(|n| (Date::new(2026, 10, n).unwrap(), DayKind::Holiday)).collect();
        days.push((d("2026-09-20"), DayKind::Workday));
        days.push((d("2026-10-10"), DayKind::Workday));
        Calendar::new(days)
    }

    #[test]
    fn dates_round_trip_through_day_numbers() {
        assert_eq!(d("1970-01-01").days_since_epoch(), 0);
        assert_eq!(d("2000-03-01").days_since_epoch(), 11_017);
        for days in [-800_000, -1, 0, 59, 10_957, 20_000, 2_932_896] {
            assert_eq!(Date::from_days_since_epoch(days).days_since_epoch(), days);
        }
        assert_eq!(d("2024-02-28").add_days(1), d("2024-02-29"));
        assert_eq!(d("2026-12-31").add_days(1), d("2027-01-01"));
        assert_eq!(Date::parse("2026-02-29"), None);
        assert_eq!(Date::parse("2026-13-01"), None);
        assert_eq!(d("2026-10-01").to_string(), "2026-10-01");
        assert_eq!(d("2026-10-01").chinese(), "2026年10月1日");
    }

    #[test]
    fn weekdays_and_china_time() {
        assert_eq!(d("2026-11-29").weekday(), 6, "a Sunday");
        assert_eq!(d("2026-11-30").weekday(), 0, "a Monday");
        // 2026-11-29 16:30 UTC is already 00:30 on the 30th in Zhangye.
        assert_eq!(Date::today_in_china(1_795_969_800), d("2026-11-30"));
        assert_eq!(Date::moment_in_china(1_795_969_800), format!("{} 00:30", d("2026-11-30").chinese()));
    }

    #[test]
    fn a_limit_skips_weekends() {
        let calendar = Calendar::default();
        assert_eq!(calendar.add_working_days(d("2026-11-27"), 1), d("2026-11-30"), "Friday + 1 = Monday");
        assert_eq!(calendar.add_working_days(d("2026-11-29"), 5), d("2026-12-04"));
        assert_eq!(calendar.add_working_days(d("2026-11-30"), 0), d("2026-11-30"));
    }

    #[test]
    fn a_limit_crosses_the_national_day_holiday_and_its_make_up_workdays() {
        let calendar = national_day_2026();
        assert!(calendar.is_working_day(d("2026-09-20")), "a Sunday worked in exchange");
        assert!(!calendar.is_working_day(d("2026-10-05")), "a Monday off");
        // From Tuesday 09-29: 09-30 (1), then 10-01..10-07 off, 10-08 (2), 10-09 (3), Saturday 10-10 (4).
        assert_eq!(calendar.add_working_days(d("2026-09-29"), 4), d("2026-10-10"));
        assert_eq!(calendar.add_working_days(d("2026-09-29"), 5), d("2026-10-12"));
        assert_eq!(calendar.working_days_between(d("2026-09-29"), d("2026-10-12")), 5);
        assert_eq!(calendar.working_days_between(d("2026-10-12"), d("2026-09-29")), 0);
    }
}
