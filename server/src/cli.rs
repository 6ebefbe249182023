//! Command-line subcommands for operators: creating staff accounts (the first administrator included).

use app::audit::{verify_anchors, verify_chain, AuditEvent};
use app::auth::hash_password;
use app::domain::staff::{check_scope, village_scope, Role, MIN_PASSWORD_CHARS};
use app::store::{NewStaff, StoreError};
use std::io::BufRead;

pub const USAGE: &str = "\
usage:
  server                      serve the portal (configuration from PORTAL_* variables)
  server create-admin  --username NAME --name DISPLAY_NAME
  server create-staff  --username NAME --name DISPLAY_NAME --role township|county|department|village|admin --scope CODE
                              (village: TOWNSHIP_CODE or TOWNSHIP_CODE/VILLAGE_NAME)
  server verify-audit         check the audit log's hash chain; exit status 1 at the first broken entry
  server backup --to DIR      consistent copy of the database (SQLite) and the uploaded files, while serving
  server restore --from DIR   check a backup against its manifest and restore it into an empty data folder
  server rotate-data-key      seal every value and file again under PORTAL_DATA_KEY, opening them with it or
                              PORTAL_PREVIOUS_DATA_KEY (set PORTAL_LOOKUP_KEY too; README, Key rotation)

The password is read from PORTAL_NEW_STAFF_PASSWORD or, if unset, from the first line of standard input.";

#[derive(Debug, PartialEq, Eq)]
pub struct StaffCommand {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: String,
}

/// The value after `flag` in the arguments.
pub fn flag_value(args: &[String], flag: &str) -> Result<String, String> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .ok_or(format!("missing {flag}"))
}

/// Parses `create-admin` / `create-staff` arguments (after the subcommand name).
pub fn parse_staff_command(admin: bool, args: &[String]) -> Result<StaffCommand, String> {
    let value = |flag: &str| flag_value(args, flag);
    let (role, scope) = if admin {
        (Role::Administrator, "city".to_string())
    } else {
        let role = value("--role")?;
        (Role::from_key(&role).ok_or(format!("unknown role {role}"))?, value("--scope")?)
    };
    check_scope(role, &scope).map_err(|e| e.to_string())?;
    Ok(StaffCommand { username: value("--username")?, display_name: value("--name")?, role, scope })
}

fn read_password() -> anyhow::Result<String> {
    let password = match std::env::var("PORTAL_NEW_STAFF_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprintln!("password for the new account (at least {MIN_PASSWORD_CHARS} characters):");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    if password.chars().count() < MIN_PASSWORD_CHARS {
        anyhow::bail!("the password needs at least {MIN_PASSWORD_CHARS} characters");
    }
    Ok(password)
}

pub async fn create_staff(database_url: &str, command: StaffCommand) -> anyhow::Result<()> {
    let store = crate::store::open(database_url).await?;
    // A village worker's scope starts with the township code; the village name cannot be checked (the
    // register has no village codes).
    let township = match command.role {
        Role::VillageWorker => village_scope(&command.scope).map(|(township, _)| township),
        Role::TownshipReviewer => Some(command.scope.as_str()),
        _ => None,
    };
    let known = match (township, command.role) {
        (Some(township), _) => store.townships_in(&township[..6]).await?.iter().any(|t| t.code == township),
        (None, Role::CountyReviewer) => store.counties().await?.iter().any(|c| c.code == command.scope),
        (None, _) => true,
    };
    if !known {
        anyhow::bail!("{} is not a Zhangye township or county code", command.scope);
    }
    let password_hash = hash_password(&read_password()?)?;
    let new = NewStaff {
        username: command.username.clone(),
        display_name: command.display_name,
        password_hash,
        role: command.role,
        scope: command.scope,
    };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() as i64;
    let detail = format!("role {} scope {}", new.role.key(), new.scope);
    let audit = |id| AuditEvent::at(now, "operator", "staff.created", format!("staff:{id}"), detail.clone());
    match store.create_staff(&new, now, &audit).await {
        Ok(id) => {
            println!("created {} account {} (id {id})", new.role.key(), command.username);
        }
        Err(StoreError::Conflict(name)) => anyhow::bail!("the username {name} is taken"),
        Err(e) => return Err(e.into()),
    }
    store.close().await;
    Ok(())
}

/// Checks the audit log's hash chain and its anchors (signed with `anchor_key`). Ok with the number of
/// entries, or an error naming the first entry that was changed or whose predecessor is missing, or the
/// anchored entry that is gone.
pub async fn verify_audit(database_url: &str, anchor_key: &str) -> anyhow::Result<usize> {
    let store = crate::store::open(database_url).await?;
    let records = store.audit_records().await?;
    let anchors = store.audit_anchors().await?;
    store.close().await;
    let entries = verify_chain(&records)?;
    verify_anchors(&records, &anchors, anchor_key)?;
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn an_admin_needs_a_username_and_a_name() {
        let command = parse_staff_command(true, &args(&["--username", "admin", "--name", "管理员"])).unwrap();
        assert_eq!(command.role, Role::Administrator);
        assert_eq!(command.scope, "city");
        assert!(parse_staff_command(true, &args(&["--username", "admin"])).is_err());
    }

    #[test]
    fn staff_roles_and_scopes_are_checked() {
        let ok = ["--username", "zhang", "--name", "张工", "--role", "township", "--scope", "620702001"];
        assert_eq!(parse_staff_command(false, &args(&ok)).unwrap().role, Role::TownshipReviewer);
        let bad = ["--username", "zhang", "--name", "张工", "--role", "township", "--scope", "620702"];
        assert!(parse_staff_command(false, &args(&bad)).is_err());
        let unknown = ["--username", "x", "--name", "x", "--role", "root", "--scope", "city"];
        assert!(parse_staff_command(false, &args(&unknown)).unwrap_err().contains("unknown role"));
    }
}
