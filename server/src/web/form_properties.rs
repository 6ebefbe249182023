//! Property tests of the form posts' first parsers: every typed form a handler extracts (serde, then
//! `validator`'s shape rules) and the multipart reader with its file checks get generated bodies, in
//! process so that a long run of 10^6 bodies takes minutes (the HTTP routes themselves get generated
//! forms in `tests/site.rs`). What the handlers then check field by field is the domain's
//! (`app/src/properties.rs`). The long run is in the README, Security.

use super::{admin, cases, declaration, emergency, identity, preferences, register, reports, review, status};
use crate::uploads::{read_anonymous_form, read_form_with_optional_files};
use app::features::administration;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::Form;
use proptest::prelude::*;
use std::sync::LazyLock;
use validator::Validate;

static RUNTIME: LazyLock<tokio::runtime::Runtime> =
    LazyLock::new(|| tokio::runtime::Builder::new_current_thread().build().expect("a runtime"));

/// Every field name the typed forms and the multipart forms read, and a few they do not.
const NAMES: &[&str] = &[
    "announcement_body",
    "announcement_title",
    "back",
    "body",
    "calendar_day",
    "calendar_note",
    "code",
    "confirm",
    "confirm_note",
    "county",
    "current",
    "day",
    "decision",
    "details",
    "dibao_rural_monthly",
    "dibao_urban_monthly",
    "disposable_income_rural_yearly",
    "disposable_income_urban_yearly",
    "emergency_amount",
    "emergency_note",
    "emergency_reason",
    "enabled",
    "helper_name",
    "helper_phone",
    "helper_role",
    "id",
    "id_number",
    "id_numbers",
    "income",
    "kind",
    "label",
    "name",
    "new",
    "note",
    "number",
    "occurred_on",
    "outcome",
    "password",
    "phone",
    "receipt",
    "reference",
    "rigid_spending_share_percent",
    "shown",
    "slug",
    "status",
    "summary",
    "title",
    "username",
    "document",
    "photo",
    "unknown",
    "",
];

fn value() -> impl Strategy<Value = String> {
    let pieces =
        prop::sample::select(vec!["0", "1", "9", "X", " ", "张", "true", "-", "%", "+", "&", "=", "\0"]);
    prop_oneof![prop::collection::vec(pieces, 0..16).prop_map(|parts| parts.concat()), any::<String>()]
}

fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((prop::sample::select(NAMES), value()), 0..16)
        .prop_map(|pairs| pairs.into_iter().map(|(n, v)| (n.to_string(), v)).collect())
}

/// A urlencoded body: generated fields encoded as a browser does, or any bytes at all.
fn urlencoded() -> impl Strategy<Value = Vec<u8>> {
    let encoded = pairs().prop_map(|pairs| {
        url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish().into_bytes()
    });
    prop_oneof![3 => encoded, 1 => prop::collection::vec(any::<u8>(), 0..256)]
}

/// A multipart body under the boundary `B`: text parts and file parts (a real kind's first bytes and
/// anything after), sometimes cut short.
fn multipart() -> impl Strategy<Value = Vec<u8>> {
    let start = prop::sample::select(vec![
        b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00".to_vec(),
        b"\x89PNG\r\n\x1a\n".to_vec(),
        b"%PDF-1.7\n".to_vec(),
        Vec::new(),
    ]);
    let file = (start, prop::collection::vec(any::<u8>(), 0..256)).prop_map(|(s, rest)| [s, rest].concat());
    let part = (prop::sample::select(NAMES), prop_oneof![value().prop_map(String::into_bytes), file]);
    (prop::collection::vec(part, 0..8), any::<bool>(), 0usize..64).prop_map(|(parts, whole, cut)| {
        let mut body = Vec::new();
        for (name, content) in parts {
            body.extend_from_slice(
                format!("--B\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes(),
            );
            body.extend_from_slice(b"; filename=\"x\"\r\nContent-Type: application/octet-stream\r\n\r\n");
            body.extend_from_slice(&content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--B--\r\n");
        if !whole {
            body.truncate(body.len().saturating_sub(cut));
        }
        body
    })
}

fn request(content_type: &str, body: &[u8]) -> Request {
    Request::post("/")
        .header("content-type", content_type)
        .body(Body::from(body.to_vec()))
        .expect("a request")
}

fn decode<T: serde::de::DeserializeOwned + Send>(body: &[u8]) -> Option<T> {
    let request = request("application/x-www-form-urlencoded", body);
    RUNTIME.block_on(Form::<T>::from_request(request, &())).ok().map(|Form(form)| form)
}

/// Decodes the body into every typed form, and checks the shape rules of those that have them.
macro_rules! decode_every_form {
    ($body:expr; plain: $($plain:ty),+; validated: $($validated:ty),+) => {{
        $( let _ = decode::<$plain>($body); )+
        $( if let Some(form) = decode::<$validated>($body) { let _ = form.validate(); } )+
    }};
}

proptest! {
    #[test]
    fn every_typed_form_answers_whatever_body_is_posted(body in urlencoded()) {
        decode_every_form!(&body;
            plain: Vec<(String, String)>, identity::CodeRequest, preferences::ElderModeForm,
                declaration::KindForm, declaration::DetailsForm, review::LoginForm, review::PasswordForm,
                status::ReferenceForm, status::CodeForm, reports::ReceiptForm, reports::QuestionForm,
                reports::UpdateForm, administration::HotlineForm, admin::RemoveForm, administration::StandardsForm,
                administration::GuideForm, administration::AnnouncementForm, administration::StaffRelativesForm,
                administration::CalendarDayForm, admin::RemoveCalendarDayForm;
            validated: identity::HelperForm, identity::VerifyForm, cases::AnswerForm, register::ConfirmForm,
                emergency::GrantPost, emergency::AnswerPost);
        let posted = RUNTIME.block_on(read_form_with_optional_files(request("application/x-www-form-urlencoded", &body), "document"));
        if let Ok(posted) = posted {
            prop_assert!(posted.files.is_empty(), "a urlencoded body carries no file");
        }
    }

    #[test]
    fn multipart_forms_answer_whatever_body_is_posted(body in multipart()) {
        let content_type = "multipart/form-data; boundary=B";
        let read = RUNTIME.block_on(read_form_with_optional_files(request(content_type, &body), "document"));
        if let Ok(form) = read {
            prop_assert!(form.files.len() <= app::domain::upload::MAX_FILES);
        }
        let multipart = RUNTIME.block_on(Multipart::from_request(request(content_type, &body), &()));
        if let Ok(multipart) = multipart {
            let _ = RUNTIME.block_on(read_anonymous_form(multipart, "photo"));
        }
        let multipart = RUNTIME.block_on(Multipart::from_request(request(content_type, &body), &()));
        if let Ok(multipart) = multipart {
            if let Ok((_, file)) = RUNTIME.block_on(super::imports::read_upload(multipart, "note")) {
                prop_assert!(!file.is_empty(), "an empty upload is refused");
            }
        }
    }

    /// The administrator's uploads: whatever bytes a file holds, every row gets an answer or the file a
    /// reason, and nothing panics.
    #[test]
    fn uploaded_files_are_read_whatever_they_hold(file in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = super::imports::read_rows(&file);
        let _ = super::imports::read_roll(&file);
        let with_header = [b"reference_id,id_number,kind\n".as_slice(), &file].concat();
        if let Ok(rows) = super::imports::read_rows(&with_header) {
            prop_assert!(rows.iter().enumerate().all(|(i, row)| row.line == i + 2));
        }
    }
}

/// The generators' shapes are real: a whole body of each kind is read as a browser's would be.
#[test]
fn whole_generated_bodies_are_read_as_forms() {
    let body = b"--B\r\nContent-Disposition: form-data; name=\"note\"; filename=\"x\"\r\nContent-Type: application/octet-stream\r\n\r\n\xE5\xBC\xA0\r\n--B--\r\n";
    let form = RUNTIME
        .block_on(read_form_with_optional_files(request("multipart/form-data; boundary=B", body), "document"))
        .expect("read");
    assert_eq!(form.fields, [("note".to_string(), "张".to_string())]);
    let encoded = url::form_urlencoded::Serializer::new(String::new()).append_pair("phone", "139").finish();
    let pairs = decode::<Vec<(String, String)>>(encoded.as_bytes()).expect("decoded");
    assert_eq!(pairs, [("phone".to_string(), "139".to_string())]);
}

/// A text field of a megabyte keeps only its first `MAX_TEXT_FIELD_BYTES`, and the fields after it
/// are still read.
#[test]
fn an_oversized_text_field_is_cut_and_the_form_still_read() {
    use crate::uploads::MAX_TEXT_FIELD_BYTES;
    let huge = "很".repeat(340_000);
    let body = format!(
        "--B\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n{huge}\r\n\
         --B\r\nContent-Disposition: form-data; name=\"township\"\r\n\r\n甘州区\r\n--B--\r\n"
    );
    let form = RUNTIME
        .block_on(read_form_with_optional_files(
            request("multipart/form-data; boundary=B", body.as_bytes()),
            "document",
        ))
        .expect("read");
    let (name, description) = &form.fields[0];
    assert_eq!(name, "description");
    assert!(description.len() <= MAX_TEXT_FIELD_BYTES + 3, "kept {} bytes", description.len());
    assert!(description.starts_with(&"很".repeat(21_000)));
    assert_eq!(form.fields[1], ("township".to_string(), "甘州区".to_string()));
}
