//! SMS verification codes, shared by identity checks and status lookups: the per-phone limits
//! (`domain::otp`), codes stored only as keyed hashes, and the check of a typed code.

use super::respond::failure;
use crate::startup::AppState;
use app::domain::otp::{CodePurpose, CodeRejected, OtpPolicy};
use app::domain::phone::MobileNumber;
use app::sms::SmsMessage;
use axum::response::Response;
use rand::Rng;

/// Why a code was not sent or not accepted.
pub enum CodeProblem {
    /// Explained to the person, next to the field.
    Refused(String),
    /// Something broke; the response is the error page.
    Failed(Response),
}

pub fn phone_key(state: &AppState, phone: &MobileNumber) -> String {
    state.services.hasher.digest("phone", phone.as_str())
}

/// What the stored hash covers: the phone, the purpose and the code.
fn code_hash_input(phone_key: &str, purpose: CodePurpose, code: &str) -> String {
    format!("{phone_key}:{}:{code}", purpose.tag())
}

/// Sends a new code for `purpose` (worded by `message`) to `phone` (whose keyed hash is `key`) if the limits allow. Without a phone the
/// code is recorded under `key` but goes nowhere: lookups of unknown references behave exactly like
/// lookups of real ones, limits included.
pub async fn send(
    state: &AppState,
    phone: Option<&MobileNumber>,
    key: &str,
    purpose: CodePurpose<'_>,
    message: impl FnOnce(String) -> SmsMessage,
) -> Result<(), CodeProblem> {
    let store = &state.services.store;
    let now = state.services.now();
    let policy = OtpPolicy::default();
    let previous = store
        .otp_send_times(key, now - policy.window_seconds)
        .await
        .map_err(|e| CodeProblem::Failed(failure("reading sent codes failed", e)))?;
    policy.check_send(&previous, now).map_err(|refused| CodeProblem::Refused(refused.to_string()))?;
    let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000));
    let code_hash = state.services.hasher.digest("otp", &code_hash_input(key, purpose, &code));
    store
        .insert_otp(key, &code_hash, now)
        .await
        .map_err(|e| CodeProblem::Failed(failure("storing a code failed", e)))?;
    let Some(phone) = phone else { return Ok(()) };
    if let Err(e) = state.services.sms.send(phone, &message(code)).await {
        tracing::error!(error = %e, "verification SMS not sent");
        return Err(CodeProblem::Refused("短信发送失败，请稍后再试，或拨打页面底部的电话求助".into()));
    }
    Ok(())
}

/// Accepts `code` if it is the latest code sent for `key`, sent for `purpose`, unexpired and not guessed too often. Every
/// try is counted before the comparison, in one conditional update, whatever the number of simultaneous
/// requests; the right one uses the code up.
pub async fn check(
    state: &AppState,
    key: &str,
    purpose: CodePurpose<'_>,
    code: &str,
) -> Result<(), CodeProblem> {
    let store = &state.services.store;
    let failed = |e| CodeProblem::Failed(failure("checking a code failed", e));
    let policy = OtpPolicy::default();
    let claimed = store.claim_otp_attempt(key, policy.max_attempts).await.map_err(failed)?;
    let matches = claimed.as_ref().is_some_and(|(_, hash)| {
        state.services.hasher.matches("otp", &code_hash_input(key, purpose, code.trim()), hash)
    });
    let issued = claimed.map(|(issued, _)| issued);
    if issued.is_none() && store.latest_otp(key).await.map_err(failed)?.is_none() {
        return Err(CodeProblem::Refused(CodeRejected::NoCode.to_string()));
    }
    policy
        .check_code(issued, matches, state.services.now())
        .map_err(|rejected| CodeProblem::Refused(rejected.to_string()))?;
    if let Some(issued) = issued {
        store.use_otp(issued.id).await.map_err(failed)?;
    }
    Ok(())
}
