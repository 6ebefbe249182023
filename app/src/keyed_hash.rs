//! Keyed hashes (HMAC-SHA256) of personal identifiers: phone numbers are looked up by their keyed hash,
//! so the database never needs them in the clear for matching, and a stolen database cannot be
//! reversed by hashing every possible number without the key.

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub struct KeyedHasher {
    key: Vec<u8>,
}

impl KeyedHasher {
    pub fn new(key: &str) -> Self {
        Self { key: key.as_bytes().to_vec() }
    }

    /// Hex digest of `purpose` and `value`; the purpose keeps hashes of different kinds apart.
    pub fn digest(&self, purpose: &str, value: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(value.as_bytes());
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Compares a value with a stored digest in constant time.
    pub fn matches(&self, purpose: &str, value: &str, digest_hex: &str) -> bool {
        let computed = self.digest(purpose, value);
        computed.len() == digest_hex.len()
            && computed.bytes().zip(digest_hex.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_depend_on_key_purpose_and_value() {
        let a = KeyedHasher::new("key-a");
        let b = KeyedHasher::new("key-b");
        assert_eq!(a.digest("phone", "13812345678"), a.digest("phone", "13812345678"));
        assert_ne!(a.digest("phone", "13812345678"), b.digest("phone", "13812345678"));
        assert_ne!(a.digest("phone", "13812345678"), a.digest("otp", "13812345678"));
        assert!(a.matches("otp", "123456", &a.digest("otp", "123456")));
        assert!(!a.matches("otp", "123457", &a.digest("otp", "123456")));
    }
}
