//! Personal data at rest: ID numbers, phone numbers, household details and health information are
//! sealed with AES-256-GCM before they reach the database. The key is derived from the configured data
//! key; each value gets a fresh random nonce. A sealed value reads `v2:<key id>:<base64 of nonce ‖
//! ciphertext>`; values sealed before key ids existed read `v1:<base64>` and are tried with every key.
//!
//! Key rotation (`server rotate-data-key`): the sealer seals with the current key and opens with the
//! current key or any previous one, so the portal keeps working while values are re-sealed.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, Mac};
use serde::{de::DeserializeOwned, Serialize};
use sha2::Sha256;

const VERSION: &str = "v2:";
/// Sealed before values named their key: opened by trying each key (GCM tells a wrong key apart).
const UNNAMED_KEY_VERSION: &str = "v1:";
const NONCE_BYTES: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("sealed value is malformed")]
    Malformed,
    #[error("sealed value does not open with this key (wrong key or tampered)")]
    Rejected,
    #[error("sealed value names key {0}, which is not configured")]
    UnknownKey(String),
    #[error("sealed value is not the expected record: {0}")]
    Format(String),
}

struct SealingKey {
    /// Eight hex digits that name the key in every value it sealed, without revealing it.
    id: String,
    cipher: Aes256Gcm,
}

impl SealingKey {
    /// Derives the AES key from a configured data key, apart from the keyed-hash key of the same secret.
    fn derive(data_key: &str) -> Self {
        let derived = |purpose: &[u8]| {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(data_key.as_bytes())
                .expect("HMAC takes keys of any length");
            mac.update(purpose);
            mac.finalize().into_bytes()
        };
        let key = derived(b"aes-256-gcm sealing key v1");
        let id = hex::encode(&derived(b"sealing key id")[..4]);
        Self { id, cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key)) }
    }

    fn open(&self, raw: &[u8]) -> Result<Vec<u8>, SealError> {
        if raw.len() <= NONCE_BYTES {
            return Err(SealError::Malformed);
        }
        let (nonce, body) = raw.split_at(NONCE_BYTES);
        self.cipher.decrypt(Nonce::from_slice(nonce), body).map_err(|_| SealError::Rejected)
    }
}

pub struct Sealer {
    current: SealingKey,
    previous: Vec<SealingKey>,
}

impl Sealer {
    pub fn new(data_key: &str) -> Self {
        Self::with_previous(data_key, &[])
    }

    /// Seals with `data_key`; opens with it or with any of `previous` (during a key rotation).
    pub fn with_previous(data_key: &str, previous: &[&str]) -> Self {
        Self {
            current: SealingKey::derive(data_key),
            previous: previous.iter().map(|key| SealingKey::derive(key)).collect(),
        }
    }

    pub fn seal_bytes(&self, plain: &[u8]) -> String {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed =
            self.current.cipher.encrypt(&nonce, plain).expect("AES-GCM encryption of a buffer cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{VERSION}{}:{}", self.current.id, STANDARD.encode(out))
    }

    pub fn open_bytes(&self, sealed: &str) -> Result<Vec<u8>, SealError> {
        let keys = || std::iter::once(&self.current).chain(&self.previous);
        if let Some(encoded) = sealed.strip_prefix(UNNAMED_KEY_VERSION) {
            let raw = STANDARD.decode(encoded).map_err(|_| SealError::Malformed)?;
            return keys().find_map(|key| key.open(&raw).ok()).ok_or(SealError::Rejected);
        }
        let named = sealed.strip_prefix(VERSION).ok_or(SealError::Malformed)?;
        let (id, encoded) = named.split_once(':').ok_or(SealError::Malformed)?;
        let key = keys().find(|key| key.id == id).ok_or_else(|| SealError::UnknownKey(id.to_string()))?;
        key.open(&STANDARD.decode(encoded).map_err(|_| SealError::Malformed)?)
    }

    /// Whether `sealed` is already sealed with the current key.
    pub fn is_current(&self, sealed: &str) -> bool {
        sealed
            .strip_prefix(VERSION)
            .and_then(|named| named.split_once(':'))
            .is_some_and(|(id, _)| id == self.current.id)
    }

    /// `sealed` sealed again with the current key, or `None` when it already is.
    pub fn reseal(&self, sealed: &str) -> Result<Option<String>, SealError> {
        if self.is_current(sealed) {
            return Ok(None);
        }
        Ok(Some(self.seal_bytes(&self.open_bytes(sealed)?)))
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
        assert!(sealed.starts_with("v2:") && sealer.is_current(&sealed));
        assert!(!sealed.contains("6207") && !sealed.contains("1381"));
        let opened: (String, String) = sealer.open(&sealed).unwrap();
        assert_eq!(opened.0, "620702198001011234");
        assert_ne!(sealer.seal(&1), sealer.seal(&1), "a fresh nonce every time");

        let other = Sealer::new("another key entirely, also long enough");
        assert!(matches!(other.open::<(String, String)>(&sealed), Err(SealError::UnknownKey(_))));
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 3;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert!(sealer.open::<(String, String)>(&tampered).is_err(), "a changed value does not open");
        assert!(matches!(sealer.open_bytes("plain text"), Err(SealError::Malformed)));
    }

    /// A value as the portal sealed it before key ids: `v1:` and the same derived key.
    fn sealed_without_key_id(data_key: &str, plain: &[u8]) -> String {
        let named = Sealer::new(data_key).seal_bytes(plain);
        let encoded = named.rsplit(':').next().unwrap();
        format!("{UNNAMED_KEY_VERSION}{encoded}")
    }

    #[test]
    fn during_a_rotation_old_values_open_and_are_resealed_under_the_new_key() {
        let (old_key, new_key) =
            ("the old data key, long enough to use", "the new data key, long enough to use");
        let under_old = Sealer::new(old_key).seal_bytes(b"old value");
        let unnamed = sealed_without_key_id(old_key, b"older value");
        let rotating = Sealer::with_previous(new_key, &[old_key]);

        assert!(!rotating.is_current(&under_old) && !rotating.is_current(&unnamed));
        assert_eq!(rotating.open_bytes(&under_old).unwrap(), b"old value");
        assert_eq!(rotating.open_bytes(&unnamed).unwrap(), b"older value");

        let resealed = rotating.reseal(&under_old).unwrap().expect("an old value is resealed");
        assert!(rotating.is_current(&resealed));
        assert_eq!(rotating.reseal(&resealed).unwrap(), None, "a current value is left alone");
        let after = Sealer::new(new_key);
        assert_eq!(after.open_bytes(&resealed).unwrap(), b"old value", "opens once the old key is gone");
        assert_eq!(after.open_bytes(&rotating.reseal(&unnamed).unwrap().unwrap()).unwrap(), b"older value");
        assert!(matches!(after.open_bytes(&under_old), Err(SealError::UnknownKey(_))));
        assert!(matches!(after.open_bytes(&unnamed), Err(SealError::Rejected)));
    }
}
