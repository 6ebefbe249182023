//! What a failed form post must show on the next page: the values as typed and the error per field.
//! Kept in the database for a few minutes, sealed, under a random token that the redirect carries
//! (`?flash=…`): typed personal data never goes into an address, a cookie or a log, and the page that
//! reads it back may be served by another instance of the server. Reading an entry removes it.
//! Bounded everywhere: fields, characters per field and per entry, entries, bytes in all.

use crate::forms::FormFeedback;
use crate::sealing::Sealer;
use crate::services::Clock;
use crate::store::{Store, StoreError};
use rand::RngCore;
use std::sync::Arc;

/// A failed form is shown again within this time or not at all.
pub const LIFETIME_SECONDS: i64 = 10 * 60;
/// Bounds the table if someone posts failing forms in a loop; the oldest entries go first.
pub const MAX_ENTRIES: i64 = 20_000;
/// Bounds the table in bytes (sealed), whatever the entries hold; the oldest entries go first.
pub const MAX_TOTAL_BYTES: i64 = 64 * 1024 * 1024;
/// Bounds one entry: no form of the portal has a longer field (the guide editor's body is the longest)
/// or more text in all (the guide editor: title, summary and body).
const MAX_VALUE_CHARS: usize = 20_000;
const MAX_ENTRY_CHARS: usize = 24_000;
const MAX_FIELDS: usize = 256;

impl FormFeedback {
    /// The same flash cut to the size bounds: a post with thousands of invented fields, or a field of
    /// megabytes, keeps only what a real form could have typed.
    fn bounded(mut self) -> Self {
        if self.values.len() > MAX_FIELDS {
            self.values = self.values.into_iter().take(MAX_FIELDS).collect();
        }
        let mut room = MAX_ENTRY_CHARS;
        for value in self.values.values_mut() {
            let kept = value.chars().count().min(MAX_VALUE_CHARS).min(room);
            if kept < value.chars().count() {
                *value = value.chars().take(kept).collect();
            }
            room -= kept;
        }
        self.errors.truncate(MAX_FIELDS);
        self
    }
}

pub struct FlashStore {
    store: Arc<dyn Store>,
    sealer: Arc<Sealer>,
    clock: Arc<dyn Clock>,
}

impl FlashStore {
    pub fn new(store: Arc<dyn Store>, sealer: Arc<Sealer>, clock: Arc<dyn Clock>) -> Self {
        Self { store, sealer, clock }
    }

    /// Keeps `flash` and returns the token to put in the redirect.
    pub async fn put(&self, flash: FormFeedback) -> Result<String, StoreError> {
        let now = self.clock.unix_now();
        let token = new_token();
        let sealed = self.sealer.seal(&flash.bounded());
        let bounds = crate::store::FlashBounds {
            expire_before: now - LIFETIME_SECONDS,
            keep_last: MAX_ENTRIES,
            total_bytes: MAX_TOTAL_BYTES,
        };
        self.store.put_flash(&token, &sealed, now, bounds).await?;
        Ok(token)
    }

    /// The flash for a token, if it is still fresh; reading it removes it, so that nothing typed stays
    /// on the server longer than the page that shows it. A flash that cannot be read (database trouble,
    /// a key changed) shows the empty form, logged.
    pub async fn get(&self, token: &str) -> Option<FormFeedback> {
        if token.is_empty() {
            return None;
        }
        let expire_before = self.clock.unix_now() - LIFETIME_SECONDS;
        let sealed = match self.store.take_flash(token, expire_before).await {
            Ok(sealed) => sealed?,
            Err(e) => {
                tracing::error!(error = %e, "flash store");
                return None;
            }
        };
        self.sealer.open(&sealed).map_err(|e| tracing::error!(error = %e, "flash entry")).ok()
    }
}

fn new_token() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flash_keeps_what_a_form_can_type_and_no_more() {
        let mut flash = FormFeedback::default();
        flash.values.insert("name".into(), "张三".into());
        flash.values.insert("body".into(), "字".repeat(MAX_VALUE_CHARS + 5));
        for i in 0..MAX_FIELDS + 50 {
            flash.values.insert(format!("invented{i}"), "x".into());
        }
        flash.errors.push(("id_number".into(), "身份证号码应为18位".into()));
        let bounded = flash.bounded();
        assert_eq!(bounded.values.len(), MAX_FIELDS);
        assert!(bounded.values.values().all(|v| v.chars().count() <= MAX_VALUE_CHARS));
        assert_eq!(bounded.error("id_number").as_deref(), Some("身份证号码应为18位"));
    }

    #[test]
    fn tokens_are_random_and_hex() {
        let token = new_token();
        assert_eq!(token.len(), 32);
        assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(new_token(), token);
    }
}
