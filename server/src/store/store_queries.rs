//! `Store` itself and the code, reference, content and audit stores for both back ends, written once
//! (`$1`-style parameters work in both; see `shared.rs`). Each back end supplies only how it connects,
//! reads, begins and commits a write, and locks the audit chain.

/// `impl Store` and its parts above for a store type with `reads`, `begin_write`, `commit` and `close_connections`.
macro_rules! store_queries {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl Store for $store {
            async fn close(&self) {
                self.close_connections().await;
            }

            async fn ping(&self) -> Result<(), StoreError> {
                sqlx::query("SELECT 1").execute(&mut *self.reads().await?).await?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl app::store::CodeStore for $store {
            async fn otp_send_times(&self, phone_key: &str, since: i64) -> Result<Vec<i64>, StoreError> {
                let rows: Vec<(i64,)> =
                    sqlx::query_as("SELECT created_at FROM otp_codes WHERE phone_key = $1 AND created_at >= $2")
                        .bind(phone_key)
                        .bind(since)
                        .fetch_all(&mut *self.reads().await?)
                        .await?;
                Ok(rows.into_iter().map(|(t,)| t).collect())
            }

            async fn latest_otp(&self, phone_key: &str) -> Result<Option<(IssuedCode, String)>, StoreError> {
                let row: Option<shared::CodeRow> = sqlx::query_as(
                    "SELECT id, created_at, attempts, used, code_hash FROM otp_codes
                     WHERE phone_key = $1 ORDER BY created_at DESC, id DESC LIMIT 1",
                )
                .bind(phone_key)
                .fetch_optional(&mut *self.reads().await?)
                .await?;
                Ok(row.map(shared::code_from_row))
            }

            async fn insert_otp(&self, phone_key: &str, code_hash: &str, now: i64) -> Result<i64, StoreError> {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO otp_codes (phone_key, code_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(phone_key)
                .bind(code_hash)
                .bind(now)
                .fetch_one(&mut *self.writes().await?)
                .await?;
                self.written().await?;
                Ok(id)
            }

            async fn claim_otp_attempt(
                &self,
                phone_key: &str,
                max_attempts: u32,
            ) -> Result<Option<(app::domain::otp::IssuedCode, String)>, StoreError> {
                let row: Option<shared::CodeRow> = sqlx::query_as(
                    "UPDATE otp_codes SET attempts = attempts + 1
                     WHERE id = (SELECT id FROM otp_codes WHERE phone_key = $1
                                 ORDER BY created_at DESC, id DESC LIMIT 1)
                       AND attempts < $2
                     RETURNING id, created_at, attempts, used, code_hash",
                )
                .bind(phone_key)
                .bind(i32::try_from(max_attempts).unwrap_or(i32::MAX))
                .fetch_optional(&mut *self.writes().await?)
                .await?;
                self.written().await?;
                Ok(row.map(shared::code_from_row))
            }

            async fn use_otp(&self, id: i64) -> Result<(), StoreError> {
                sqlx::query("UPDATE otp_codes SET used = TRUE WHERE id = $1 AND used = FALSE")
                    .bind(id)
                    .execute(&mut *self.writes().await?)
                    .await?;
                self.written().await
            }
        }

        #[async_trait::async_trait]
        impl app::store::ReferenceStore for $store {
            async fn seed_divisions(&self, counties: &[County], townships: &[Township]) -> Result<u64, StoreError> {
                let mut tx = self.begin_write().await?;
                for county in counties {
                    sqlx::query("INSERT INTO counties (code, name) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING")
                        .bind(&county.code)
                        .bind(&county.name)
                        .execute(&mut *tx)
                        .await?;
                }
                let mut added = 0;
                for township in townships {
                    added += sqlx::query(
                        "INSERT INTO townships (code, name, county_code) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING",
                    )
                    .bind(&township.code)
                    .bind(&township.name)
                    .bind(&township.county_code)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                }
                self.commit(tx).await?;
                Ok(added)
            }

            async fn counties(&self) -> Result<Vec<County>, StoreError> {
                let rows: Vec<(String, String)> = sqlx::query_as("SELECT code, name FROM counties ORDER BY code")
                    .fetch_all(&mut *self.reads().await?)
                    .await?;
                Ok(rows.into_iter().map(|(code, name)| County { code, name }).collect())
            }

            async fn townships_in(&self, county_code: &str) -> Result<Vec<Township>, StoreError> {
                let rows: Vec<(String, String, String)> = sqlx::query_as(
                    "SELECT code, name, county_code FROM townships WHERE county_code = $1 ORDER BY code",
                )
                .bind(county_code)
                .fetch_all(&mut *self.reads().await?)
                .await?;
                Ok(rows.into_iter().map(|(code, name, county_code)| Township { code, name, county_code }).collect())
            }

            async fn township_count(&self) -> Result<u64, StoreError> {
                let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM townships")
                    .fetch_one(&mut *self.reads().await?)
                    .await?;
                Ok(count as u64)
            }

            async fn hotlines(&self) -> Result<Vec<Hotline>, StoreError> {
                let rows: Vec<(i64, Option<String>, String, String)> = sqlx::query_as(
                    "SELECT id, county_code, label, number FROM hotlines
                     ORDER BY county_code IS NOT NULL, county_code, sort_order, id",
                )
                .fetch_all(&mut *self.reads().await?)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, county_code, label, number)| Hotline { id, county_code, label, number })
                    .collect())
            }

            async fn add_hotline(
                &self,
                county_code: Option<&str>,
                label: &str,
                number: &str,
                audit: AuditOf<'_, i64>,
            ) -> Result<i64, StoreError> {
                admin_add_hotline(self, county_code, label, number, audit).await
            }

            async fn remove_hotline(&self, id: i64, audit: &AuditEvent) -> Result<bool, StoreError> {
                admin_remove_hotline(self, id, audit).await
            }

            async fn seed_standards(&self, defaults: &[LocalStandards]) -> Result<u64, StoreError> {
                let mut tx = self.begin_write().await?;
                let mut added = 0;
                for s in defaults {
                    added += sqlx::query(
                        "INSERT INTO local_standards (county_code, dibao_urban_monthly, dibao_rural_monthly,
                             disposable_income_urban_yearly, disposable_income_rural_yearly,
                             rigid_spending_share_percent, confirmed)
                         VALUES ($1, $2, $3, $4, $5, $6, FALSE) ON CONFLICT (county_code) DO NOTHING",
                    )
                    .bind(&s.county_code)
                    .bind(s.dibao_urban_monthly as i32)
                    .bind(s.dibao_rural_monthly as i32)
                    .bind(s.disposable_income_urban_yearly as i32)
                    .bind(s.disposable_income_rural_yearly as i32)
                    .bind(s.rigid_spending_share_percent as i32)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                }
                self.commit(tx).await?;
                Ok(added)
            }

            async fn local_standards(&self, county_code: &str) -> Result<Option<LocalStandards>, StoreError> {
                let row: Option<StandardsRow> =
                    sqlx::query_as(&format!("{STANDARDS_SELECT} WHERE s.county_code = $1"))
                .bind(county_code)
                .fetch_optional(&mut *self.reads().await?)
                .await?;
                Ok(row.map(standards_from_row))
            }

            async fn all_standards(&self) -> Result<Vec<LocalStandards>, StoreError> {
                let rows: Vec<StandardsRow> =
                    sqlx::query_as(&format!("{STANDARDS_SELECT} ORDER BY s.county_code"))
                .fetch_all(&mut *self.reads().await?)
                .await?;
                Ok(rows.into_iter().map(standards_from_row).collect())
            }

            async fn confirm_standards(&self, s: &LocalStandards, audit: &AuditEvent) -> Result<bool, StoreError> {
                admin_confirm_standards(self, s, audit).await
            }

            async fn seed_calendar(&self, days: &[(Date, DayKind, String)]) -> Result<u64, StoreError> {
                let mut tx = self.begin_write().await?;
                let mut added = 0;
                for (day, kind, note) in days {
                    added += sqlx::query(
                        "INSERT INTO calendar_days (day, kind, note) VALUES ($1, $2, $3) ON CONFLICT (day) DO NOTHING",
                    )
                    .bind(day.to_string())
                    .bind(kind.key())
                    .bind(note)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                }
                self.commit(tx).await?;
                Ok(added)
            }

            async fn calendar(&self) -> Result<Vec<(Date, DayKind, String)>, StoreError> {
                let rows: Vec<(String, String, String)> =
                    sqlx::query_as("SELECT day, kind, note FROM calendar_days ORDER BY day")
                        .fetch_all(&mut *self.reads().await?)
                        .await?;
                rows.into_iter().map(shared::calendar_from_row).collect()
            }

            async fn set_calendar_day(
                &self,
                day: Date,
                kind: DayKind,
                note: &str,
                audit: &app::audit::AuditEvent,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO calendar_days (day, kind, note) VALUES ($1, $2, $3)
                     ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, note = excluded.note",
                )
                .bind(day.to_string())
                .bind(kind.key())
                .bind(note)
                .execute(&mut *tx)
                .await?;
                commit_if_changed(self, tx, true, audit).await.map(|_| ())
            }

            async fn remove_calendar_day(&self, day: Date, audit: &app::audit::AuditEvent) -> Result<bool, StoreError> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query("DELETE FROM calendar_days WHERE day = $1")
                    .bind(day.to_string())
                    .execute(&mut *tx)
                    .await?;
                commit_if_changed(self, tx, done.rows_affected() == 1, audit).await
            }
        }

        #[async_trait::async_trait]
        impl app::store::ContentStore for $store {
            async fn seed_guide(&self, pages: &[GuidePage]) -> Result<u64, StoreError> {
                let mut tx = self.begin_write().await?;
                let mut added = 0;
                for page in pages {
                    added += sqlx::query(
                        "INSERT INTO guide_pages (slug, title, summary, body_markdown, sort_order)
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (slug) DO NOTHING",
                    )
                    .bind(&page.slug)
                    .bind(&page.title)
                    .bind(&page.summary)
                    .bind(&page.body_markdown)
                    .bind(page.sort_order)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                }
                self.commit(tx).await?;
                Ok(added)
            }

            async fn guide_pages(&self) -> Result<Vec<GuidePage>, StoreError> {
                let rows: Vec<GuideRow> = sqlx::query_as(
                    "SELECT slug, title, summary, body_markdown, sort_order FROM guide_pages ORDER BY sort_order, slug",
                )
                .fetch_all(&mut *self.reads().await?)
                .await?;
                Ok(rows.into_iter().map(guide_from_row).collect())
            }

            async fn guide_page(&self, slug: &str) -> Result<Option<GuidePage>, StoreError> {
                let row: Option<GuideRow> = sqlx::query_as(
                    "SELECT slug, title, summary, body_markdown, sort_order FROM guide_pages WHERE slug = $1",
                )
                .bind(slug)
                .fetch_optional(&mut *self.reads().await?)
                .await?;
                Ok(row.map(guide_from_row))
            }

            async fn update_guide_page(&self, page: &GuidePage, audit: &AuditEvent) -> Result<bool, StoreError> {
                admin_update_guide_page(self, page, audit).await
            }

            async fn announcements(
                &self,
                county_code: Option<&str>,
            ) -> Result<Vec<app::domain::announcement::Announcement>, StoreError> {
                let rows: Vec<shared::AnnouncementRow> = sqlx::query_as(&format!(
                    "{} WHERE $1 = '' OR county_code IS NULL OR county_code = $1 ORDER BY published_at DESC, id DESC",
                    shared::ANNOUNCEMENT_COLUMNS
                ))
                .bind(county_code.unwrap_or(""))
                .fetch_all(&mut *self.reads().await?)
                .await?;
                Ok(rows.into_iter().map(shared::announcement_from_row).collect())
            }

            async fn announcement(
                &self,
                id: i64,
            ) -> Result<Option<app::domain::announcement::Announcement>, StoreError> {
                let row: Option<shared::AnnouncementRow> =
                    sqlx::query_as(&format!("{} WHERE id = $1", shared::ANNOUNCEMENT_COLUMNS))
                        .bind(id)
                        .fetch_optional(&mut *self.reads().await?)
                        .await?;
                Ok(row.map(shared::announcement_from_row))
            }

            async fn add_announcement(
                &self,
                a: &app::domain::announcement::Announcement,
                audit: app::store::AuditOf<'_, i64>,
            ) -> Result<i64, StoreError> {
                let mut tx = self.begin_write().await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO announcements (title, body, county_code, published_at) VALUES ($1, $2, $3, $4)
                     RETURNING id",
                )
                .bind(&a.title)
                .bind(&a.body)
                .bind(&a.county_code)
                .bind(a.published_at)
                .fetch_one(&mut *tx)
                .await?;
                shared_append_audit(&mut tx, &audit(id)).await?;
                self.commit(tx).await?;
                Ok(id)
            }

            async fn remove_announcement(&self, id: i64, audit: &app::audit::AuditEvent) -> Result<bool, StoreError> {
                delete_audited(self, "DELETE FROM announcements WHERE id = $1", id, audit).await
            }
        }

        #[async_trait::async_trait]
        impl app::store::AuditStore for $store {
            async fn append_audit(&self, event: &AuditEvent) -> Result<i64, StoreError> {
                let mut tx = self.begin_write().await?;
                let id = shared_append_audit(&mut tx, event).await?;
                self.commit(tx).await?;
                Ok(id)
            }

            async fn audit_records(&self) -> Result<Vec<AuditRecord>, StoreError> {
                let rows: Vec<AuditRow> = sqlx::query_as(
                    "SELECT id, at, actor, action, subject, detail, prev_hash, hash FROM audit_log ORDER BY id",
                )
                .fetch_all(&mut *self.reads().await?)
                .await?;
                Ok(rows.into_iter().map(audit_from_row).collect())
            }

            async fn anchor_audit_head(&self, anchor_key: &str, now: i64) -> Result<Option<i64>, StoreError> {
                audit_anchor_head(self, anchor_key, now).await
            }

            async fn audit_anchors(&self) -> Result<Vec<app::audit::AuditAnchor>, StoreError> {
                audit_all_anchors(self).await
            }
        }
    };
}
