//! The administrator's changes (staff accounts, hotlines, standards, guide pages) for both back ends,
//! written once (`$1`-style parameters work in both); see `shared.rs`. Each change and its audit entry
//! commit in one transaction; a change that finds nothing to change rolls back and writes no entry.

macro_rules! admin_queries {
    ($store:ty) => {
        /// Commits `tx` with `audit` appended when the change touched a row; otherwise drops it (a
        /// rollback), so that a no-op leaves no success entry.
        async fn commit_if_changed(
            store: &$store,
            mut tx: <$store as shared::HasDatabase>::WriteTx,
            changed: bool,
            audit: &app::audit::AuditEvent,
        ) -> Result<bool, StoreError> {
            if changed {
                shared_append_audit(&mut tx, audit).await?;
                store.commit(tx).await?;
            }
            Ok(changed)
        }

        async fn admin_create_staff(
            store: &$store,
            new: &app::store::NewStaff,
            now: i64,
            audit: app::store::AuditOf<'_, i64>,
        ) -> Result<i64, StoreError> {
            let mut tx = store.begin_write().await?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO staff_accounts (username, display_name, password_hash, role, scope, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(&new.username)
            .bind(&new.display_name)
            .bind(&new.password_hash)
            .bind(new.role.key())
            .bind(&new.scope)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| unique_violation(e, &new.username))?;
            shared_append_audit(&mut tx, &audit(id)).await?;
            store.commit(tx).await?;
            Ok(id)
        }

        async fn admin_add_hotline(
            store: &$store,
            county_code: Option<&str>,
            label: &str,
            number: &str,
            audit: app::store::AuditOf<'_, i64>,
        ) -> Result<i64, StoreError> {
            let mut tx = store.begin_write().await?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO hotlines (county_code, label, number, sort_order)
                 VALUES ($1, $2, $3, (SELECT COALESCE(MAX(sort_order), 0) + 1 FROM hotlines)) RETURNING id",
            )
            .bind(county_code)
            .bind(label)
            .bind(number)
            .fetch_one(&mut *tx)
            .await?;
            shared_append_audit(&mut tx, &audit(id)).await?;
            store.commit(tx).await?;
            Ok(id)
        }

        /// Runs `delete` (one `$1` parameter, the row's id) with its audit entry; false when no row went.
        async fn delete_audited(
            store: &$store,
            delete: &'static str,
            id: i64,
            audit: &app::audit::AuditEvent,
        ) -> Result<bool, StoreError> {
            let mut tx = store.begin_write().await?;
            let done = sqlx::query(delete).bind(id).execute(&mut *tx).await?;
            commit_if_changed(store, tx, done.rows_affected() == 1, audit).await
        }

        async fn admin_remove_hotline(
            store: &$store,
            id: i64,
            audit: &app::audit::AuditEvent,
        ) -> Result<bool, StoreError> {
            delete_audited(store, "DELETE FROM hotlines WHERE id = $1", id, audit).await
        }

        async fn admin_confirm_standards(
            store: &$store,
            s: &app::domain::eligibility::LocalStandards,
            audit: &app::audit::AuditEvent,
        ) -> Result<bool, StoreError> {
            let mut tx = store.begin_write().await?;
            let done = sqlx::query(
                "UPDATE local_standards SET dibao_urban_monthly = $1, dibao_rural_monthly = $2,
                     disposable_income_urban_yearly = $3, disposable_income_rural_yearly = $4,
                     rigid_spending_share_percent = $5, confirmed = TRUE
                 WHERE county_code = $6",
            )
            .bind(s.dibao_urban_monthly as i32)
            .bind(s.dibao_rural_monthly as i32)
            .bind(s.disposable_income_urban_yearly as i32)
            .bind(s.disposable_income_rural_yearly as i32)
            .bind(s.rigid_spending_share_percent as i32)
            .bind(&s.county_code)
            .execute(&mut *tx)
            .await?;
            commit_if_changed(store, tx, done.rows_affected() == 1, audit).await
        }

        async fn admin_update_guide_page(
            store: &$store,
            page: &app::domain::guide::GuidePage,
            audit: &app::audit::AuditEvent,
        ) -> Result<bool, StoreError> {
            let mut tx = store.begin_write().await?;
            let done = sqlx::query(
                "UPDATE guide_pages SET title = $1, summary = $2, body_markdown = $3 WHERE slug = $4",
            )
            .bind(&page.title)
            .bind(&page.summary)
            .bind(&page.body_markdown)
            .bind(&page.slug)
            .execute(&mut *tx)
            .await?;
            commit_if_changed(store, tx, done.rows_affected() == 1, audit).await
        }
    };
}
