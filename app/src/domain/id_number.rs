//! Resident identity card numbers (GB 11643-1999): 18 characters, a 6-digit region code, the birth date
//! (YYYYMMDD), a 3-digit sequence and an ISO 7064 MOD 11-2 check character. The check catches typos; it
//! is not proof of identity.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Province-level prefixes of GB/T 2260 region codes. Anything else cannot be a real region.
const PROVINCE_PREFIXES: [&str; 34] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
    "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
];

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Each kind of mistake gets its own message, so the person knows what to look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum IdNumberError {
    #[error("请填写身份证号码")]
    Empty,
    #[error("身份证号码应为18位，您填写了{0}位")]
    WrongLength(usize),
    #[error("身份证号码前17位只能是数字，最后一位是数字或字母X")]
    BadCharacter,
    #[error("身份证号码前6位不是有效的地区代码，请核对")]
    UnknownRegion,
    #[error("身份证号码中的出生日期（第7到14位）不是有效日期，请核对")]
    InvalidBirthDate,
    #[error("身份证号码最后一位校验码不对，可能有一位填错了，请对照身份证逐位核对")]
    WrongCheckCharacter,
}

/// A well-formed ID number, normalised (upper-case X, no spaces).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IdNumber(String);

/// A calendar date as written in the ID number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct BirthDate {
    pub year: u32,
    pub month: u32,
    pub day: u32,
}

impl BirthDate {
    /// Today's date in China (UTC+8) for a unix time in seconds.
    pub fn today_in_china(unix_seconds: i64) -> Self {
        let today = super::calendar::Date::today_in_china(unix_seconds);
        Self { year: today.year() as u32, month: today.month(), day: today.day() }
    }

    /// Whole years from this birth date to `today`.
    pub fn age_on(self, today: BirthDate) -> u32 {
        let before_birthday = (today.month, today.day) < (self.month, self.day);
        today.year.saturating_sub(self.year).saturating_sub(u32::from(before_birthday))
    }
}

impl IdNumber {
    /// Checks `input` as typed (spaces ignored, lower-case x accepted). `today` bounds the birth date.
    pub fn parse(input: &str, today: BirthDate) -> Result<Self, IdNumberError> {
        let normalised: String =
            input.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect();
        if normalised.is_empty() {
            return Err(IdNumberError::Empty);
        }
        let count = normalised.chars().count();
        if count != 18 {
            return Err(IdNumberError::WrongLength(count));
        }
        // Splitting by bytes needs one byte per character (found by `properties.rs`: 17 digits and a
        // Chinese character panicked here).
        if !normalised.is_ascii() {
            return Err(IdNumberError::BadCharacter);
        }
        let (body, last) = normalised.split_at(17);
        if !body.bytes().all(|b| b.is_ascii_digit()) || !matches!(last.as_bytes(), [b'0'..=b'9' | b'X']) {
            return Err(IdNumberError::BadCharacter);
        }
        if !PROVINCE_PREFIXES.contains(&&body[..2]) || &body[2..6] == "0000" {
            return Err(IdNumberError::UnknownRegion);
        }
        let birth = birth_date_of(body).ok_or(IdNumberError::InvalidBirthDate)?;
        if birth.year < 1900 || birth > today {
            return Err(IdNumberError::InvalidBirthDate);
        }
        if check_character(body) != last.chars().next().unwrap_or_default() {
            return Err(IdNumberError::WrongCheckCharacter);
        }
        Ok(Self(normalised))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> BirthDate {
        birth_date_of(&self.0).expect("checked when parsed")
    }

    /// The 6-digit region code of household registration at the time of issue.
    pub fn region_code(&self) -> &str {
        &self.0[..6]
    }

    /// GB 11643: an odd sequence digit (17th character) means male, even means female.
    pub fn is_male(&self) -> bool {
        !(self.0.as_bytes()[16] - b'0').is_multiple_of(2)
    }

    /// Shown to the person themselves or to staff where the full number is not needed: 6201**********123X.
    pub fn masked(&self) -> String {
        format!("{}{}{}", &self.0[..4], "*".repeat(10), &self.0[14..])
    }
}

/// Never print the full number by accident (logs, panics).
impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

/// ISO 7064 MOD 11-2 over the first 17 digits.
pub fn check_character(first_17_digits: &str) -> char {
    let sum: u32 =
        first_17_digits.bytes().zip(WEIGHTS).map(|(digit, weight)| u32::from(digit - b'0') * weight).sum();
    CHECK_CHARACTERS[(sum % 11) as usize]
}

fn birth_date_of(digits: &str) -> Option<BirthDate> {
    let year: u32 = digits.get(6..10)?.parse().ok()?;
    let month: u32 = digits.get(10..12)?.parse().ok()?;
    let day: u32 = digits.get(12..14)?.parse().ok()?;
    (1..=12).contains(&month).then_some(())?;
    (1..=days_in_month(year, month)).contains(&day).then_some(BirthDate { year, month, day })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: BirthDate = BirthDate { year: 2026, month: 11, day: 29 };

    /// Builds a valid number from its first 17 digits.
    fn valid(first_17: &str) -> String {
        format!("{first_17}{}", check_character(first_17))
    }

    #[test]
    fn the_standards_worked_example_is_accepted() {
        // GB 11643-1999 appendix example: 11010519491231002X.
        let id = IdNumber::parse("11010519491231002x", TODAY).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), BirthDate { year: 1949, month: 12, day: 31 });
        assert!(!id.is_male());
        assert_eq!(id.masked(), "1101**********002X");
    }

    #[test]
    fn a_zhangye_number_with_spaces_is_accepted_and_normalised() {
        let number = valid("62070219800229101");
        let spaced = format!("{} {} {}", &number[..6], &number[6..14], &number[14..]);
        let id = IdNumber::parse(&spaced, TODAY).unwrap();
        assert_eq!(id.region_code(), "620702");
        assert!(id.is_male());
    }

    #[test]
    fn every_kind_of_mistake_has_its_own_error() {
        let cases = [
            ("", IdNumberError::Empty),
            ("6207021980", IdNumberError::WrongLength(10)),
            ("62070219800101101234", IdNumberError::WrongLength(20)),
            ("62070219800101A012", IdNumberError::BadCharacter),
            ("6207021980010110X2", IdNumberError::BadCharacter),
            ("62070219800101101张", IdNumberError::BadCharacter),
            (&valid("99070219800101101"), IdNumberError::UnknownRegion),
            (&valid("62000019800101101"), IdNumberError::UnknownRegion),
            (&valid("62070219810229101"), IdNumberError::InvalidBirthDate),
            (&valid("62070219801301101"), IdNumberError::InvalidBirthDate),
            (&valid("62070218890101101"), IdNumberError::InvalidBirthDate),
            (&valid("62070220301231101"), IdNumberError::InvalidBirthDate),
        ];
        for (input, expected) in cases {
            assert_eq!(IdNumber::parse(input, TODAY), Err(expected), "{input}");
        }
        let mut typo = valid("62070219800101101");
        typo.replace_range(17..18, if typo.ends_with('1') { "2" } else { "1" });
        assert_eq!(IdNumber::parse(&typo, TODAY), Err(IdNumberError::WrongCheckCharacter));
    }

    #[test]
    fn a_single_digit_typo_is_always_caught() {
        let good = valid("62072219751108203");
        for position in 0..17 {
            for replacement in b'0'..=b'9' {
                let mut bytes = good.clone().into_bytes();
                if bytes[position] == replacement {
                    continue;
                }
                bytes[position] = replacement;
                let typo = String::from_utf8(bytes).unwrap();
                assert!(IdNumber::parse(&typo, TODAY).is_err(), "{typo} must be refused");
            }
        }
    }

    #[test]
    fn debug_output_never_shows_the_full_number() {
        let id = IdNumber::parse("11010519491231002X", TODAY).unwrap();
        assert_eq!(format!("{id:?}"), "IdNumber(1101**********002X)");
    }

    #[test]
    fn today_follows_china_time() {
        // 2026-11-28 16:30 UTC is already 2026-11-29 in Zhangye.
        assert_eq!(BirthDate::today_in_china(1_795_883_400), BirthDate { year: 2026, month: 11, day: 29 });
        assert_eq!(BirthDate::today_in_china(0), BirthDate { year: 1970, month: 1, day: 1 });
        assert_eq!(BirthDate::today_in_china(951_782_400), BirthDate { year: 2000, month: 2, day: 29 });
    }

    #[test]
    fn messages_are_in_chinese() {
        assert_eq!(IdNumberError::WrongLength(17).to_string(), "身份证号码应为18位，您填写了17位");
    }

    #[test]
    fn age_counts_whole_years_up_to_the_birthday() {
        let born = BirthDate { year: 2008, month: 12, day: 5 };
        assert_eq!(born.age_on(BirthDate { year: 2026, month: 12, day: 4 }), 17);
        assert_eq!(born.age_on(BirthDate { year: 2026, month: 12, day: 5 }), 18);
        assert_eq!(born.age_on(BirthDate { year: 2000, month: 1, day: 1 }), 0, "no negative ages");
    }
}
