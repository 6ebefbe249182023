//! Staff sign-in, sign-out and password change. A try is counted before the password is compared (per
//! username and client, with a growing wait: `domain::staff::delay_after`), unknown usernames take the
//! same path and time as known ones, argon2 runs a few at a time (`auth::password_matches`), and a session
//! lives on the server so that signing out ends it.

use crate::audit::AuditEvent;
use crate::auth::{
    hash_password, hash_password_gated, issue_token, new_session_id, password_matches, STAFF_SESSION_SECONDS,
};
use crate::domain::staff::{check_new_password, wait_in_minutes, PasswordError};
use crate::services::Services;
use crate::store::{StaffAccount, StaffSessionStart, StoreError, TryClaim};
use std::sync::OnceLock;

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Wrong username or password (which one is not said).
    #[error("wrong username or password")]
    Invalid,
    /// Too many tries from this client for this username: try again in this many minutes.
    #[error("too many tries; wait {0} minutes")]
    Wait(i64),
    /// The new password is not acceptable.
    #[error("{0}")]
    Rejected(PasswordError),
    #[error(transparent)]
    Failed(#[from] StoreError),
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

/// A real hash to verify against when the username does not exist, so that the answer takes as long
/// as for a real account and does not reveal which usernames exist.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password for unknown users").unwrap_or_default())
}

/// Usernames are counted as typed, cut to a length no real one reaches, so that a flood of invented
/// names cannot grow the table's rows.
fn try_key(username: &str) -> String {
    username.chars().take(64).collect()
}

/// Claims a try for `username` from `client`: refused with the wait while the client must wait.
async fn claim_try(services: &Services, username: &str, client: &str, now: i64) -> Result<(), SignInError> {
    match services.store.claim_sign_in_try(&try_key(username), client, now).await? {
        TryClaim::Counted(_) => Ok(()),
        TryClaim::Wait { until } => Err(SignInError::Wait(wait_in_minutes(until - now))),
    }
}

/// A new session for `account` from `client`, as the store records it.
fn new_session(account: &StaffAccount, client: &str, now: i64) -> StaffSessionStart {
    StaffSessionStart {
        session: new_session_id(),
        account_id: account.identity.id,
        username: try_key(&account.identity.username),
        client: client.to_string(),
        now,
        expires_at: now + STAFF_SESSION_SECONDS,
    }
}

/// Audits a wrong username or password; the answer does not say which.
async fn failed_try(services: &Services, subject: String, client: &str) -> SignInError {
    let detail = format!("client {client}");
    let event = AuditEvent::at(services.now(), "anonymous", "staff.sign_in_failed", subject, detail);
    match services.store.append_audit(&event).await {
        Ok(_) => SignInError::Invalid,
        Err(e) => SignInError::Failed(e),
    }
}

/// Signs in: the session token, or why not.
pub async fn sign_in(
    services: &Services,
    username: &str,
    password: String,
    client: &str,
) -> Result<String, SignInError> {
    let now = services.now();
    claim_try(services, username, client, now).await?;
    let account = services.store.staff_by_username(username).await?;
    let hash = account.as_ref().map_or_else(|| decoy_hash().to_string(), |a| a.password_hash.clone());
    let matches = password_matches(password, hash).await;
    let Some(account) = account else {
        return Err(failed_try(services, "unknown-account".into(), client).await);
    };
    if !matches {
        return Err(failed_try(services, format!("staff:{}", account.identity.id), client).await);
    }
    let start = new_session(&account, client, now);
    let actor = format!("staff:{}", account.identity.id);
    services
        .store
        .start_staff_session(&start, &AuditEvent::at(now, actor.clone(), "staff.sign_in", actor, ""))
        .await?;
    Ok(issue_token(
        &services.session_secret,
        account.identity.id,
        account.session_version,
        &start.session,
        now,
    ))
}

/// Signs out: the session named by `token` ends on the server, so a copy of the token opens nothing.
pub async fn sign_out(services: &Services, account: &StaffAccount, token: &str) -> Result<(), SignInError> {
    let now = services.now();
    let Some(session) = crate::auth::session_of_token(&services.session_secret, token, now) else {
        return Ok(());
    };
    let actor = format!("staff:{}", account.identity.id);
    let event = AuditEvent::at(now, actor.clone(), "staff.sign_out", actor, "");
    services.store.end_staff_session(&session, now, &event).await?;
    Ok(())
}

/// The form of the password change.
pub struct PasswordChange {
    pub current: String,
    pub new: String,
    pub confirm: String,
}

/// Changes the password of the signed-in `account`: the current password is a try like a sign-in
/// (counted, delayed, audited when wrong); every other session ends. Returns this device's new token.
pub async fn change_password(
    services: &Services,
    account: &StaffAccount,
    change: PasswordChange,
    client: &str,
) -> Result<String, SignInError> {
    check_new_password(&change.current, &change.new, &change.confirm).map_err(SignInError::Rejected)?;
    let now = services.now();
    claim_try(services, &account.identity.username, client, now).await?;
    let (current, hash) = (change.current, account.password_hash.clone());
    let actor = format!("staff:{}", account.identity.id);
    if !password_matches(current, hash).await {
        let event = AuditEvent::at(
            now,
            actor.clone(),
            "staff.password_change_failed",
            actor,
            "wrong current password",
        );
        services.store.append_audit(&event).await?;
        return Err(SignInError::Invalid);
    }
    let new_hash = hash_password_gated(change.new).await.map_err(|e| SignInError::Hashing(e.to_string()))?;
    let start = new_session(account, client, now);
    let event = AuditEvent::at(now, actor.clone(), "staff.password_changed", actor, "other sessions ended");
    let version = services.store.change_password(&new_hash, &start, &event).await?;
    Ok(issue_token(&services.session_secret, account.identity.id, version, &start.session, now))
}
