//! Sessions in signed tokens (HS256) carried in HttpOnly cookies.
//!
//! Staff: argon2id password hashes; the token names the account, its session version and a session kept
//! on the server, and every request re-reads both, so signing out (even of a copied token) and a password
//! change take effect at once.
//!
//! Residents (identity level 1): after the SMS code, a short session that holds the keyed hash of the
//! phone number and the masked name, ID number and phone for display; nothing in it is usable alone.

use crate::domain::helper::Helper;
use crate::domain::phone::MobileNumber;
use crate::domain::staff::StaffIdentity;
use crate::services::Services;
use crate::store::{StaffAccount, StoreError};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum_extra::extract::cookie::Cookie;
pub use axum_extra::extract::cookie::SameSite;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

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

/// argon2 takes about 19 MB and a core's worth of time per hash: at most this many run at once (staff
/// sign-ins, report receipts), off the async workers, so that a flood queues instead of exhausting memory
/// or starving file I/O on the blocking pool.
const HASHES_AT_ONCE: usize = 2;
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(HASHES_AT_ONCE);

/// `hash_password` through the gate.
pub async fn hash_password_gated(password: String) -> Result<String, AuthError> {
    let _permit = HASHING.acquire().await.map_err(|e| AuthError::Hashing(e.to_string()))?;
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AuthError::Hashing(e.to_string()))?
}

/// `verify_password` through the gate; false when the check could not run.
pub async fn password_matches(password: String, hash: String) -> bool {
    let Ok(_permit) = HASHING.acquire().await else { return false };
    tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.unwrap_or(false)
}

#[derive(Debug, Serialize, Deserialize)]
struct StaffClaims {
    /// Account id.
    sub: i64,
    /// Session version at sign-in.
    ver: i64,
    /// The session on the server (`staff_sessions`).
    sid: String,
    exp: i64,
}

/// Signs claims with HS256 (staff sessions here, API tokens in `features::exchange`).
pub(crate) fn sign_claims<T: Serialize>(secret: &str, claims: &T) -> String {
    encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(secret.as_bytes()))
        .expect("HS256 signing cannot fail")
}

/// The claims of a genuine token that has not expired at `now` (the services' clock, which tests move:
/// so the expiry is checked here rather than by `jsonwebtoken`, which reads the machine's clock). Read
/// straight into the claims' own type, with no `serde_json::Value` in between: a status page reloaded
/// from the page cache checks its token on every request.
pub(crate) fn verify_claims<T: DeserializeOwned + Expiring>(
    secret: &str,
    token: &str,
    now: i64,
) -> Option<T> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_exp = false;
    let key = DecodingKey::from_secret(secret.as_bytes());
    let claims = decode::<T>(token, &key, &validation).ok()?.claims;
    (claims.exp() >= now).then_some(claims)
}

/// Claims that end: every token the portal signs carries `exp` (Unix seconds).
pub(crate) trait Expiring {
    fn exp(&self) -> i64;
}

macro_rules! expiring {
    ($($claims:ty),+) => {
        $(impl $crate::auth::Expiring for $claims {
            fn exp(&self) -> i64 {
                self.exp
            }
        })+
    };
}
pub(crate) use expiring;

expiring!(StaffClaims, ResidentClaims, PendingPhoneClaims, StatusClaims, ReportClaims);

/// A new random session id (128 bits, hex).
pub fn new_session_id() -> String {
    use argon2::password_hash::rand_core::RngCore;
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn issue_token(secret: &str, account_id: i64, session_version: i64, session: &str, now: i64) -> String {
    let claims = StaffClaims {
        sub: account_id,
        ver: session_version,
        sid: session.to_string(),
        exp: now + STAFF_SESSION_SECONDS,
    };
    sign_claims(secret, &claims)
}

/// The server-side session a genuine, unexpired token names (to end it when signing out).
pub fn session_of_token(secret: &str, token: &str, now: i64) -> Option<String> {
    verify_claims::<StaffClaims>(secret, token, now).map(|claims| claims.sid)
}

/// The account behind a session token, if the token is genuine and unexpired, its session has not ended
/// and no password change came after it.
pub async fn staff_for_token(services: &Services, token: &str) -> Result<Option<StaffAccount>, AuthError> {
    let now = services.now();
    let Some(claims) = verify_claims::<StaffClaims>(&services.session_secret, token, now) else {
        return Ok(None);
    };
    let account = services.store.staff_by_session(&claims.sid, now).await?;
    Ok(account.filter(|a| a.identity.id == claims.sub && a.session_version == claims.ver))
}

/// A `Set-Cookie` value for the whole site, never readable by scripts; an empty `value` removes the cookie.
pub fn cookie(name: &'static str, value: &str, max_age: i64, same_site: SameSite, secure: bool) -> String {
    let built =
        Cookie::build((name, value.to_owned())).path("/").http_only(true).same_site(same_site).secure(secure);
    let built = match value.is_empty() {
        true => built.removal(),
        false => built.max_age(cookie::time::Duration::seconds(max_age)),
    };
    built.build().to_string()
}

/// The staff session cookie (Strict: staff pages are never entered from another site).
pub fn session_cookie(token: &str, secure: bool) -> String {
    cookie(STAFF_COOKIE, token, STAFF_SESSION_SECONDS, SameSite::Strict, secure)
}

/// A cookie's value in a request's headers: what `CookieJar::from_headers(headers).get(name)` gives (the
/// last cookie of that name, percent-decoded), read by hand because the jar copies, percent-decodes and
/// hashes every cookie of the request for each lookup, and a page looks up two or three (a resident's
/// status page reloaded from the page cache spent 5 % of its instructions there). Read from the last piece
/// back; only a piece whose name is `name` as sent, or could decode to it (it holds a `%`), is parsed.
pub fn cookie_in(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .into_iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter(|piece| {
            let sent = piece.split_once('=').map_or(*piece, |(sent, _)| sent).trim();
            sent == name || sent.contains('%')
        })
        .filter_map(|piece| Cookie::parse_encoded(piece.to_owned()).ok())
        .rfind(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
}

/// Whether a request's cookies switch on 长辈模式 (`domain::preferences`).
pub fn elder_mode(headers: &http::HeaderMap) -> bool {
    cookie_in(headers, crate::domain::preferences::ELDER_MODE_COOKIE).as_deref() == Some("1")
}

/// The cookie of the current request (pages and server functions).
fn request_cookie(name: &str) -> Option<String> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    cookie_in(&parts.headers, name)
}

pub const RESIDENT_COOKIE: &str = "resident_session";
pub const RESIDENT_SESSION_SECONDS: i64 = 30 * 60;
/// Holds the number a code was sent to, between asking for the code and typing it.
pub const PENDING_PHONE_COOKIE: &str = "pending_phone";
pub const PENDING_PHONE_SECONDS: i64 = 10 * 60;

/// A resident who has passed the SMS check (identity level 1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentClaims {
    /// Keyed hash of the phone number.
    pub sub: String,
    pub phone_masked: String,
    pub name_masked: String,
    pub id_masked: String,
    pub exp: i64,
}

pub fn issue_resident_token(secret: &str, claims: &ResidentClaims) -> String {
    sign_claims(secret, claims)
}

pub fn resident_from_token(secret: &str, token: &str, now: i64) -> Option<ResidentClaims> {
    verify_claims(secret, token, now)
}

#[derive(Serialize, Deserialize)]
struct PendingPhoneClaims {
    phone: String,
    #[serde(default)]
    helper: Option<Helper>,
    exp: i64,
}

/// A code sent and waiting: to which phone, and who is helping when it is 代办.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingCode {
    pub phone: MobileNumber,
    pub helper: Option<Helper>,
}

pub fn issue_pending_phone(secret: &str, phone: &MobileNumber, helper: Option<&Helper>, now: i64) -> String {
    let claims = PendingPhoneClaims {
        phone: phone.as_str().to_string(),
        helper: helper.cloned(),
        exp: now + PENDING_PHONE_SECONDS,
    };
    sign_claims(secret, &claims)
}

pub fn pending_phone_from_token(secret: &str, token: &str, now: i64) -> Option<PendingCode> {
    let claims = verify_claims::<PendingPhoneClaims>(secret, token, now)?;
    Some(PendingCode { phone: MobileNumber::parse(&claims.phone).ok()?, helper: claims.helper })
}

/// A status lookup by reference number: first waiting for the SMS code, then verified.
pub const STATUS_COOKIE: &str = "status_session";
pub const STATUS_LOOKUP_SECONDS: i64 = 10 * 60;
pub const STATUS_SESSION_SECONDS: i64 = 30 * 60;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusClaims {
    pub reference: String,
    /// The SMS code sent to the applicant's phone was typed correctly.
    pub verified: bool,
    pub exp: i64,
}

pub fn issue_status_token(secret: &str, claims: &StatusClaims) -> String {
    sign_claims(secret, claims)
}

pub fn status_from_token(secret: &str, token: &str, now: i64) -> Option<StatusClaims> {
    verify_claims(secret, token, now)
}

/// A request's status session, already checked by the server before the page renders (the page cache
/// checks it to know whose page it is). Only server code can put it in a request's extensions; the page
/// then reads it instead of checking the same token a second time.
#[derive(Clone, Debug)]
pub struct CheckedStatusSession(pub StatusClaims);

/// The status lookup of the current request, if any (`verified` says whether its code was typed).
pub fn current_status_lookup() -> Option<StatusClaims> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    if let Some(CheckedStatusSession(claims)) = parts.extensions.get() {
        return Some(claims.clone());
    }
    let services = leptos::prelude::use_context::<crate::services::Services>()?;
    status_from_token(&services.session_secret, &cookie_in(&parts.headers, STATUS_COOKIE)?, services.now())
}

/// Opens a report's page for whoever proved the receipt code; short, because the phone may be shared.
pub const REPORT_COOKIE: &str = "report_access";
pub const REPORT_SESSION_SECONDS: i64 = 20 * 60;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportClaims {
    pub report: i64,
    pub exp: i64,
}

pub fn issue_report_token(secret: &str, claims: &ReportClaims) -> String {
    sign_claims(secret, claims)
}

pub fn report_from_token(secret: &str, token: &str, now: i64) -> Option<ReportClaims> {
    verify_claims(secret, token, now)
}

/// The report whose receipt the current request proved, if any.
pub fn current_report_access() -> Option<ReportClaims> {
    let services = leptos::prelude::use_context::<crate::services::Services>()?;
    report_from_token(&services.session_secret, &request_cookie(REPORT_COOKIE)?, services.now())
}

/// The verified resident of the current request, if any.
pub fn current_resident() -> Option<ResidentClaims> {
    let services = leptos::prelude::use_context::<crate::services::Services>()?;
    resident_from_token(&services.session_secret, &request_cookie(RESIDENT_COOKIE)?, services.now())
}

/// The phone number waiting for its code in the current request, if any.
pub fn current_pending_phone() -> Option<PendingCode> {
    let services = leptos::prelude::use_context::<crate::services::Services>()?;
    pending_phone_from_token(&services.session_secret, &request_cookie(PENDING_PHONE_COOKIE)?, services.now())
}

/// The signed-in staff member of the current request (pages and server functions).
pub async fn current_staff() -> Option<StaffIdentity> {
    let services = leptos::prelude::use_context::<crate::services::Services>()?;
    let token = request_cookie(STAFF_COOKIE)?;
    match staff_for_token(&services, &token).await {
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
    use axum_extra::extract::cookie::CookieJar;
    use proptest::prelude::*;

    /// Cookie headers as browsers and attackers send them: names that repeat, percent-encoded names
    /// and values, spaces, quotes, pieces without `=` or without a name, several `Cookie` headers.
    fn cookie_headers() -> impl Strategy<Value = Vec<String>> {
        let piece = prop::sample::select(vec![
            "status_lookup=tok",
            " status_lookup=other ",
            "status%5Flookup=decoded",
            "status_lookup=a%20b",
            "status_lookup=\"quoted\"",
            "status_lookup",
            "=orphan",
            "elder_mode=1",
            "elder_mode=0",
            "x=%ZZ",
            "  ",
            "a=b=c",
            "%=%",
            "status_lookup=",
            "staff_session=s",
        ]);
        let header = prop::collection::vec(piece, 0..6).prop_map(|pieces| pieces.join(";"));
        prop::collection::vec(header, 0..3)
    }

    proptest! {
        #[test]
        fn a_cookie_is_read_as_the_jar_reads_it(sent in cookie_headers()) {
            let mut headers = http::HeaderMap::new();
            for value in &sent {
                headers.append(http::header::COOKIE, value.parse().unwrap());
            }
            let jar = CookieJar::from_headers(&headers);
            for name in ["status_lookup", "elder_mode", "staff_session", "a", "x", "missing"] {
                let expected = jar.get(name).map(|c| c.value().to_owned());
                prop_assert_eq!(cookie_in(&headers, name), expected, "{} in {:?}", name, sent);
            }
        }
    }

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
        assert!(cookie.contains("Path=/") && cookie.contains(&format!("Max-Age={STAFF_SESSION_SECONDS}")));
        let removal = session_cookie("", false);
        assert!(removal.contains("Max-Age=0") && !removal.contains("Secure"), "{removal}");
        let mut headers = http::HeaderMap::new();
        headers.insert(http::header::COOKIE, "a=1; staff_session=tok; b=2".parse().unwrap());
        assert_eq!(cookie_in(&headers, STAFF_COOKIE).as_deref(), Some("tok"));
        assert_eq!(cookie_in(&headers, "c"), None);
        let with = |cookies: &str| {
            let mut headers = http::HeaderMap::new();
            headers.insert(http::header::COOKIE, cookies.parse().unwrap());
            elder_mode(&headers)
        };
        assert!(with("a=b; elder_mode=1; c=d"));
        assert!(!with("elder_mode=0") && !with("not_elder_mode=1") && !elder_mode(&http::HeaderMap::new()));
    }

    #[test]
    fn resident_tokens_verify_only_with_the_secret_and_until_their_end_by_the_given_clock() {
        let now = 1_800_000_000;
        let claims = ResidentClaims {
            sub: "k".into(),
            phone_masked: "138****5678".into(),
            name_masked: "张*".into(),
            id_masked: "6207**********101X".into(),
            exp: now + RESIDENT_SESSION_SECONDS,
        };
        let token = issue_resident_token("secret", &claims);
        assert_eq!(resident_from_token("secret", &token, now), Some(claims.clone()));
        assert_eq!(resident_from_token("other", &token, now), None);
        let last_second = now + RESIDENT_SESSION_SECONDS;
        assert_eq!(resident_from_token("secret", &token, last_second), Some(claims.clone()));
        assert_eq!(resident_from_token("secret", &token, last_second + 1), None, "ended by the given clock");
        let phone = MobileNumber::parse("13812345678").unwrap();
        let helper = Helper {
            name: "张明".into(),
            phone: "13900000001".into(),
            role: crate::domain::helper::HelperRole::Relative,
        };
        let pending = issue_pending_phone("secret", &phone, Some(&helper), now);
        assert_eq!(
            pending_phone_from_token("secret", &pending, now + PENDING_PHONE_SECONDS),
            Some(PendingCode { phone, helper: Some(helper) })
        );
        assert_eq!(pending_phone_from_token("secret", &pending, now + PENDING_PHONE_SECONDS + 1), None);
    }
}
