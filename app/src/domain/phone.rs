//! Mainland mobile numbers, as typed on a phone: spaces, dashes and a +86 prefix are accepted.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum PhoneError {
    #[error("请填写手机号码")]
    Empty,
    #[error("手机号码应为11位数字，请核对")]
    Malformed,
}

#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MobileNumber(String);

impl MobileNumber {
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
        if digits.is_empty() {
            return Err(PhoneError::Empty);
        }
        let digits = digits.strip_prefix("+86").or_else(|| digits.strip_prefix("0086")).unwrap_or(&digits);
        let valid = digits.len() == 11
            && digits.bytes().all(|b| b.is_ascii_digit())
            && digits.starts_with('1')
            && matches!(digits.as_bytes()[1], b'3'..=b'9');
        if valid {
            Ok(Self(digits.to_string()))
        } else {
            Err(PhoneError::Malformed)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        super::masking::mask_phone(&self.0)
    }
}

/// Logs and panics show only the masked number.
impl fmt::Debug for MobileNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MobileNumber({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_forms_of_a_number_are_accepted() {
        for typed in ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678"] {
            assert_eq!(MobileNumber::parse(typed).unwrap().as_str(), "13812345678", "{typed}");
        }
    }

    #[test]
    fn other_numbers_are_refused_with_a_message() {
        assert_eq!(MobileNumber::parse(""), Err(PhoneError::Empty));
        for typed in ["1381234567", "23812345678", "12812345678", "0936-8212345", "138123456789"] {
            assert_eq!(MobileNumber::parse(typed), Err(PhoneError::Malformed), "{typed}");
        }
    }

    #[test]
    fn debug_output_is_masked() {
        assert_eq!(format!("{:?}", MobileNumber::parse("13812345678").unwrap()), "MobileNumber(138****5678)");
    }
}
