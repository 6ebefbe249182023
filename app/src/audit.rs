//! The audit log: every staff action and every identity check, append-only and hash-chained. Each entry's
//! hash covers the previous entry's hash, so changing or deleting any entry breaks every link after it,
//! and `server verify-audit` finds the first broken one.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash the first entry links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened, as the code that records it describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Unix seconds.
    pub at: i64,
    /// Who: `staff:<id>`, `resident:<first 12 hex of the phone key>`, `operator` (command line).
    pub actor: String,
    /// What, as a stable key: `staff.sign_in`, `staff.password_changed`, `resident.identity_verified`, …
    pub action: String,
    /// What it concerned (an account, a case); never personal data in the clear.
    pub subject: String,
    /// A short free text (no personal data).
    pub detail: String,
}

impl AuditEvent {
    /// An event happening at `at` (seconds since the Unix epoch, by the services' clock).
    pub fn at(
        at: i64,
        actor: impl Into<String>,
        action: &str,
        subject: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            at,
            actor: actor.into(),
            action: action.to_string(),
            subject: subject.into(),
            detail: detail.into(),
        }
    }
}

/// An entry as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub id: i64,
    pub event: AuditEvent,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an event linked to the hash before it. Fields are length-prefixed so that no two
/// different events can produce the same input.
pub fn chain_hash(prev_hash: &str, event: &AuditEvent) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(event.at.to_be_bytes());
    for field in [&event.actor, &event.action, &event.subject, &event.detail] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A copy of the chain's head kept apart from the log (`audit_anchors`), signed with a key of its own
/// that the database does not hold: whoever deletes the newest entries cannot move the anchor back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditAnchor {
    pub at: i64,
    /// The newest entry when the anchor was written, and its hash.
    pub entry_id: i64,
    pub entry_hash: String,
    /// HMAC-SHA256 of the entry id and hash with the anchor key, hex.
    pub signature: String,
}

impl AuditAnchor {
    /// The anchor of the entry `entry_id` with hash `entry_hash`, signed with `key`.
    pub fn signed(key: &str, at: i64, entry_id: i64, entry_hash: &str) -> Self {
        let signature = anchor_signature(key, entry_id, entry_hash);
        Self { at, entry_id, entry_hash: entry_hash.to_string(), signature }
    }
}

fn anchor_signature(key: &str, entry_id: i64, entry_hash: &str) -> String {
    crate::keyed_hash::KeyedHasher::new(key).digest("audit anchor", &format!("{entry_id}:{entry_hash}"))
}

/// Checks the anchors against a chain that `verify_chain` accepted: each anchor is signed with `key` and
/// names an entry that is still there with the same hash. Returns the number of anchors.
pub fn verify_anchors(
    records: &[AuditRecord],
    anchors: &[AuditAnchor],
    key: &str,
) -> Result<usize, ChainError> {
    for anchor in anchors {
        let hasher = crate::keyed_hash::KeyedHasher::new(key);
        let signed = format!("{}:{}", anchor.entry_id, anchor.entry_hash);
        if !hasher.matches("audit anchor", &signed, &anchor.signature) {
            return Err(ChainError::ForgedAnchor { entry_id: anchor.entry_id });
        }
        let newest = records.last().map_or(0, |r| r.id);
        match records.iter().find(|r| r.id == anchor.entry_id) {
            Some(record) if record.hash == anchor.entry_hash => {}
            Some(_) => return Err(ChainError::Altered { id: anchor.entry_id }),
            None => return Err(ChainError::Truncated { anchored: anchor.entry_id, newest }),
        }
    }
    Ok(anchors.len())
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error(
        "the audit log ends at entry {newest} but entry {anchored} was anchored: the newest entries were removed"
    )]
    Truncated { anchored: i64, newest: i64 },
    #[error("the audit anchor of entry {entry_id} is not signed with this anchor key")]
    ForgedAnchor { entry_id: i64 },
    #[error("audit entry {id} does not link to the entry before it (an entry was removed or reordered)")]
    BrokenLink { id: i64 },
    #[error("audit entry {id} was changed after it was written")]
    Altered { id: i64 },
}

/// Checks a whole log in id order; returns the number of entries or the first problem.
pub fn verify_chain(records: &[AuditRecord]) -> Result<usize, ChainError> {
    let mut prev = GENESIS.to_string();
    for record in records {
        if record.prev_hash != prev {
            return Err(ChainError::BrokenLink { id: record.id });
        }
        if chain_hash(&record.prev_hash, &record.event) != record.hash {
            return Err(ChainError::Altered { id: record.id });
        }
        prev = record.hash.clone();
    }
    Ok(records.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: i64) -> AuditEvent {
        AuditEvent {
            at: n,
            actor: format!("staff:{n}"),
            action: "staff.sign_in".into(),
            subject: "staff:1".into(),
            detail: String::new(),
        }
    }

    fn chain(n: i64) -> Vec<AuditRecord> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|id| {
                let event = event(id);
                let hash = chain_hash(&prev, &event);
                let record = AuditRecord { id, event, prev_hash: prev.clone(), hash: hash.clone() };
                prev = hash;
                record
            })
            .collect()
    }

    #[test]
    fn anchors_find_removed_newest_entries_and_refuse_forged_anchors() {
        let records = chain(5);
        let anchor = AuditAnchor::signed("anchor key", 9, 4, &records[3].hash);
        assert_eq!(verify_anchors(&records, std::slice::from_ref(&anchor), "anchor key"), Ok(1));
        assert_eq!(
            verify_anchors(&records[..3], std::slice::from_ref(&anchor), "anchor key"),
            Err(ChainError::Truncated { anchored: 4, newest: 3 })
        );
        assert_eq!(
            verify_anchors(&records, std::slice::from_ref(&anchor), "another key"),
            Err(ChainError::ForgedAnchor { entry_id: 4 })
        );
        // A chain rebuilt after the removal has other hashes at the anchored id.
        let rebuilt: Vec<_> = chain(6)
            .into_iter()
            .map(|mut r| {
                r.hash = format!("{}x", r.hash);
                r
            })
            .collect();
        assert_eq!(verify_anchors(&rebuilt, &[anchor], "anchor key"), Err(ChainError::Altered { id: 4 }));
    }

    #[test]
    fn an_untouched_chain_verifies() {
        assert_eq!(verify_chain(&chain(5)), Ok(5));
        assert_eq!(verify_chain(&[]), Ok(0));
    }

    #[test]
    fn a_changed_entry_is_found() {
        let mut records = chain(5);
        records[2].event.detail = "edited".into();
        assert_eq!(verify_chain(&records), Err(ChainError::Altered { id: 3 }));
    }

    #[test]
    fn a_removed_entry_breaks_the_next_link() {
        let mut records = chain(5);
        records.remove(1);
        assert_eq!(verify_chain(&records), Err(ChainError::BrokenLink { id: 3 }));
    }

    #[test]
    fn field_boundaries_matter() {
        let a = AuditEvent { actor: "ab".into(), action: "c".into(), ..event(1) };
        let b = AuditEvent { actor: "a".into(), action: "bc".into(), ..event(1) };
        assert_ne!(chain_hash(GENESIS, &a), chain_hash(GENESIS, &b));
    }
}
