//! `FileStore` for both back ends, written once (`$1`-style parameters work in both); see `shared.rs`.

/// Hashes asked about in one query by the sweep of unreferenced files.
pub(super) const HASHES_PER_QUERY: usize = 500;

/// Drafts not touched since `$1` go, with the sweep's leftovers.
pub(super) const PURGE_OLD_DRAFTS: &str = "DELETE FROM application_drafts WHERE updated_at < $1";

/// `$1, $2, …, $n`: the placeholders of an `IN` list.
pub(super) fn placeholders(n: usize) -> String {
    (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

macro_rules! file_queries {
    ($store:ty) => {
        #[async_trait]
        impl app::store::FileStore for $store {
            async fn spend_upload_allowance(
                &self,
                subject: &str,
                day: i64,
                files: u32,
                limit: u32,
            ) -> Result<bool, StoreError> {
                if files == 0 || files > limit {
                    return Ok(files == 0);
                }
                // One statement: the count and the check cannot be split by a simultaneous upload
                // (PostgreSQL re-checks the WHERE on the row it locked; SQLite has one writer).
                let counted: Option<(i64,)> = sqlx::query_as(
                    "INSERT INTO upload_allowances (subject, day, files) VALUES ($1, $2, $3)
                     ON CONFLICT (subject, day) DO UPDATE SET files = upload_allowances.files + excluded.files
                     WHERE upload_allowances.files + excluded.files <= $4
                     RETURNING files",
                )
                .bind(subject)
                .bind(day)
                .bind(i64::from(files))
                .bind(i64::from(limit))
                .fetch_optional(&mut *self.writes().await?)
                .await?;
                self.written().await?;
                Ok(counted.is_some())
            }

            async fn files_in_use(&self, hashes: &[String]) -> Result<Vec<String>, StoreError> {
                let mut in_use = Vec::new();
                for batch in hashes.chunks(files::HASHES_PER_QUERY) {
                    let list = files::placeholders(batch.len());
                    let sql = format!(
                        "SELECT sha256 FROM case_files WHERE sha256 IN ({list})
                         UNION SELECT sha256 FROM report_files WHERE sha256 IN ({list})
                         UNION SELECT sha256 FROM monitoring_visit_files WHERE sha256 IN ({list})"
                    );
                    let mut query = sqlx::query_as::<_, (String,)>(&sql);
                    for hash in batch {
                        query = query.bind(hash);
                    }
                    let rows = query.fetch_all(&mut *self.reads().await?).await?;
                    in_use.extend(rows.into_iter().map(|(hash,)| hash));
                }
                Ok(in_use)
            }

            async fn purge_leftovers(&self, before: &app::store::Leftovers) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                let purges = [
                    (files::PURGE_OLD_DRAFTS, before.drafts),
                    ("DELETE FROM upload_allowances WHERE day < $1", before.allowance_day),
                    ("DELETE FROM otp_codes WHERE created_at < $1", before.codes),
                ];
                for (purge, cut_off) in purges {
                    sqlx::query(purge).bind(cut_off).execute(&mut *tx).await?;
                }
                self.commit(tx).await
            }

            async fn sealed_drafts_after(
                &self,
                after: &str,
                limit: u32,
            ) -> Result<Vec<(String, String)>, StoreError> {
                sqlx::query_as(
                    "SELECT phone_key, sealed FROM application_drafts WHERE phone_key > $1
                     ORDER BY phone_key LIMIT $2",
                )
                .bind(after)
                .bind(i64::from(limit))
                .fetch_all(&mut *self.reads().await?)
                .await
                .map_err(StoreError::from)
            }
        }
    };
}
