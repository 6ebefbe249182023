//! Property tests of every parser of outside input: whatever arrives, none panics, and what each lets
//! through keeps its promise. Each property runs `PROPTEST_CASES` inputs (256 by default, in the test
//! command); the long run (README, Security) sets it to 1,000,000.

use crate::domain::application::parse_reference;
use crate::domain::calendar::Date;
use crate::domain::id_number::{BirthDate, IdNumber};
use crate::domain::notice::check_objection;
use crate::domain::person_name::check_name;
use crate::domain::phone::MobileNumber;
use crate::domain::report::normalize_receipt;
use crate::domain::upload::{accept, accept_anonymous, exif_orientation, sniff, FileKind};
use proptest::prelude::*;

/// Text as people and programs type it: mostly digits, letters, Chinese and spaces, sometimes anything.
fn typed() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "0", "1", "6", "2", "9", "X", "x", " ", "-", "ZY", "张", "王", "·", "\u{3000}", "１", "\u{202e}",
        "\0",
    ]);
    prop_oneof![prop::collection::vec(pieces, 0..24).prop_map(|parts| parts.concat()), any::<String>(),]
}

/// A file as uploaded: a real kind's first bytes followed by anything, or anything at all.
fn uploaded() -> impl Strategy<Value = Vec<u8>> {
    let start = prop::sample::select(vec![
        b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00".to_vec(),
        b"\xFF\xD8\xFF\xE1\x00\x20Exif\x00\x00MM\x00*".to_vec(),
        b"\xFF\xD8\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00".to_vec(),
        b"\x89PNG\r\n\x1a\n".to_vec(),
        b"%PDF-1.7\n".to_vec(),
        Vec::new(),
    ]);
    (start, prop::collection::vec(any::<u8>(), 0..512)).prop_map(|(start, rest)| [start, rest].concat())
}

proptest! {
    #[test]
    fn identity_numbers_and_phones_never_panic_and_what_passes_is_canonical(input in typed()) {
        let today = BirthDate::today_in_china(1_796_000_000);
        if let Ok(id) = IdNumber::parse(&input, today) {
            prop_assert_eq!(id.as_str().len(), 18);
            prop_assert!(IdNumber::parse(id.as_str(), today).is_ok());
        }
        if let Ok(phone) = MobileNumber::parse(&input) {
            prop_assert_eq!(phone.as_str().len(), 11);
            prop_assert!(phone.as_str().bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn codes_dates_and_names_never_panic(input in typed()) {
        if let Some(reference) = parse_reference(&input) {
            prop_assert!(reference.is_ascii() && reference.len() <= 32);
        }
        if let Some(receipt) = normalize_receipt(&input) {
            prop_assert!(receipt.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
        }
        let _ = Date::parse(&input);
        if let Ok(name) = check_name(&input) {
            prop_assert!(!name.chars().any(char::is_control));
        }
        let _ = check_objection(&input, &input, &input);
    }

    #[test]
    fn uploads_never_panic_and_what_is_kept_is_of_its_kind(bytes in uploaded()) {
        let _ = exif_orientation(&bytes);
        if let Ok((kind, kept)) = accept(&bytes) {
            prop_assert_eq!(sniff(&kept), Some(kind));
            if kind == FileKind::Jpeg {
                prop_assert!(!kept.windows(4).any(|w| w == b"Exif") || kept.len() <= bytes.len() + 64);
            }
        }
        if accept_anonymous(&bytes).is_ok() {
            prop_assert!(accept(&bytes).is_ok());
        }
    }

    #[test]
    fn markdown_never_panics_and_never_lets_a_script_through(source in any::<String>()) {
        let html = crate::markdown::render_markdown(&format!("{source}<script>x</script>"));
        prop_assert!(!html.contains("<script"));
    }
}
