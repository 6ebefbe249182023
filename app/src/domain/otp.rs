//! SMS verification codes: when one may be sent and whether a typed code is accepted. Times are unix
//! seconds; the caller supplies "now", so the rules are tested without waiting.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OtpPolicy {
    /// At most this many codes per phone number within `window_seconds`.
    pub max_sends_per_window: usize,
    pub window_seconds: i64,
    /// Minimum gap between two codes to the same number.
    pub cooldown_seconds: i64,
    /// How long a code stays valid.
    pub lifetime_seconds: i64,
    /// Wrong guesses allowed per code.
    pub max_attempts: u32,
}

impl Default for OtpPolicy {
    fn default() -> Self {
        Self {
            max_sends_per_window: 3,
            window_seconds: 600,
            cooldown_seconds: 60,
            lifetime_seconds: 300,
            max_attempts: 5,
        }
    }
}

/// What a code was sent for. It is part of what the stored hash covers, so a code works only for the
/// purpose it was sent for: a 代办 consent code never verifies the resident's own application, and a
/// status code opens only the application it was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodePurpose<'a> {
    /// The resident's own identity check before applying.
    Apply,
    /// The resident's consent to a 代办 application by a helper.
    ProxyConsent,
    /// Looking up the status of this application.
    StatusOf(&'a str),
}

impl CodePurpose<'_> {
    pub fn tag(&self) -> String {
        match self {
            Self::Apply => "apply".to_string(),
            Self::ProxyConsent => "proxy".to_string(),
            Self::StatusOf(reference) => format!("status:{reference}"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum SendRefused {
    #[error("验证码已发送，请等{0}秒后再重新获取")]
    Cooldown(i64),
    #[error("同一手机号10分钟内最多获取3次验证码，请{0}分钟后再试")]
    WindowFull(i64),
}

/// A code that was sent, as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IssuedCode {
    pub id: i64,
    pub created_at: i64,
    pub attempts: u32,
    pub used: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum CodeRejected {
    #[error("请先获取短信验证码")]
    NoCode,
    #[error("验证码已过期，请重新获取")]
    Expired,
    #[error("验证码输错次数过多，请重新获取")]
    TooManyAttempts,
    #[error("验证码不正确，还可以再试{0}次")]
    Wrong(u32),
}

impl OtpPolicy {
    /// Whether another code may go to a number that was sent codes at `previous` (any order).
    pub fn check_send(&self, previous: &[i64], now: i64) -> Result<(), SendRefused> {
        if let Some(last) = previous.iter().copied().max() {
            let wait = last + self.cooldown_seconds - now;
            if wait > 0 {
                return Err(SendRefused::Cooldown(wait));
            }
        }
        let mut in_window: Vec<i64> =
            previous.iter().copied().filter(|t| now - t < self.window_seconds).collect();
        if in_window.len() >= self.max_sends_per_window {
            in_window.sort_unstable();
            let frees_at = in_window[in_window.len() - self.max_sends_per_window] + self.window_seconds;
            let minutes = ((frees_at - now) + 59) / 60;
            return Err(SendRefused::WindowFull(minutes.max(1)));
        }
        Ok(())
    }

    /// Judges a typed code against the latest code sent, whose `attempts` already count this try: the
    /// store counts a try before the comparison (`CodeStore::claim_otp_attempt`), so simultaneous guesses
    /// cannot pass the limit, and `None` means no code or no tries left. `matches` says whether the typed
    /// code equals it. The right code typed again while still fresh is accepted again (within the same
    /// tries), so that a double-clicked submit succeeds twice instead of showing an error after the first
    /// click already worked.
    pub fn check_code(
        &self,
        claimed: Option<IssuedCode>,
        matches: bool,
        now: i64,
    ) -> Result<(), CodeRejected> {
        let issued = claimed.ok_or(CodeRejected::TooManyAttempts)?;
        if now - issued.created_at >= self.lifetime_seconds {
            return Err(CodeRejected::Expired);
        }
        if issued.attempts > self.max_attempts {
            return Err(CodeRejected::TooManyAttempts);
        }
        if matches {
            return Ok(());
        }
        if issued.used {
            return Err(CodeRejected::NoCode);
        }
        match self.max_attempts - issued.attempts {
            0 => Err(CodeRejected::TooManyAttempts),
            left => Err(CodeRejected::Wrong(left)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: OtpPolicy = OtpPolicy {
        max_sends_per_window: 3,
        window_seconds: 600,
        cooldown_seconds: 60,
        lifetime_seconds: 300,
        max_attempts: 5,
    };

    fn code(created_at: i64, attempts: u32) -> Option<IssuedCode> {
        Some(IssuedCode { id: 1, created_at, attempts, used: false })
    }

    #[test]
    fn a_second_code_waits_for_the_cooldown() {
        assert_eq!(P.check_send(&[], 1000), Ok(()));
        assert_eq!(P.check_send(&[1000], 1030), Err(SendRefused::Cooldown(30)));
        assert_eq!(P.check_send(&[1000], 1060), Ok(()));
    }

    #[test]
    fn at_most_three_codes_in_ten_minutes() {
        let sent = [1000, 1100, 1200];
        assert_eq!(P.check_send(&sent, 1300), Err(SendRefused::WindowFull(5)));
        assert_eq!(P.check_send(&sent, 1599), Err(SendRefused::WindowFull(1)));
        assert_eq!(P.check_send(&sent, 1600), Ok(()), "the first code has left the window");
    }

    #[test]
    fn codes_expire_after_five_minutes() {
        assert_eq!(P.check_code(code(1000, 1), true, 1299), Ok(()));
        assert_eq!(P.check_code(code(1000, 1), true, 1300), Err(CodeRejected::Expired));
    }

    #[test]
    fn five_tries_use_up_the_code() {
        assert_eq!(P.check_code(code(1000, 1), false, 1001), Err(CodeRejected::Wrong(4)));
        assert_eq!(P.check_code(code(1000, 4), false, 1001), Err(CodeRejected::Wrong(1)));
        assert_eq!(P.check_code(code(1000, 5), false, 1001), Err(CodeRejected::TooManyAttempts));
        assert_eq!(P.check_code(code(1000, 5), true, 1001), Ok(()), "the fifth try may be the right one");
        assert_eq!(P.check_code(None, true, 1001), Err(CodeRejected::TooManyAttempts), "no try left");
    }

    #[test]
    fn a_used_code_only_repeats_its_own_success() {
        let used = Some(IssuedCode { id: 1, created_at: 1000, attempts: 2, used: true });
        assert_eq!(P.check_code(used, true, 1001), Ok(()), "double-clicked submit");
        assert_eq!(P.check_code(used, false, 1001), Err(CodeRejected::NoCode));
        assert_eq!(P.check_code(used, true, 1300), Err(CodeRejected::Expired));
    }
}
