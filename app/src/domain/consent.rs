//! The consent to the household economic check (授权) and the promise that the answers are true (承诺).
//! Online the applicant agrees for the household with one checkbox; the exact words shown are kept with the
//! application (`AgreedWording`), and every adult member signs the paper 授权书 and 承诺书 at the home visit.
//! A new wording gets a new `CONSENT_VERSION`, so that each application says which words it agreed to.

use serde::{Deserialize, Serialize};

pub const CONSENT_VERSION: &str = "2026-12";

/// Shown above the checkbox on the check page.
pub const CHECK_EXPLAINED: &str = "为了审核申请，民政部门需要向银行、不动产登记、车辆管理、社保、税务等单位核对您和共同生活家庭成员的收入和财产。核对结果只用于社会救助审核。";

/// The checkbox's words.
pub const CONSENT_STATEMENT: &str =
    "我代表全体共同生活的家庭成员，同意民政部门核对家庭经济状况，并保证所填内容真实";

/// The 授权书 each adult member signs.
pub const AUTHORIZATION_ON_PAPER: &str = "本人授权张掖市各级民政部门及其委托的机构，为审核社会救助申请和此后的定期复核，向银行、证券、保险、不动产登记、车辆管理、住房公积金、社会保险、税务、市场监管等单位查询、核对本人的收入和财产状况。查询结果只用于社会救助的审核和管理，不用于其他用途。";

/// The 承诺书 each adult member signs.
pub const PROMISE_ON_PAPER: &str = "本人承诺：申请时填写的家庭成员、收入、财产和支出情况真实、完整；家庭人口、收入、财产状况发生变化时，及时告知乡镇（街道）。如有隐瞒、虚报，愿意退还多领取的救助金，并承担相应的法律责任。";

/// Members this old or older sign for themselves; a guardian signs for younger ones.
pub const SIGNING_AGE: u32 = 18;

/// The words the applicant agreed to online, kept (sealed) with the application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreedWording {
    pub version: String,
    pub text: String,
    /// When the applicant submitted with the box ticked (unix seconds).
    pub at: i64,
}

impl AgreedWording {
    /// The wording of the check page as it is now, agreed at `at`.
    pub fn current(at: i64) -> Self {
        Self { version: CONSENT_VERSION.into(), text: format!("{CHECK_EXPLAINED}\n{CONSENT_STATEMENT}"), at }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_wording_is_the_page_s_explanation_and_statement_with_its_version() {
        let agreed = AgreedWording::current(1_764_800_000);
        assert_eq!(agreed.version, CONSENT_VERSION);
        assert!(agreed.text.starts_with(CHECK_EXPLAINED) && agreed.text.ends_with(CONSENT_STATEMENT));
    }
}
