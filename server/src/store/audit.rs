//! The audit anchors for both back ends, written once (`$1`-style parameters work in both); see
//! `shared.rs` and `app::audit::AuditAnchor`.

macro_rules! audit_queries {
    ($store:ty) => {
        /// Writes a signed anchor of the chain's head when the head is newer than the last anchor;
        /// returns the anchored entry's id, `None` when there was nothing new. Several instances may
        /// race here: an anchor written twice for one head is harmless.
        async fn audit_anchor_head(
            store: &$store,
            anchor_key: &str,
            now: i64,
        ) -> Result<Option<i64>, StoreError> {
            let head: Option<(i64, String)> =
                sqlx::query_as("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
                    .fetch_optional(&mut *store.reads().await?)
                    .await?;
            let (anchored,): (Option<i64>,) = sqlx::query_as("SELECT MAX(entry_id) FROM audit_anchors")
                .fetch_one(&mut *store.reads().await?)
                .await?;
            let Some((entry_id, entry_hash)) = head.filter(|(id, _)| Some(*id) > anchored) else {
                return Ok(None);
            };
            let anchor = app::audit::AuditAnchor::signed(anchor_key, now, entry_id, &entry_hash);
            let mut tx = store.begin_write().await?;
            sqlx::query(
                "INSERT INTO audit_anchors (at, entry_id, entry_hash, signature) VALUES ($1, $2, $3, $4)",
            )
            .bind(anchor.at)
            .bind(anchor.entry_id)
            .bind(&anchor.entry_hash)
            .bind(&anchor.signature)
            .execute(&mut *tx)
            .await?;
            store.commit(tx).await?;
            Ok(Some(entry_id))
        }

        async fn audit_all_anchors(store: &$store) -> Result<Vec<app::audit::AuditAnchor>, StoreError> {
            let rows: Vec<(i64, i64, String, String)> =
                sqlx::query_as("SELECT at, entry_id, entry_hash, signature FROM audit_anchors ORDER BY id")
                    .fetch_all(&mut *store.reads().await?)
                    .await?;
            Ok(rows
                .into_iter()
                .map(|(at, entry_id, entry_hash, signature)| app::audit::AuditAnchor {
                    at,
                    entry_id,
                    entry_hash,
                    signature,
                })
                .collect())
        }
    };
}
