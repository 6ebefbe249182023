//! Administrative divisions of Zhangye and the public hotlines attached to them.

use serde::{Deserialize, Serialize};

/// A county-level unit (县/区) with its 6-digit statistical division code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct County {
    pub code: String,
    pub name: String,
}

/// A township-level unit (乡/镇/街道) with its 9-digit statistical division code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Township {
    pub code: String,
    pub name: String,
    pub county_code: String,
}

/// A public telephone line shown in the footer and on the contact page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hotline {
    pub id: i64,
    /// `None` for a city-wide line.
    pub county_code: Option<String>,
    /// What the line is for, e.g. "张掖市12345政务服务便民热线".
    pub label: String,
    /// The number as people write it, e.g. "0936-1234567" or "12345".
    pub number: String,
}

/// Why a hotline an administrator typed cannot be saved; `field()` names the form field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum HotlineError {
    #[error("请填写热线名称（2到40个字），例如“甘州区民政局社会救助热线”")]
    Label,
    #[error("请填写电话号码，例如 0936-1234567 或 12345")]
    Number,
}

impl HotlineError {
    pub fn field(self) -> &'static str {
        match self {
            Self::Label => "label",
            Self::Number => "number",
        }
    }
}

/// Checks a new hotline's label and number as typed.
pub fn check_hotline(label: &str, number: &str) -> Vec<HotlineError> {
    let mut errors = Vec::new();
    if !(2..=40).contains(&label.trim().chars().count()) {
        errors.push(HotlineError::Label);
    }
    let number = number.trim();
    let allowed = number.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+'));
    let digits = number.chars().filter(char::is_ascii_digit).count();
    if !allowed || !(3..=15).contains(&digits) {
        errors.push(HotlineError::Number);
    }
    errors
}

impl Hotline {
    /// The `tel:` link for the number: digits only (and a leading +), so that phones dial it as written.
    pub fn tel_href(&self) -> String {
        let dialable: String = self
            .number
            .chars()
            .enumerate()
            .filter(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '+'))
            .map(|(_, c)| c)
            .collect();
        format!("tel:{dialable}")
    }
}

/// Why a township code from the reference list is not usable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DivisionCodeError {
    #[error("乡镇（街道）代码应为9位数字：{0}")]
    Malformed(String),
    #[error("乡镇（街道）{code} 不属于县区 {county_code}")]
    WrongCounty { code: String, county_code: String },
}

impl Township {
    /// A township's 9-digit code starts with its county's 6-digit code; the reference data must agree.
    pub fn check(&self) -> Result<(), DivisionCodeError> {
        if self.code.len() != 9 || !self.code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DivisionCodeError::Malformed(self.code.clone()));
        }
        if !self.code.starts_with(&self.county_code) {
            return Err(DivisionCodeError::WrongCounty {
                code: self.code.clone(),
                county_code: self.county_code.clone(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hotline(number: &str) -> Hotline {
        Hotline { id: 1, county_code: None, label: "x".into(), number: number.into() }
    }

    #[test]
    fn tel_href_keeps_only_dialable_characters() {
        assert_eq!(hotline("0936-821 2345").tel_href(), "tel:09368212345");
        assert_eq!(hotline("12345").tel_href(), "tel:12345");
        assert_eq!(hotline("+86 936 1234").tel_href(), "tel:+869361234");
    }

    #[test]
    fn hotlines_need_a_label_and_a_dialable_number() {
        assert!(check_hotline("甘州区民政局社会救助热线", "0936-8212345").is_empty());
        assert!(check_hotline("市热线", "12345").is_empty());
        assert_eq!(check_hotline("", "12"), vec![HotlineError::Label, HotlineError::Number]);
        assert_eq!(check_hotline("民政热线", "call us"), vec![HotlineError::Number]);
    }

    #[test]
    fn township_code_must_extend_its_county_code() {
        let ok =
            Township { code: "620702001".into(), name: "东街街道".into(), county_code: "620702".into() };
        assert_eq!(ok.check(), Ok(()));
        let wrong = Township { county_code: "620721".into(), ..ok.clone() };
        assert!(matches!(wrong.check(), Err(DivisionCodeError::WrongCounty { .. })));
        let short = Township { code: "62070200".into(), ..ok };
        assert!(matches!(short.check(), Err(DivisionCodeError::Malformed(_))));
    }
}
