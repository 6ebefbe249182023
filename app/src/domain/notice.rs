//! Public notices (公示) and objections to them: what an objection must contain, and how long a notice
//! still runs. What a notice shows is decided when it is published (`web/cases.rs` with
//! `masking::mask_name` and `workflow::published_types`); the public pages only read that record.

use super::calendar::Date;
use super::person_name::check_name;
use super::phone::MobileNumber;
use serde::{Deserialize, Serialize};

/// Calendar days a notice still runs, counting today and its last day.
pub fn days_left(until: Date, today: Date) -> i64 {
    (until.days_since_epoch() - today.days_since_epoch() + 1).max(0)
}

/// The case history's key for an objection added to earlier ones: a case reopens on its first
/// objection only; later ones wait for the township, which may reopen it (`Action::Reinvestigate`).
pub const GROUPED_OBJECTION_EVENT: &str = "objection_grouped";

pub fn event_label(key: &str) -> Option<&'static str> {
    (key == GROUPED_OBJECTION_EVENT).then_some("公示期又收到异议（并入此前的异议，由乡镇决定是否重新调查）")
}

/// An objection as filed: the reason, and contact details only if the objector chose to give them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectionInput {
    pub reason: String,
    pub contact: Option<(String, String)>,
}

pub const REASON_MIN_CHARS: usize = 10;
pub const REASON_MAX_CHARS: usize = 2000;

pub fn check_objection(
    reason: &str,
    name: &str,
    phone: &str,
) -> Result<ObjectionInput, Vec<(&'static str, String)>> {
    let mut problems = Vec::new();
    let reason = reason.trim();
    let length = reason.chars().count();
    if length < REASON_MIN_CHARS {
        problems.push((
            "reason",
            format!("请写明异议的具体情况，至少{REASON_MIN_CHARS}个字，例如家里有什么收入、财产没有如实申报"),
        ));
    } else if length > REASON_MAX_CHARS {
        problems.push(("reason", format!("最多{REASON_MAX_CHARS}个字，现在是{length}个字")));
    }
    let (name, phone) = (name.trim(), phone.trim());
    let contact = match (name.is_empty(), phone.is_empty()) {
        (true, true) => None,
        _ => {
            let checked_name =
                check_name(name).map_err(|e| problems.push(("contact_name", e.to_string()))).ok();
            let checked_phone =
                MobileNumber::parse(phone).map_err(|e| problems.push(("contact_phone", e.to_string()))).ok();
            checked_name.zip(checked_phone).map(|(n, p)| (n, p.as_str().to_string()))
        }
    };
    if problems.is_empty() {
        Ok(ObjectionInput { reason: reason.to_string(), contact })
    } else {
        Err(problems)
    }
}

/// A receipt code for an objection, `XXXX-XXXX-XXXX` in characters that read out unambiguously (the
/// random bytes come from the caller).
pub fn receipt_code(random: [u8; 12]) -> String {
    let alphabet = super::application::REFERENCE_ALPHABET;
    let chars: Vec<char> = random.iter().map(|b| alphabet[*b as usize % alphabet.len()] as char).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_codes_are_grouped_for_reading_out() {
        assert_eq!(receipt_code([0; 12]), "2222-2222-2222");
        assert_eq!(receipt_code([30, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]).len(), 14);
    }

    #[test]
    fn a_notice_counts_its_last_day() {
        let today = Date::parse("2026-11-29").unwrap();
        assert_eq!(days_left(Date::parse("2026-12-05").unwrap(), today), 7);
        assert_eq!(days_left(today, today), 1);
        assert_eq!(days_left(Date::parse("2026-11-01").unwrap(), today), 0);
    }

    #[test]
    fn an_objection_needs_a_reason_and_contact_is_optional_but_checked() {
        assert_eq!(check_objection("不对", "", "").unwrap_err()[0].0, "reason");
        let anonymous = check_objection("他家在县城有一套商品房没有申报", "", "").unwrap();
        assert_eq!(anonymous.contact, None);
        let problems = check_objection("他家在县城有一套商品房没有申报", "", "12345").unwrap_err();
        let fields: Vec<_> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["contact_name", "contact_phone"]);
        let named = check_objection("他家在县城有一套商品房没有申报", "李四", "13812345678").unwrap();
        assert_eq!(named.contact, Some(("李四".to_string(), "13812345678".to_string())));
    }
}
