//! Staff sign-in: argon2id password hashes and the signed session token carried in an HttpOnly cookie.
//! The token names the account and its session version; every request re-reads the account, so a
//! password change or a lock takes effect at once.

use crate::domain::staff::StaffIdentity;
use crate::store::{StaffAccount, Store, StoreError};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const STAFF_COOKIE: &str = "staff_session";
/// A working day; staff sign in again the next morning.
pub const STAFF_SESSION_SECONDS: i64 = 10 * 3600;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("password hashing failed: {0}")]
    Hashing(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub fn hash_password(password: &str) -> Result<String, AuthError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AuthError::Hashing(e.to_string()))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

#[derive(Debug, Serialize, Deserialize)]
struct StaffClaims {
    /// Account id.
    sub: i64,
    /// Session version at sign-in.
    ver: i64,
    exp: i64,
}

pub fn issue_token(secret: &str, account_id: i64, session_version: i64, now: i64) -> String {
    let claims = StaffClaims { sub: account_id, ver: session_version, exp: now + STAFF_SESSION_SECONDS };
    encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret.as_bytes()))
        .expect("HS256 signing cannot fail")
}

/// The account behind a session token, if the token is genuine, unexpired and still current.
pub async fn staff_for_token(
    store: &dyn Store,
    secret: &str,
    token: &str,
) -> Result<Option<StaffAccount>, AuthError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    let Ok(data) = decode::<StaffClaims>(token, &DecodingKey::from_secret(secret.as_bytes()), &validation)
    else {
        return Ok(None);
    };
    let account = store.staff_by_id(data.claims.sub).await?;
    Ok(account.filter(|a| a.session_version == data.claims.ver))
}

/// The `Set-Cookie` value for a session token, or for removing it when `token` is empty.
pub fn session_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    let max_age = if token.is_empty() { 0 } else { STAFF_SESSION_SECONDS };
    format!("{STAFF_COOKIE}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}")
}

/// Finds the session cookie in a `Cookie` header.
pub fn token_from_cookie_header(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == STAFF_COOKIE)
        .map(|(_, v)| v)
}

/// The signed-in staff member of the current request (pages and server functions).
pub async fn current_staff() -> Option<StaffIdentity> {
    use leptos::prelude::use_context;
    let services = use_context::<crate::services::Services>()?;
    let parts = use_context::<http::request::Parts>()?;
    let header = parts.headers.get(http::header::COOKIE)?.to_str().ok()?;
    let token = token_from_cookie_header(header)?;
    match staff_for_token(services.store.as_ref(), &services.session_secret, token).await {
        Ok(account) => account.map(|a| a.identity),
        Err(e) => {
            leptos::logging::error!("staff session: {e}");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_only_against_its_own_hash() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn the_cookie_is_http_only_and_strict() {
        let cookie = session_cookie("abc", true);
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Secure")
        );
        assert!(session_cookie("", false).contains("Max-Age=0"));
        assert_eq!(token_from_cookie_header("a=1; staff_session=tok; b=2"), Some("tok"));
        assert_eq!(token_from_cookie_header("a=1"), None);
    }
}
