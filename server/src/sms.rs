//! The SMS senders behind `app::sms::SmsSender`.

use crate::config::{Config, Mode};
use app::domain::phone::MobileNumber;
use app::sms::{SmsError, SmsMessage, SmsSender};
use async_trait::async_trait;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The sender the configuration asks for: the HTTP gateway when one is configured; otherwise, in
/// development only, the log (production refuses to start without a gateway).
pub fn from_config(config: &Config) -> Arc<dyn SmsSender> {
    match (&config.sms_gateway_url, config.mode) {
        (Some(url), _) => Arc::new(HttpGateway::new(
            url.clone(),
            config.sms_gateway_token.as_ref().map(|t| t.expose().to_string()),
            Templates {
                code: config.sms_code_template.clone(),
                proxy: config.sms_proxy_template.clone(),
                status: config.sms_status_template.clone(),
            },
        )),
        (None, Mode::Development) => {
            Arc::new(DevelopmentLog { outbox_file: config.sms_dev_outbox_file.clone() })
        }
        (None, Mode::Production) => unreachable!("production configuration requires an SMS gateway"),
    }
}

/// Sends through an HTTP gateway: `POST url` with JSON `{"phone", "template", "params", "text"}` and a
/// bearer token. Gateways of the big Chinese providers take a template id and parameters; `text` is the
/// full message for gateways that take free text.
pub struct HttpGateway {
    client: reqwest::Client,
    url: String,
    token: Option<String>,
    templates: Templates,
}

/// The gateway's template ids, one per kind of message.
pub struct Templates {
    pub code: String,
    pub proxy: String,
    pub status: String,
}

impl HttpGateway {
    pub fn new(url: String, token: Option<String>, templates: Templates) -> Self {
        let client =
            reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("HTTP client builds");
        Self { client, url, token, templates }
    }
}

#[async_trait]
impl SmsSender for HttpGateway {
    async fn send(&self, to: &MobileNumber, message: &SmsMessage) -> Result<(), SmsError> {
        let (template, params) = match message {
            SmsMessage::VerificationCode { code } => {
                (&self.templates.code, serde_json::json!({ "code": code }))
            }
            SmsMessage::ProxyConsent { code, helper } => {
                (&self.templates.proxy, serde_json::json!({ "code": code, "helper": helper }))
            }
            SmsMessage::StatusUpdate { status, next } => {
                (&self.templates.status, serde_json::json!({ "status": status, "next": next }))
            }
        };
        let body = serde_json::json!({
            "phone": to.as_str(),
            "template": template,
            "params": params,
            "text": message.text(),
        });
        let mut request = self.client.post(&self.url).json(&body);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response =
            request.send().await.map_err(|e| SmsError::Unreachable(e.without_url().to_string()))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(SmsError::Refused(format!("HTTP {}", response.status())))
        }
    }
}

/// Development only: nothing is sent; the message is written to the server log so that a developer can
/// type the code, and optionally appended as a JSON line to a file (browser tests read it there). The
/// log line says plainly that no SMS left the machine.
pub struct DevelopmentLog {
    pub outbox_file: Option<std::path::PathBuf>,
}

#[async_trait]
impl SmsSender for DevelopmentLog {
    async fn send(&self, to: &MobileNumber, message: &SmsMessage) -> Result<(), SmsError> {
        tracing::warn!(to = %to.masked(), text = %message.text(), "DEVELOPMENT: SMS not sent, written to the log instead");
        if let Some(path) = &self.outbox_file {
            let line = serde_json::json!({ "to": to.as_str(), "text": message.text() }).to_string() + "\n";
            let append = async {
                use tokio::io::AsyncWriteExt;
                let mut file = tokio::fs::OpenOptions::new().create(true).append(true).open(path).await?;
                file.write_all(line.as_bytes()).await?;
                // tokio's File hands the bytes to a background write: wait until they are in the file,
                // so that whoever reads it after the response finds the message.
                file.flush().await
            };
            append.await.map_err(|e| SmsError::Unreachable(format!("development outbox file: {e}")))?;
        }
        Ok(())
    }
}

/// For tests: keeps every message so that a test can read the code a resident would receive.
#[derive(Default)]
pub struct MemoryOutbox {
    sent: Mutex<Vec<(MobileNumber, SmsMessage)>>,
}

impl MemoryOutbox {
    pub fn messages_to(&self, phone: &str) -> Vec<SmsMessage> {
        let sent = self.sent.lock().unwrap_or_else(|p| p.into_inner());
        sent.iter().filter(|(to, _)| to.as_str() == phone).map(|(_, m)| m.clone()).collect()
    }

    /// How many messages were sent to anyone.
    pub fn count(&self) -> usize {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// The latest verification (or 代办 consent) code sent to `phone`.
    pub fn last_code_to(&self, phone: &str) -> Option<String> {
        self.messages_to(phone).into_iter().rev().find_map(|m| match m {
            SmsMessage::VerificationCode { code } | SmsMessage::ProxyConsent { code, .. } => Some(code),
            SmsMessage::StatusUpdate { .. } => None,
        })
    }
}

#[async_trait]
impl SmsSender for MemoryOutbox {
    async fn send(&self, to: &MobileNumber, message: &SmsMessage) -> Result<(), SmsError> {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).push((to.clone(), message.clone()));
        Ok(())
    }
}
