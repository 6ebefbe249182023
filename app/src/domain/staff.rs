//! Staff roles, the part of the city each account may act on, and the login lockout rule. Every check of
//! "may this person see this case" goes through `StaffIdentity`, whatever page or handler asks.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// 乡镇（街道）审核人员: one township's queue.
    TownshipReviewer,
    /// 县区民政局审核人员: every township of one county.
    CountyReviewer,
    /// 医保、教育、住建… department staff: cases referred to their department.
    DepartmentOfficer,
    /// Accounts, content and settings; no access to households' case files.
    Administrator,
}

impl Role {
    pub const ALL: [Role; 4] =
        [Self::TownshipReviewer, Self::CountyReviewer, Self::DepartmentOfficer, Self::Administrator];

    /// The word stored in the database and typed on the command line.
    pub fn key(self) -> &'static str {
        match self {
            Self::TownshipReviewer => "township",
            Self::CountyReviewer => "county",
            Self::DepartmentOfficer => "department",
            Self::Administrator => "admin",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::TownshipReviewer => "乡镇（街道）审核",
            Self::CountyReviewer => "县区民政局审核",
            Self::DepartmentOfficer => "部门专项救助",
            Self::Administrator => "系统管理员",
        }
    }
}

/// Departments that receive referred cases for special assistance (分类推送).
pub const DEPARTMENTS: [(&str, &str); 7] = [
    ("medical-insurance", "医疗保障局"),
    ("education", "教育局"),
    ("housing", "住房和城乡建设局"),
    ("human-resources", "人力资源和社会保障局"),
    ("emergency", "应急管理局"),
    ("disabled-persons", "残疾人联合会"),
    ("rural-revitalisation", "乡村振兴局"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error("township reviewers need a 9-digit township code")]
    NotATownship,
    #[error("county reviewers need a 6-digit county code")]
    NotACounty,
    #[error("department officers need one of: medical-insurance, education, housing, human-resources, emergency, disabled-persons, rural-revitalisation")]
    NotADepartment,
    #[error("administrators have the scope \"city\"")]
    NotCity,
}

/// Checks that a scope fits the role: the shape of the code only (whether the township exists is for
/// the store to say).
pub fn check_scope(role: Role, scope: &str) -> Result<(), ScopeError> {
    let digits = |n: usize| scope.len() == n && scope.bytes().all(|b| b.is_ascii_digit());
    match role {
        Role::TownshipReviewer if digits(9) => Ok(()),
        Role::TownshipReviewer => Err(ScopeError::NotATownship),
        Role::CountyReviewer if digits(6) => Ok(()),
        Role::CountyReviewer => Err(ScopeError::NotACounty),
        Role::DepartmentOfficer if DEPARTMENTS.iter().any(|(key, _)| *key == scope) => Ok(()),
        Role::DepartmentOfficer => Err(ScopeError::NotADepartment),
        Role::Administrator if scope == "city" => Ok(()),
        Role::Administrator => Err(ScopeError::NotCity),
    }
}

/// A signed-in staff member, as every access check sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffIdentity {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Township code, county code, department key or "city", as fits the role.
    pub scope: String,
}

impl StaffIdentity {
    /// Whether this person may read and act on the cases of a township.
    pub fn may_handle_township(&self, township_code: &str) -> bool {
        match self.role {
            Role::TownshipReviewer => township_code == self.scope,
            Role::CountyReviewer => township_code.len() == 9 && township_code.starts_with(&self.scope),
            Role::DepartmentOfficer | Role::Administrator => false,
        }
    }

    /// Whether this person handles reports of suspected fraud about households in `county_code`:
    /// the county's reviewers and administrators.
    pub fn may_handle_reports_in(&self, county_code: &str) -> bool {
        match self.role {
            Role::CountyReviewer => county_code == self.scope,
            Role::Administrator => true,
            Role::TownshipReviewer | Role::DepartmentOfficer => false,
        }
    }

    /// Whether this person may work on a case referred to `department`.
    pub fn may_handle_referral(&self, department: &str) -> bool {
        self.role == Role::DepartmentOfficer && self.scope == department
    }

    pub fn is_administrator(&self) -> bool {
        self.role == Role::Administrator
    }
}

impl fmt::Display for StaffIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}（{}）", self.display_name, self.role.label())
    }
}

/// Failed sign-ins in a row before the account is locked, and for how long.
pub const MAX_FAILED_LOGINS: u32 = 5;
pub const LOCKOUT_SECONDS: i64 = 15 * 60;
/// Staff passwords: long rather than complicated.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The account's lock state after one more failed sign-in at `now` (unix seconds).
pub fn after_failed_login(failed_before: u32, now: i64) -> (u32, Option<i64>) {
    let failed = failed_before + 1;
    if failed >= MAX_FAILED_LOGINS {
        (0, Some(now + LOCKOUT_SECONDS))
    } else {
        (failed, None)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum PasswordError {
    #[error("新密码至少需要12个字符")]
    TooShort,
    #[error("两次输入的新密码不一致")]
    Mismatch,
    #[error("新密码不能与原密码相同")]
    Unchanged,
}

pub fn check_new_password(current: &str, new: &str, confirm: &str) -> Result<(), PasswordError> {
    if new.chars().count() < MIN_PASSWORD_CHARS {
        Err(PasswordError::TooShort)
    } else if new != confirm {
        Err(PasswordError::Mismatch)
    } else if new == current {
        Err(PasswordError::Unchanged)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(role: Role, scope: &str) -> StaffIdentity {
        StaffIdentity {
            id: 1, username: "u".into(), display_name: "某人".into(), role, scope: scope.into()
        }
    }

    #[test]
    fn each_role_sees_only_its_own_part_of_the_city() {
        let township = staff(Role::TownshipReviewer, "620702001");
        assert!(township.may_handle_township("620702001"));
        assert!(!township.may_handle_township("620702002"), "another township of the same county");
        assert!(!township.may_handle_township("620721100"), "another county");

        let county = staff(Role::CountyReviewer, "620702");
        assert!(county.may_handle_township("620702001") && county.may_handle_township("620702105"));
        assert!(!county.may_handle_township("620721100"), "another county");
        assert!(!county.may_handle_township("620702"), "a county code is not a township");

        let department = staff(Role::DepartmentOfficer, "education");
        assert!(!department.may_handle_township("620702001"));
        assert!(department.may_handle_referral("education"));
        assert!(!department.may_handle_referral("housing"));

        let admin = staff(Role::Administrator, "city");
        assert!(!admin.may_handle_township("620702001"), "administrators do not read case files");
        assert!(!admin.may_handle_referral("education"));

        assert!(county.may_handle_reports_in("620702") && !county.may_handle_reports_in("620721"));
        assert!(!township.may_handle_reports_in("620702"), "reports go past the township");
        assert!(admin.may_handle_reports_in("620721"));
        assert!(!county.may_handle_referral("education"));
    }

    #[test]
    fn scopes_must_fit_roles() {
        assert_eq!(check_scope(Role::TownshipReviewer, "620702001"), Ok(()));
        assert_eq!(check_scope(Role::TownshipReviewer, "620702"), Err(ScopeError::NotATownship));
        assert_eq!(check_scope(Role::CountyReviewer, "620702"), Ok(()));
        assert_eq!(check_scope(Role::CountyReviewer, "city"), Err(ScopeError::NotACounty));
        assert_eq!(check_scope(Role::DepartmentOfficer, "education"), Ok(()));
        assert_eq!(check_scope(Role::DepartmentOfficer, "police"), Err(ScopeError::NotADepartment));
        assert_eq!(check_scope(Role::Administrator, "city"), Ok(()));
        assert_eq!(Role::from_key("county"), Some(Role::CountyReviewer));
        assert_eq!(Role::from_key("root"), None);
    }

    #[test]
    fn the_fifth_failure_in_a_row_locks_the_account_for_15_minutes() {
        let mut failed = 0;
        for _ in 0..4 {
            let (next, locked) = after_failed_login(failed, 1000);
            assert_eq!(locked, None);
            failed = next;
        }
        assert_eq!(after_failed_login(failed, 1000), (0, Some(1000 + 900)));
    }

    #[test]
    fn new_passwords_are_long_typed_twice_and_new() {
        assert_eq!(check_new_password("old-password-1", "short", "short"), Err(PasswordError::TooShort));
        assert_eq!(
            check_new_password("old", "a-long-passphrase", "a-long-passphrasf"),
            Err(PasswordError::Mismatch)
        );
        assert_eq!(
            check_new_password("same-long-passphrase", "same-long-passphrase", "same-long-passphrase"),
            Err(PasswordError::Unchanged)
        );
        assert_eq!(check_new_password("old", "a-long-passphrase", "a-long-passphrase"), Ok(()));
    }
}
