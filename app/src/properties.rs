//! Property tests of every parser of outside input: whatever arrives, none panics, and what each lets
//! through keeps its promise. Each property runs `PROPTEST_CASES` inputs (256 by default, in the test
//! command); the long run (README, Security) sets it to 1,000,000.

use crate::domain::announcement::check_announcement;
use crate::domain::application::{
    check_submission, parse_reference, AccountForm, Applicant, AssetsForm, Draft, HouseholdForm, IncomeForm,
    PlaceForm, Relationship, SpendingForm, StepContext, StepForm, SubmitForm, TypesForm, MAX_MEMBERS,
};
use crate::domain::assistance::AssistanceType;
use crate::domain::calendar::Date;
use crate::domain::declaration::{check_details, ChangeKind};
use crate::domain::emergency::{check_grant, GrantForm};
use crate::domain::guide::check_guide_edit;
use crate::domain::helper::check_helper;
use crate::domain::id_number::{check_character, BirthDate, IdNumber};
use crate::domain::notice::check_objection;
use crate::domain::person_name::check_name;
use crate::domain::phone::MobileNumber;
use crate::domain::referral::check_answer;
use crate::domain::region::{check_hotline, County, Township};
use crate::domain::register::{check_review, Category, GrantKind, ReviewContext, ReviewForm, ReviewRules};
use crate::domain::report::normalize_receipt;
use crate::domain::report::{check_message, check_report, ReportForm};
use crate::domain::staff::check_new_password;
use crate::domain::upload::{accept, accept_anonymous, exif_orientation, sniff, FileKind};
use crate::domain::workflow::{check_action_input, Action};
use proptest::prelude::*;

/// Text as people and programs type it: mostly digits, letters, Chinese and spaces, sometimes anything.
fn typed() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "0", "1", "6", "2", "9", "X", "x", " ", "-", "ZY", "张", "王", "·", "\u{3000}", "１", "\u{202e}",
        "\0", "yes", "add", "dibao",
    ]);
    prop_oneof![prop::collection::vec(pieces, 0..24).prop_map(|parts| parts.concat()), any::<String>(),]
}

/// A form as posted: (name, value) pairs, check boxes repeating their name.
#[derive(Clone, Debug)]
struct Posted(Vec<(String, String)>);

impl Posted {
    /// The first value of a field, or empty.
    fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    /// The body a browser would send.
    fn encoded(&self) -> String {
        serde_html_form::to_string(&self.0).expect("pairs of text always encode")
    }
}

/// A form as posted: known field names (and a few unknown ones) in any order, repeated or missing,
/// with typed values.
fn posted() -> impl Strategy<Value = Posted> {
    let names = prop::sample::select(vec![
        "types",
        "account",
        "address",
        "consent",
        "disabled",
        "emergency",
        "in_school",
        "member_id_number",
        "member_name",
        "relationship",
        "seriously_ill",
        "township",
        "village",
        "working",
        "wages",
        "business",
        "transfers",
        "other",
        "savings",
        "vehicle",
        "housing",
        "medical",
        "education",
        "amount",
        "reason",
        "note",
        "outcome",
        "until",
        "income",
        "employed",
        "household_size",
        "residence",
        "unknown",
        "op",
        "index",
        "submission_key",
        "",
    ]);
    prop::collection::vec((names, typed()), 0..24)
        .prop_map(|pairs| Posted(pairs.into_iter().map(|(n, v)| (n.to_string(), v)).collect()))
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

    #[test]
    fn every_form_check_answers_whatever_is_posted(posted in posted()) {
        application_steps(&posted);
        staff_and_resident_forms(&posted);
    }
}

/// The application's steps, each fed the same post as the server reads it, in turn into one draft; whatever
/// they accept, the draft keeps its shape (the applicant first, never too many members).
fn application_steps(posted: &Posted) {
    let today = BirthDate::today_in_china(1_796_000_000);
    let township =
        Township { code: "620702001".into(), name: "东街街道".into(), county_code: "620702".into() };
    let first_17 = "62070219700101202";
    let id_number =
        IdNumber::parse(&format!("{first_17}{}", check_character(first_17)), today).expect("valid");
    let applicant = Applicant { name: "王秀兰".into(), id_number, phone: "13912345678".into() };
    let mut draft = Draft::new("key".into(), applicant);
    let divisions = [(County { code: "620702".into(), name: "甘州区".into() }, vec![township.clone()])];
    let context = StepContext { divisions: &divisions, today };
    let body = posted.encoded();
    step::<TypesForm>(&body, &mut draft, &context);
    step::<PlaceForm>(&body, &mut draft, &context);
    step::<HouseholdForm>(&body, &mut draft, &context);
    step::<IncomeForm>(&body, &mut draft, &context);
    step::<AssetsForm>(&body, &mut draft, &context);
    step::<SpendingForm>(&body, &mut draft, &context);
    step::<AccountForm>(&body, &mut draft, &context);
    if let Ok(form) = serde_html_form::from_str::<SubmitForm>(&body) {
        let _ = check_submission(&draft, &form);
    }
    assert_eq!(draft.members[0].relationship, Relationship::Applicant);
    assert!(draft.members.len() <= MAX_MEMBERS);
    assert!(draft.place.as_ref().is_none_or(|p| p.township_code == township.code));
}

fn step<F: StepForm>(body: &str, draft: &mut Draft, context: &StepContext) {
    if let Ok(form) = serde_html_form::from_str::<F>(body) {
        let _ = form.answer(draft, context);
    }
}

/// The other posted forms' checks, their fields taken from the same post.
fn staff_and_resident_forms(posted: &Posted) {
    let field = |name| posted.get(name);
    let today = Date::new(2026, 12, 3).expect("a real date");
    for kind in ChangeKind::ALL {
        let _ = check_details(kind, field("until"), field("note"), field("income"), today);
    }
    let _ = check_helper(field("member_name"), field("account"), field("relationship"), None);
    let _ = check_answer(field("outcome"), field("note"));
    let _ = check_hotline(field("reason"), field("account"));
    let _ = check_message(field("note"));
    let _ = check_announcement(field("reason"), field("note"));
    let _ = check_guide_edit(field("reason"), field("note"), field("income"));
    let _ = check_new_password(field("note"), field("reason"), field("amount"));
    let grants = [GrantKind::Monthly, GrantKind::OneOff, GrantKind::Recognition, GrantKind::Department];
    for (action, grant) in
        [Action::Recommend, Action::Approve, Action::Refuse, Action::RecordVisit].into_iter().zip(grants)
    {
        let _ = check_action_input(action, field("note"), field("amount"), grant);
    }
    let _ = check_grant(&GrantForm { amount: field("amount").into(), reason: field("reason").into() }, 5000);
    let report = ReportForm {
        township: field("township"),
        subject: field("member_name"),
        picked: false,
        suspicion: field("outcome"),
        description: field("note"),
        contact_name: field("member_name"),
        contact_phone: field("account"),
        trap: field("unknown"),
    };
    let _ = check_report(&report);
    let review = ReviewForm {
        outcome: field("outcome").into(),
        note: field("note").into(),
        amount: field("amount").into(),
        until: field("until").into(),
        reason: field("reason").into(),
        income: field("income").into(),
        employed: field("employed").into(),
        household_size: field("household_size").into(),
        residence: field("residence").into(),
    };
    let rules = ReviewRules::default();
    for (grant, category) in [
        (GrantKind::Monthly, Category::Assistance(AssistanceType::Dibao)),
        (GrantKind::Recognition, Category::Assistance(AssistanceType::DibaoEdge)),
    ] {
        let context = ReviewContext { grant, category, today, rules: &rules, standards: (780, 560) };
        let _ = check_review(&review, &context);
    }
}
