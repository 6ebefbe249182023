//! 代办: a village assistant, a relative or someone else applies on behalf of a resident. The helper says
//! who they are; the resident agrees by reading out the SMS code sent to the resident's own phone, whose
//! text names the helper. The application records who filed it.

use super::person_name::check_name;
use super::phone::MobileNumber;
use serde::{Deserialize, Serialize};

keyed_enum! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
    pub enum HelperRole {
        /// 村（社区）社会救助协理员
        VillageAssistant => ("village_assistant", "村（社区）协理员"),
        Relative => ("relative", "亲属"),
        Other => ("other", "其他代办人"),
    }
}

/// Who filed an application on the resident's behalf.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Helper {
    pub name: String,
    pub phone: String,
    pub role: HelperRole,
}

impl Helper {
    /// "村（社区）协理员张明": how the SMS to the resident and the case history name the helper.
    pub fn describe(&self) -> String {
        format!("{}{}", self.role.label(), self.name)
    }
}

/// Checks what the helper typed about themselves; `resident_phone` must be another number.
pub fn check_helper(
    name: &str,
    phone: &str,
    role: &str,
    resident_phone: Option<&MobileNumber>,
) -> Result<Helper, Vec<(&'static str, String)>> {
    let mut problems = Vec::new();
    let name = check_name(name).map_err(|e| problems.push(("helper_name", e.to_string()))).ok();
    let phone = MobileNumber::parse(phone).map_err(|e| problems.push(("helper_phone", e.to_string()))).ok();
    if let (Some(own), Some(resident)) = (&phone, resident_phone) {
        if own == resident {
            problems.push((
                "phone",
                "申请人的手机号码不能与代办人相同：验证码要发到申请人本人的手机上".to_string(),
            ));
        }
    }
    let role = HelperRole::from_key(role);
    if role.is_none() {
        problems.push(("helper_role", "请选择您与申请人的关系".to_string()));
    }
    match (name, phone, role) {
        (Some(name), Some(phone), Some(role)) if problems.is_empty() => {
            Ok(Helper { name, phone: phone.as_str().to_string(), role })
        }
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_helper_names_themselves_with_their_own_phone() {
        let resident = MobileNumber::parse("13912345678").unwrap();
        let helper = check_helper("张明", "139 0000 0001", "village_assistant", Some(&resident)).unwrap();
        assert_eq!(helper.phone, "13900000001");
        assert_eq!(helper.describe(), "村（社区）协理员张明");

        let fields = |r: Result<Helper, Vec<(&'static str, String)>>| {
            r.unwrap_err().into_iter().map(|(f, _)| f).collect::<Vec<_>>()
        };
        assert_eq!(
            fields(check_helper("", "123", "", Some(&resident))),
            vec!["helper_name", "helper_phone", "helper_role"]
        );
        assert_eq!(fields(check_helper("张明", "13912345678", "relative", Some(&resident))), vec!["phone"]);
    }

    #[test]
    fn roles_round_trip() {
        assert!(HelperRole::ALL.iter().all(|r| HelperRole::from_key(r.key()) == Some(*r)));
        assert_eq!(HelperRole::from_key("boss"), None);
    }
}
