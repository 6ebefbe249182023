//! `StaffStore` (accounts, relatives, sign-in, sessions) for both back ends, written once (`$1`-style
//! parameters work in both; see `shared.rs`).

/// Counts a try unless the client must still wait; the delay grows as `domain::staff::delay_after` says,
/// computed here from its constants (`$4` free tries, `$5` first delay, `$6` longest) so that the count
/// and the next allowed time change in the same statement: simultaneous tries are counted one by one.
/// No row comes back while the client must wait.
pub(super) const CLAIM_TRY: &str = "INSERT INTO sign_in_tries (username, client, tries, next_try_at)
     VALUES ($1, $2, 1, $3)
     ON CONFLICT (username, client) DO UPDATE SET
        tries = sign_in_tries.tries + 1,
        next_try_at = $3 + CASE
            WHEN sign_in_tries.tries + 1 < $4 THEN 0
            WHEN sign_in_tries.tries + 1 >= $4 + 5 THEN $6
            ELSE $5 << CAST(sign_in_tries.tries + 1 - $4 AS INTEGER) END
     WHERE sign_in_tries.next_try_at <= $3
     RETURNING tries";

pub(super) const STAFF_BY_SESSION: &str = "SELECT a.id, a.username, a.display_name, a.role, a.scope,
        a.password_hash, a.session_version
     FROM staff_sessions s JOIN staff_accounts a ON a.id = s.account_id
     WHERE s.id = $1 AND s.ended_at IS NULL AND s.expires_at > $2";

/// `impl StaffStore` for a store type with `reads`, `begin_write` and `commit`; expanded after
/// `shared_queries!`, whose audit helper it uses.
macro_rules! staff_queries {
    ($store:ty) => {
        impl $store {
            /// Forgets the client's tries and starts the session, inside the caller's transaction.
            async fn open_session(
                tx: &mut <$store as shared::HasDatabase>::WriteTx,
                start: &app::store::StaffSessionStart,
            ) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM sign_in_tries WHERE username = $1 AND client = $2")
                    .bind(&start.username)
                    .bind(&start.client)
                    .execute(&mut **tx)
                    .await?;
                // Sessions and tries nobody will use again go here, a few at each sign-in, by index.
                sqlx::query("DELETE FROM staff_sessions WHERE expires_at <= $1")
                    .bind(start.now)
                    .execute(&mut **tx)
                    .await?;
                sqlx::query("DELETE FROM sign_in_tries WHERE next_try_at < $1")
                    .bind(start.now - 86_400)
                    .execute(&mut **tx)
                    .await?;
                sqlx::query("INSERT INTO staff_sessions (id, account_id, expires_at) VALUES ($1, $2, $3)")
                    .bind(&start.session)
                    .bind(start.account_id)
                    .bind(start.expires_at)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl app::store::StaffStore for $store {
            async fn create_staff(
                &self,
                new: &NewStaff,
                now: i64,
                audit: AuditOf<'_, i64>,
            ) -> Result<i64, StoreError> {
                admin_create_staff(self, new, now, audit).await
            }

            async fn staff_by_username(&self, username: &str) -> Result<Option<StaffAccount>, StoreError> {
                let row: Option<StaffRow> = sqlx::query_as(&format!("{STAFF_COLUMNS} WHERE username = $1"))
                    .bind(username)
                    .fetch_optional(&mut *self.reads().await?)
                    .await?;
                row.map(staff_from_row).transpose()
            }

            async fn staff_by_id(&self, id: i64) -> Result<Option<StaffAccount>, StoreError> {
                let row: Option<StaffRow> = sqlx::query_as(&format!("{STAFF_COLUMNS} WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&mut *self.reads().await?)
                    .await?;
                row.map(staff_from_row).transpose()
            }

            async fn add_staff_relatives(
                &self,
                id_hashes: &[String],
                now: i64,
                audit: app::store::AuditOf<'_, u64>,
            ) -> Result<u64, StoreError> {
                let mut tx = self.begin_write().await?;
                let mut added = 0;
                for hash in id_hashes {
                    added += sqlx::query(
                        "INSERT INTO staff_relatives (id_hash, added_at) VALUES ($1, $2) ON CONFLICT (id_hash) DO NOTHING",
                    )
                    .bind(hash)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                }
                shared_append_audit(&mut tx, &audit(added)).await?;
                self.commit(tx).await?;
                Ok(added)
            }

            async fn any_staff_relative(&self, id_hashes: &[String]) -> Result<bool, StoreError> {
                for hash in id_hashes {
                    let found: Option<(String,)> = sqlx::query_as("SELECT id_hash FROM staff_relatives WHERE id_hash = $1")
                        .bind(hash)
                        .fetch_optional(&mut *self.reads().await?)
                        .await?;
                    if found.is_some() {
                        return Ok(true);
                    }
                }
                Ok(false)
            }

            async fn staff_relative_count(&self) -> Result<u64, StoreError> {
                let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM staff_relatives")
                    .fetch_one(&mut *self.reads().await?)
                    .await?;
                Ok(u64::try_from(count).unwrap_or(0))
            }

            async fn claim_sign_in_try(
                &self,
                username: &str,
                client: &str,
                now: i64,
            ) -> Result<app::store::TryClaim, StoreError> {
                use app::domain::staff::{FIRST_DELAY_SECONDS, FREE_TRIES, LONGEST_DELAY_SECONDS};
                let mut tx = self.begin_write().await?;
                let counted: Option<(i32,)> = sqlx::query_as(staff::CLAIM_TRY)
                    .bind(username)
                    .bind(client)
                    .bind(now)
                    .bind(FREE_TRIES)
                    .bind(FIRST_DELAY_SECONDS)
                    .bind(LONGEST_DELAY_SECONDS)
                    .fetch_optional(&mut *tx)
                    .await?;
                let claim = match counted {
                    Some((tries,)) => app::store::TryClaim::Counted(tries),
                    None => {
                        // Only picks the message: the statement above is what refused the try.
                        let (until,): (i64,) = sqlx::query_as(
                            "SELECT next_try_at FROM sign_in_tries WHERE username = $1 AND client = $2",
                        )
                        .bind(username)
                        .bind(client)
                        .fetch_one(&mut *tx)
                        .await?;
                        app::store::TryClaim::Wait { until }
                    }
                };
                self.commit(tx).await?;
                Ok(claim)
            }

            async fn start_staff_session(
                &self,
                start: &app::store::StaffSessionStart,
                audit: &app::audit::AuditEvent,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                Self::open_session(&mut tx, start).await?;
                shared_append_audit(&mut tx, audit).await?;
                self.commit(tx).await
            }

            async fn end_staff_session(
                &self,
                session: &str,
                now: i64,
                audit: &app::audit::AuditEvent,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                let ended =
                    sqlx::query("UPDATE staff_sessions SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL")
                        .bind(now)
                        .bind(session)
                        .execute(&mut *tx)
                        .await?;
                if ended.rows_affected() == 1 {
                    shared_append_audit(&mut tx, audit).await?;
                }
                self.commit(tx).await
            }

            async fn staff_by_session(
                &self,
                session: &str,
                now: i64,
            ) -> Result<Option<app::store::StaffAccount>, StoreError> {
                let row: Option<StaffRow> = sqlx::query_as(staff::STAFF_BY_SESSION)
                    .bind(session)
                    .bind(now)
                    .fetch_optional(&mut *self.reads().await?)
                    .await?;
                row.map(staff_from_row).transpose()
            }

            async fn change_password(
                &self,
                password_hash: &str,
                start: &app::store::StaffSessionStart,
                audit: &app::audit::AuditEvent,
            ) -> Result<i64, StoreError> {
                let mut tx = self.begin_write().await?;
                let (version,): (i64,) = sqlx::query_as(
                    "UPDATE staff_accounts SET password_hash = $1, session_version = session_version + 1
                     WHERE id = $2 RETURNING session_version",
                )
                .bind(password_hash)
                .bind(start.account_id)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE staff_sessions SET ended_at = $1 WHERE account_id = $2 AND ended_at IS NULL",
                )
                .bind(start.now)
                .bind(start.account_id)
                .execute(&mut *tx)
                .await?;
                Self::open_session(&mut tx, start).await?;
                shared_append_audit(&mut tx, audit).await?;
                self.commit(tx).await?;
                Ok(version)
            }
        }
    };
}
