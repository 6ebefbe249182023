//! Staff roles, the part of the city each account may act on, and the login lockout rule. Every check of
//! "may this person see this case" goes through `StaffIdentity`, whatever page or handler asks.

use serde::{Deserialize, Serialize};
use std::fmt;

keyed_enum! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum Role {
        /// 乡镇（街道）审核人员: one township's queue.
        TownshipReviewer => ("township", "乡镇（街道）审核"),
        /// 县区民政局审核人员: every township of one county.
        CountyReviewer => ("county", "县区民政局审核"),
        /// 医保、教育、住建… department staff: cases referred to their department.
        DepartmentOfficer => ("department", "部门专项救助"),
        /// Accounts, content and settings; no access to households' case files.
        Administrator => ("admin", "系统管理员"),
        /// 村（社区）协理员 / 网格员: visits households of one village, or of every village of one township;
        /// no access to case files.
        VillageWorker => ("village", "村（社区）协理员"),
    }
}

/// The roles an administrator creates from the admin pages (administrators come from the command line).
pub const CREATED_ROLES: [Role; 4] =
    [Role::TownshipReviewer, Role::CountyReviewer, Role::DepartmentOfficer, Role::VillageWorker];

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
    #[error("village workers need a 9-digit township code, optionally followed by / and one village's name")]
    NotAVillage,
}

/// Longest village name a scope may carry (the application form allows as many characters).
pub const VILLAGE_MAX_CHARS: usize = 30;

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
        Role::VillageWorker => match village_scope(scope) {
            Some(_) => Ok(()),
            None => Err(ScopeError::NotAVillage),
        },
    }
}

/// A village worker's scope, "620702001" (every village of the township) or "620702001/红沙窝村" (one
/// village), as (township code, village). Village names are compared as typed on applications, after
/// trimming: the register has no village codes.
pub fn village_scope(scope: &str) -> Option<(&str, Option<&str>)> {
    let (township, village) = match scope.split_once('/') {
        Some((township, village)) => (township, Some(village.trim())),
        None => (scope, None),
    };
    let township_ok = township.len() == 9 && township.bytes().all(|b| b.is_ascii_digit());
    let village_ok = village.is_none_or(|v| !v.is_empty() && v.chars().count() <= VILLAGE_MAX_CHARS);
    (township_ok && village_ok).then_some((township, village))
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
            Role::DepartmentOfficer | Role::Administrator | Role::VillageWorker => false,
        }
    }

    /// Whether this person visits households of `village` in `township_code` and handles their
    /// warnings: a village worker their villages, a township reviewer every village of the township.
    pub fn may_visit(&self, township_code: &str, village: &str) -> bool {
        match self.role {
            Role::TownshipReviewer => township_code == self.scope,
            Role::VillageWorker => village_scope(&self.scope).is_some_and(|(township, only)| {
                township == township_code && only.is_none_or(|only| only == village.trim())
            }),
            _ => false,
        }
    }

    /// Whether this person may open a register household's file (户档案): its visitors, its township's
    /// reviewers and its county's reviewers. Departments see only what they sent or were referred.
    pub fn may_open_household(&self, county_code: &str, township_code: &str, village: &str) -> bool {
        match self.role {
            Role::CountyReviewer => county_code == self.scope,
            _ => self.may_visit(township_code, village),
        }
    }

    /// Whether this person handles reports of suspected fraud about households in `county_code`:
    /// the county's reviewers and administrators.
    pub fn may_handle_reports_in(&self, county_code: &str) -> bool {
        match self.role {
            Role::CountyReviewer => county_code == self.scope,
            Role::Administrator => true,
            Role::TownshipReviewer | Role::DepartmentOfficer | Role::VillageWorker => false,
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

/// Staff passwords: long rather than complicated.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Password tries from one client for one username, counted before the password is compared: the first
/// `FREE_TRIES` come at once, then each waits twice as long as the one before, from `FIRST_DELAY_SECONDS`
/// up to `LONGEST_DELAY_SECONDS`. Nobody is locked out: a stranger's failures delay only the stranger's
/// own address, and the account's owner waits at most a quarter of an hour. The store computes the same
/// schedule in one SQL statement (`server/src/store/staff.rs`), so that simultaneous tries are counted
/// one by one.
pub const FREE_TRIES: i32 = 5;
pub const FIRST_DELAY_SECONDS: i64 = 30;
pub const LONGEST_DELAY_SECONDS: i64 = 15 * 60;

/// How long the next try must wait after `tries` in a row without success.
pub fn delay_after(tries: i32) -> i64 {
    match tries {
        t if t < FREE_TRIES => 0,
        t if t >= FREE_TRIES + 5 => LONGEST_DELAY_SECONDS,
        t => (FIRST_DELAY_SECONDS << (t - FREE_TRIES)).min(LONGEST_DELAY_SECONDS),
    }
}

/// "1分钟", "15分钟": the wait as the sign-in page says it, rounded up to whole minutes.
pub fn wait_in_minutes(seconds: i64) -> i64 {
    (seconds.max(1) + 59) / 60
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

/// A member of staff of `role` and `scope`, for unit tests of access rules.
#[cfg(test)]
pub fn staff_for_tests(role: Role, scope: &str) -> StaffIdentity {
    StaffIdentity { id: 1, username: "u".into(), display_name: "某人".into(), role, scope: scope.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    use staff_for_tests as staff;

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
    fn village_workers_visit_only_their_villages_and_read_no_case_file() {
        let one_village = staff(Role::VillageWorker, "620702001/红沙窝村");
        assert!(one_village.may_visit("620702001", "红沙窝村"));
        assert!(one_village.may_visit("620702001", " 红沙窝村 "), "names are compared trimmed");
        assert!(!one_village.may_visit("620702001", "东街村"), "another village of the township");
        assert!(!one_village.may_visit("620702002", "红沙窝村"), "a namesake in another township");
        assert!(!one_village.may_handle_township("620702001"), "no case files");
        let township_villages = staff(Role::VillageWorker, "620702001");
        assert!(township_villages.may_visit("620702001", "东街村"));
        assert!(!township_villages.may_visit("620702002", "东街村"));
        let township = staff(Role::TownshipReviewer, "620702001");
        assert!(township.may_visit("620702001", "东街村") && !township.may_visit("620702002", "东街村"));
        assert!(!staff(Role::CountyReviewer, "620702").may_visit("620702001", "东街村"));
    }

    #[test]
    fn a_household_file_opens_to_its_village_township_and_county_only() {
        let open = |role, scope| staff(role, scope).may_open_household("620702", "620702001", "红沙窝村");
        assert!(open(Role::VillageWorker, "620702001/红沙窝村"));
        assert!(!open(Role::VillageWorker, "620702001/东街村"));
        assert!(open(Role::TownshipReviewer, "620702001"));
        assert!(!open(Role::TownshipReviewer, "620702002"));
        assert!(open(Role::CountyReviewer, "620702"));
        assert!(!open(Role::CountyReviewer, "620721"));
        assert!(!open(Role::DepartmentOfficer, "disabled-persons"));
        assert!(!open(Role::Administrator, "city"));
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
        assert_eq!(check_scope(Role::VillageWorker, "620702001"), Ok(()));
        assert_eq!(check_scope(Role::VillageWorker, "620702001/红沙窝村"), Ok(()));
        assert_eq!(check_scope(Role::VillageWorker, "620702001/ "), Err(ScopeError::NotAVillage));
        assert_eq!(check_scope(Role::VillageWorker, "620702/红沙窝村"), Err(ScopeError::NotAVillage));
        assert_eq!(Role::from_key("county"), Some(Role::CountyReviewer));
        assert_eq!(Role::from_key("root"), None);
    }

    #[test]
    fn tries_wait_longer_and_longer_after_the_fifth_but_never_more_than_a_quarter_of_an_hour() {
        let delays: Vec<i64> = (1..=12).map(delay_after).collect();
        assert_eq!(delays, [0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900]);
        assert_eq!(delay_after(i32::MAX), 900);
        assert_eq!((wait_in_minutes(30), wait_in_minutes(60), wait_in_minutes(61)), (1, 1, 2));
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
