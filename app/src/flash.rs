//! What a failed form post must show on the next page: the values as typed and the error per field.
//! Kept in memory for a few minutes under a random token that the redirect carries (`?flash=…`), so
//! typed personal data never goes into an address, a cookie or a log.

use rand::RngCore;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const LIFETIME: Duration = Duration::from_secs(10 * 60);
/// Bounds memory if someone posts failing forms in a loop; the oldest entries go first.
const MAX_ENTRIES: usize = 10_000;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Flash {
    pub values: HashMap<String, String>,
    /// (field name, message), in the order of the form.
    pub errors: Vec<(String, String)>,
}

impl Flash {
    pub fn value(&self, field: &str) -> String {
        self.values.get(field).cloned().unwrap_or_default()
    }

    pub fn error(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone())
    }
}

#[derive(Default)]
pub struct FlashStore {
    entries: Mutex<HashMap<String, (Instant, Flash)>>,
}

impl FlashStore {
    /// Keeps `flash` and returns the token to put in the redirect.
    pub fn put(&self, flash: Flash) -> String {
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.retain(|_, (at, _)| now.duration_since(*at) < LIFETIME);
        if entries.len() >= MAX_ENTRIES {
            if let Some(oldest) = entries.iter().min_by_key(|(_, (at, _))| *at).map(|(k, _)| k.clone()) {
                entries.remove(&oldest);
            }
        }
        entries.insert(token.clone(), (now, flash));
        token
    }

    /// The flash for a token, if it is still fresh. It is not removed: a reload shows the same page.
    pub fn get(&self, token: &str) -> Option<Flash> {
        let entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.get(token).filter(|(at, _)| at.elapsed() < LIFETIME).map(|(_, flash)| flash.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flash_comes_back_by_its_token_only() {
        let store = FlashStore::default();
        let mut flash = Flash::default();
        flash.values.insert("name".into(), "张三".into());
        flash.errors.push(("id_number".into(), "身份证号码应为18位".into()));
        let token = store.put(flash.clone());
        assert_eq!(token.len(), 32);
        assert_eq!(store.get(&token), Some(flash.clone()));
        assert_eq!(store.get(&token).unwrap().value("name"), "张三");
        assert_eq!(store.get(&token).unwrap().error("id_number").as_deref(), Some("身份证号码应为18位"));
        assert_eq!(store.get("0000"), None);
        assert_ne!(store.put(flash.clone()), token, "tokens are random");
    }
}
