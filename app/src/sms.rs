//! Text messages to residents. The server crate provides the senders: a real HTTP gateway, a
//! development sender that writes to the log (and says so), and an in-memory outbox for tests.

use crate::domain::phone::MobileNumber;
use async_trait::async_trait;

/// What a queued status message holds once unsealed: the phone, the new status and the next step.
pub type StatusPayload = (String, String, String);

/// A status message sealed for the queue (`CaseChange::notify`); the worker opens it as `StatusPayload`.
pub fn seal_status(sealer: &crate::sealing::Sealer, phone: &str, status: &str, next: &str) -> String {
    sealer.seal(&(phone.to_string(), status.to_string(), next.to_string()))
}

/// Messages carry no personal data beyond what the recipient already knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SmsMessage {
    VerificationCode {
        code: String,
    },
    /// 代办: the code goes to the resident and names who asks to apply for them; reading it out to the
    /// helper is the resident's consent.
    ProxyConsent {
        code: String,
        helper: String,
    },
    /// A case moved on: the new state and what comes next, without names, numbers or amounts.
    StatusUpdate {
        status: String,
        next: String,
    },
}

impl SmsMessage {
    /// The text as the phone shows it.
    pub fn text(&self) -> String {
        match self {
            Self::VerificationCode { code } => {
                format!("【张掖社会救助】您的验证码是{code}，5分钟内有效。工作人员不会向您索要验证码，请勿告诉他人。")
            }
            Self::ProxyConsent { code, helper } => {
                format!("【张掖社会救助】{helper}申请为您代办社会救助。如您同意，请把验证码{code}告诉代办人（5分钟内有效）；如不同意，请勿告诉任何人。")
            }
            Self::StatusUpdate { status, next } => {
                format!("【张掖社会救助】您申请的社会救助有新进展：{status}。下一步：{next}。详情请在“进度查询”中用申请编号查看。")
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    #[error("SMS gateway unreachable: {0}")]
    Unreachable(String),
    #[error("SMS gateway refused the message: {0}")]
    Refused(String),
}

#[async_trait]
pub trait SmsSender: Send + Sync + 'static {
    async fn send(&self, to: &MobileNumber, message: &SmsMessage) -> Result<(), SmsError>;
}
