//! 举报 (reports of suspected fraud): what may be reported, how a report is checked before it is stored,
//! the receipt code the reporter keeps, and the key that groups reports about the same household.
//! Plain rules without I/O; the handlers in `server/src/web/reports.rs` use them.

use super::application::REFERENCE_ALPHABET;
use super::person_name::check_name;
use super::phone::MobileNumber;
use serde::{Deserialize, Serialize};

keyed_enum! {
    /// What the reporter suspects.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
    pub enum Suspicion {
        HiddenIncome => ("hidden_income", "隐瞒收入"),
        HiddenAssets => ("hidden_assets", "隐瞒财产（房屋、车辆、存款等）"),
        FalseMembers => ("false_members", "虚报家庭成员或家庭情况"),
        /// 优亲厚友: staff favouring their relatives or friends.
        Favouritism => ("favouritism", "工作人员优亲厚友、违规办理"),
        Other => ("other", "其他问题"),
    }
}

keyed_enum! {
    /// Where a report stands, as the reporter sees it.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
    pub enum ReportStatus {
        Received => ("received", "已收到"),
        Verifying => ("verifying", "正在核实"),
        Concluded => ("concluded", "已办结"),
    }
}

/// Reports about the same household within this many days are grouped for the officer.
pub const GROUPING_DAYS: i64 = 90;

pub const DESCRIPTION_MIN_CHARS: usize = 10;
pub const DESCRIPTION_MAX_CHARS: usize = 3000;
pub const SUBJECT_MAX_CHARS: usize = 100;
pub const MESSAGE_MAX_CHARS: usize = 2000;
pub const OUTCOME_MAX_CHARS: usize = 500;

/// The reporter's optional name and phone number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReporterContact {
    pub name: String,
    pub phone: String,
}

/// The report form as posted (its evidence files come beside it): `entry` is the public entry picked,
/// if the reporter came from a notice or a recipient list; `website` is the trap field.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ReportPost {
    pub entry: String,
    pub township: String,
    pub subject: String,
    pub suspicion: String,
    pub description: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub website: String,
}

/// A reporter's message or added evidence, as posted.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct MessagePost {
    pub body: String,
}

/// A report as typed, before it is checked.
#[derive(Clone, Debug, Default)]
pub struct ReportForm<'a> {
    pub township: &'a str,
    /// Free text naming the household, unless one was picked from a public list.
    pub subject: &'a str,
    pub picked: bool,
    pub suspicion: &'a str,
    pub description: &'a str,
    pub contact_name: &'a str,
    pub contact_phone: &'a str,
    /// A field hidden from people (see `report_form`); only programs fill it in.
    pub trap: &'a str,
}

/// A checked report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportInput {
    pub subject: String,
    pub suspicion: Suspicion,
    pub description: String,
    pub contact: Option<ReporterContact>,
}

/// What the reporter writes, sealed together at rest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportContent {
    pub subject: String,
    pub description: String,
    pub contact: Option<ReporterContact>,
}

/// Checks a report; the errors are (field, message in Chinese).
pub fn check_report(form: &ReportForm) -> Result<ReportInput, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    if !form.trap.trim().is_empty() {
        // Only programs see this field; answer plainly without saying why it failed in detail.
        errors.push(("description", "提交没有成功，请刷新页面后重新填写。".to_string()));
        return Err(errors);
    }
    if form.township.trim().is_empty() {
        errors.push(("township", "请选择被举报对象所在的乡镇（街道）".to_string()));
    }
    let subject = form.subject.trim();
    if subject.is_empty() && !form.picked {
        errors.push(("subject", "请写明被举报的对象，例如：某村某组 姓名，或工作人员的姓名".to_string()));
    } else if subject.chars().count() > SUBJECT_MAX_CHARS {
        errors.push(("subject", format!("被举报对象最多{SUBJECT_MAX_CHARS}个字")));
    }
    let suspicion = Suspicion::from_key(form.suspicion);
    if suspicion.is_none() {
        errors.push(("suspicion", "请选择反映的问题".to_string()));
    }
    let description = form.description.trim();
    if let Some(message) = description_problem(description) {
        errors.push(("description", message));
    }
    let contact = match (form.contact_name.trim(), form.contact_phone.trim()) {
        ("", "") => None,
        (name, phone) => {
            if let Err(e) = check_name(name) {
                errors.push(("contact_name", e.to_string()));
            }
            if let Err(e) = MobileNumber::parse(phone) {
                errors.push(("contact_phone", e.to_string()));
            }
            Some(ReporterContact { name: name.to_string(), phone: phone.to_string() })
        }
    };
    match (errors.is_empty(), suspicion) {
        (true, Some(suspicion)) => Ok(ReportInput {
            subject: subject.to_string(),
            suspicion,
            description: description.to_string(),
            contact,
        }),
        _ => Err(errors),
    }
}

/// Why a description cannot be taken: empty, too short to act on, too long, or the kind of text that
/// programs post (many links, one character repeated).
pub fn description_problem(text: &str) -> Option<String> {
    let chars = text.chars().filter(|c| !c.is_whitespace()).count();
    if chars == 0 {
        return Some("请写明具体情况".to_string());
    }
    if chars < DESCRIPTION_MIN_CHARS {
        return Some(format!("请至少写{DESCRIPTION_MIN_CHARS}个字，说明发现了什么、什么时候、在哪里"));
    }
    if text.chars().count() > DESCRIPTION_MAX_CHARS {
        return Some(format!("情况说明最多{DESCRIPTION_MAX_CHARS}个字"));
    }
    let links =
        text.matches("http://").count() + text.matches("https://").count() + text.matches("www.").count();
    let distinct =
        text.chars().filter(|c| !c.is_whitespace()).collect::<std::collections::BTreeSet<_>>().len();
    if links >= 3 || distinct < 4 {
        return Some("这段内容看起来不是对情况的说明，请用自己的话写明发现的问题".to_string());
    }
    None
}

/// Checks a message in the two-way thread (question, answer).
pub fn check_message(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("请填写内容".to_string());
    }
    if text.chars().count() > MESSAGE_MAX_CHARS {
        return Err(format!("最多{MESSAGE_MAX_CHARS}个字"));
    }
    Ok(text.to_string())
}

/// The characters of a receipt code: the first `LOOKUP_CHARS` find the report, all of them prove it.
pub const RECEIPT_CHARS: usize = 20;
pub const LOOKUP_CHARS: usize = 6;

/// A receipt code such as `7K3M9-QXA4B-...`: 20 characters (about 99 bits) in groups of five, read out
/// without ambiguity. The random bytes come from the caller.
pub fn receipt_code(random: [u8; RECEIPT_CHARS]) -> String {
    let chars: Vec<char> =
        random.iter().map(|b| REFERENCE_ALPHABET[*b as usize % REFERENCE_ALPHABET.len()] as char).collect();
    chars.chunks(5).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// A typed receipt code in canonical form (upper case, no separators, common misreadings fixed), or
/// `None` when it cannot be one.
pub fn normalize_receipt(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '－')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    let valid =
        code.chars().count() == RECEIPT_CHARS && code.bytes().all(|b| REFERENCE_ALPHABET.contains(&b));
    valid.then_some(code)
}

/// The part of a canonical receipt code that finds the report.
pub fn receipt_lookup(code: &str) -> &str {
    &code[..LOOKUP_CHARS]
}

/// What groups reports about one household: the public entry when one was picked, otherwise the
/// township and the subject as written, ignoring spaces, punctuation and letter case.
pub fn grouping_key(township: &str, picked_entry: Option<i64>, subject: &str) -> String {
    match picked_entry {
        Some(id) => format!("entry:{id}"),
        None => {
            let words: String =
                subject.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
            format!("text:{township}:{words}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>() -> ReportForm<'a> {
        ReportForm {
            township: "620702001",
            subject: "东街村三组 张某某",
            suspicion: "hidden_assets",
            description: "家里在城里有两套房子，还有一辆小轿车，没有申报。",
            ..ReportForm::default()
        }
    }

    #[test]
    fn an_anonymous_report_is_accepted() {
        let input = check_report(&form()).unwrap();
        assert_eq!(input.suspicion, Suspicion::HiddenAssets);
        assert_eq!(input.contact, None);
    }

    #[test]
    fn each_missing_answer_is_named() {
        let errors = check_report(&ReportForm::default()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["township", "subject", "suspicion", "description"]);
    }

    #[test]
    fn a_picked_entry_needs_no_subject_text() {
        assert!(check_report(&ReportForm { subject: "", picked: true, ..form() }).is_ok());
    }

    #[test]
    fn empty_and_automated_text_is_refused() {
        assert!(description_problem("太短了").is_some());
        assert!(description_problem("啊啊啊啊啊啊啊啊啊啊啊啊").is_some());
        assert!(description_problem("http://a.example http://b.example www.c.example 看这里看这里").is_some());
        assert!(description_problem(&"有".repeat(3001)).is_some());
        assert!(description_problem("他家去年买了新车，一直在外地打工有收入").is_none());
        let trapped = check_report(&ReportForm { trap: "http://spam.example", ..form() });
        assert!(trapped.is_err());
    }

    #[test]
    fn a_contact_left_must_be_usable() {
        let errors = check_report(&ReportForm { contact_phone: "123", ..form() }).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["contact_name", "contact_phone"]);
        let input =
            check_report(&ReportForm { contact_name: "李四", contact_phone: "13812345678", ..form() })
                .unwrap();
        assert_eq!(input.contact.unwrap().phone, "13812345678");
    }

    #[test]
    fn receipt_codes_are_long_and_read_back_forgivingly() {
        let code = receipt_code([7; RECEIPT_CHARS]);
        assert_eq!(code.len(), RECEIPT_CHARS + 3);
        let canonical = normalize_receipt(&code.to_lowercase()).unwrap();
        assert_eq!(canonical.len(), RECEIPT_CHARS);
        assert_eq!(normalize_receipt(&format!(" {} ", code.replace('-', " "))), Some(canonical.clone()));
        assert_eq!(receipt_lookup(&canonical).len(), LOOKUP_CHARS);
        assert_eq!(normalize_receipt("ABC"), None);
        assert_eq!(normalize_receipt(&"1".repeat(RECEIPT_CHARS)), None, "1 is not in the alphabet");
    }

    #[test]
    fn reports_about_one_household_share_a_key() {
        assert_eq!(grouping_key("t", None, "东街村 张某某"), grouping_key("t", None, "东街村，张某某 "));
        assert_ne!(grouping_key("t", None, "东街村 张某某"), grouping_key("u", None, "东街村 张某某"));
        assert_eq!(grouping_key("t", Some(5), "anything"), grouping_key("u", Some(5), ""));
    }
}
