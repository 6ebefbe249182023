//! 工作人员账号: an administrator creates the accounts of township and county reviewers, department
//! officers and village workers (村（社区）协理员) from the admin pages. The portal chooses the first
//! password and shows it once; the new colleague changes it at `/review/password`. Administrators
//! themselves are created only by the operator's command line (`server create-admin`), so that a stolen
//! administrator session cannot mint more administrators.

use crate::audit::AuditEvent;
use crate::domain::staff::{Role, StaffIdentity, CREATED_ROLES, DEPARTMENTS, VILLAGE_MAX_CHARS};
use crate::services::Services;
use crate::store::{NewStaff, StoreError};

/// The account form as posted: the scope comes from the field that fits the chosen role.
#[derive(Clone, Debug, Default)]
pub struct AccountForm {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub township: String,
    pub county: String,
    pub department: String,
    /// Optional for a village worker: one village, or every village of the township when empty.
    pub village: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Not an administrator: 404 like every page outside one's scope.
    #[error("not an administrator")]
    NotFound,
    /// Back to the form with these messages next to their fields.
    #[error("the account was refused: {0:?}")]
    Refused(Vec<(&'static str, String)>),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

const USERNAME_CHARS: std::ops::RangeInclusive<usize> = 3..=32;
const DISPLAY_NAME_MAX_CHARS: usize = 20;

/// The role and scope the form names, or the messages to show next to its fields.
pub fn checked_scope(
    services: &Services,
    form: &AccountForm,
) -> Result<(Role, String), Vec<(&'static str, String)>> {
    let role = Role::from_key(&form.role).filter(|role| CREATED_ROLES.contains(role));
    let Some(role) = role else { return Err(vec![("role", "请选择账号类型".into())]) };
    let township_known =
        |code: &str| services.divisions.iter().any(|(_, townships)| townships.iter().any(|t| t.code == code));
    let county_known = |code: &str| services.divisions.iter().any(|(county, _)| county.code == code);
    let township = form.township.trim();
    let village = form.village.trim();
    match role {
        Role::TownshipReviewer | Role::VillageWorker if !township_known(township) => {
            Err(vec![("township", "请选择所在乡镇（街道）".into())])
        }
        Role::VillageWorker if village.chars().count() > VILLAGE_MAX_CHARS || village.contains('/') => {
            Err(vec![("village", format!("村（社区）名称最多{VILLAGE_MAX_CHARS}个字，不含“/”"))])
        }
        Role::VillageWorker if village.is_empty() => Ok((role, township.to_string())),
        Role::VillageWorker => Ok((role, format!("{township}/{village}"))),
        Role::CountyReviewer if !county_known(form.county.trim()) => {
            Err(vec![("county", "请选择县区".into())])
        }
        Role::CountyReviewer => Ok((role, form.county.trim().to_string())),
        Role::DepartmentOfficer if !DEPARTMENTS.iter().any(|(key, _)| *key == form.department) => {
            Err(vec![("department", "请选择部门".into())])
        }
        Role::DepartmentOfficer => Ok((role, form.department.clone())),
        Role::TownshipReviewer => Ok((role, township.to_string())),
        Role::Administrator => Err(vec![("role", "管理员账号由运维人员在服务器上创建".into())]),
    }
}

/// The login name and display name, or their messages.
fn checked_names(form: &AccountForm) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    let username = form.username.trim();
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_');
    if !USERNAME_CHARS.contains(&username.chars().count()) || !username.chars().all(allowed) {
        problems.push(("username", "登录名为3到32位小写字母、数字、点、横线或下划线".into()));
    }
    let name = form.display_name.trim().chars().count();
    if name == 0 || name > DISPLAY_NAME_MAX_CHARS {
        problems.push(("display_name", format!("请填写姓名（最多{DISPLAY_NAME_MAX_CHARS}个字）")));
    }
    problems
}

/// Creates the account with its audit entry in the same transaction; returns its id and the first
/// password, to be shown once.
pub async fn create_account(
    services: &Services,
    admin: &StaffIdentity,
    form: AccountForm,
    now: i64,
) -> Result<(i64, String), AccountError> {
    if !admin.is_administrator() {
        return Err(AccountError::NotFound);
    }
    let mut problems = checked_names(&form);
    let scope = checked_scope(services, &form);
    if let Err(more) = &scope {
        problems.extend(more.iter().cloned());
    }
    let (role, scope) = match scope {
        Ok(scoped) if problems.is_empty() => scoped,
        _ => return Err(AccountError::Refused(problems)),
    };
    let password = first_password();
    let password_hash = crate::auth::hash_password_gated(password.clone())
        .await
        .map_err(|e| AccountError::Hashing(e.to_string()))?;
    let new = NewStaff {
        username: form.username.trim().to_string(),
        display_name: form.display_name.trim().to_string(),
        password_hash,
        role,
        scope,
    };
    let detail = format!("role {} scope {}", new.role.key(), new.scope);
    let actor = format!("staff:{}", admin.id);
    let audit = |id| AuditEvent {
        at: now,
        actor: actor.clone(),
        action: "staff.created".into(),
        subject: format!("staff:{id}"),
        detail: detail.clone(),
    };
    match services.store.create_staff(&new, now, &audit).await {
        Ok(id) => Ok((id, password)),
        Err(StoreError::Conflict(_)) => {
            Err(AccountError::Refused(vec![("username", "这个登录名已被使用".into())]))
        }
        Err(e) => Err(e.into()),
    }
}

/// A first password of 16 characters in groups of four, from letters and digits that cannot be misread
/// when read out (no 0/o, 1/l/i).
fn first_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    let groups: Vec<String> = (0..4)
        .map(|_| (0..4).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect())
        .collect();
    groups.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_passwords_are_long_enough_and_differ() {
        let (a, b) = (first_password(), first_password());
        assert_eq!(a.chars().count(), 19);
        assert!(a.chars().count() >= crate::domain::staff::MIN_PASSWORD_CHARS);
        assert_ne!(a, b);
    }

    #[test]
    fn login_names_and_display_names_are_checked() {
        let form = |username: &str, name: &str| AccountForm {
            username: username.into(),
            display_name: name.into(),
            ..AccountForm::default()
        };
        assert!(checked_names(&form("wang.li", "王丽")).is_empty());
        assert_eq!(checked_names(&form("王丽", "王丽"))[0].0, "username");
        assert_eq!(checked_names(&form("ab", "王丽"))[0].0, "username");
        assert_eq!(checked_names(&form("wang.li", " "))[0].0, "display_name");
    }
}
