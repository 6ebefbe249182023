//! Personal data at rest: ID numbers, phone numbers, household details and health information are
//! sealed with AES-256-GCM before they reach the database. The key is derived from the configured data
//! key; each value gets a fresh random nonce. A sealed value reads `v1:<base64 of nonce ‖ ciphertext>`.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, Mac};
use serde::{de::DeserializeOwned, Serialize};
use sha2::Sha256;

const VERSION: &str = "v1:";
const NONCE_BYTES: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("sealed value is malformed")]
    Malformed,
    #[error("sealed value does not open with this key (wrong key or tampered)")]
    Rejected,
    #[error("sealed value is not the expected record: {0}")]
    Format(String),
}

pub struct Sealer {
    cipher: Aes256Gcm,
}

impl Sealer {
    /// Derives the AES key from the configured data key, apart from the keyed-hash key of the same
    /// secret.
    pub fn new(data_key: &str) -> Self {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(data_key.as_bytes())
            .expect("HMAC takes keys of any length");
        mac.update(b"aes-256-gcm sealing key v1");
        let key = mac.finalize().into_bytes();
        Self { cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key)) }
    }

    pub fn seal_bytes(&self, plain: &[u8]) -> String {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self.cipher.encrypt(&nonce, plain).expect("AES-GCM encryption of a buffer cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{VERSION}{}", STANDARD.encode(out))
    }

    pub fn open_bytes(&self, sealed: &str) -> Result<Vec<u8>, SealError> {
        let encoded = sealed.strip_prefix(VERSION).ok_or(SealError::Malformed)?;
        let raw = STANDARD.decode(encoded).map_err(|_| SealError::Malformed)?;
        if raw.len() <= NONCE_BYTES {
            return Err(SealError::Malformed);
        }
        let (nonce, body) = raw.split_at(NONCE_BYTES);
        self.cipher.decrypt(Nonce::from_slice(nonce), body).map_err(|_| SealError::Rejected)
    }

    pub fn seal<T: Serialize>(&self, value: &T) -> String {
        self.seal_bytes(&serde_json::to_vec(value).expect("records serialise to JSON"))
    }

    pub fn open<T: DeserializeOwned>(&self, sealed: &str) -> Result<T, SealError> {
        serde_json::from_slice(&self.open_bytes(sealed)?).map_err(|e| SealError::Format(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_same_key_and_untouched() {
        let sealer = Sealer::new("key one that is long enough for the test");
        let sealed = sealer.seal(&("620702198001011234", "13812345678"));
        assert!(sealed.starts_with("v1:"));
        assert!(!sealed.contains("6207") && !sealed.contains("1381"));
        let opened: (String, String) = sealer.open(&sealed).unwrap();
        assert_eq!(opened.0, "620702198001011234");
        assert_ne!(sealer.seal(&1), sealer.seal(&1), "a fresh nonce every time");

        let other = Sealer::new("another key entirely, also long enough");
        assert!(matches!(other.open::<(String, String)>(&sealed), Err(SealError::Rejected)));
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 3;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert!(sealer.open::<(String, String)>(&tampered).is_err());
        assert!(matches!(sealer.open_bytes("plain text"), Err(SealError::Malformed)));
    }
}
