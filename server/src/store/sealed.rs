//! `SealedStore` for both back ends, written once; see `shared.rs`. The table and column names come from
//! `SealedColumn`, a fixed list, never from input.

use app::store::SealedColumn;

/// The page of sealed values after a key, in key order.
pub(super) fn select_after(column: SealedColumn) -> String {
    let (table, key, sealed) = column.names();
    format!(
        "SELECT {key}, {sealed} FROM {table} WHERE {key} > $1 AND {sealed} IS NOT NULL ORDER BY {key} LIMIT $2"
    )
}

/// Compare and set: a value written since it was read is left as it is.
pub(super) fn replace_one(column: SealedColumn) -> String {
    let (table, key, sealed) = column.names();
    format!("UPDATE {table} SET {sealed} = $1 WHERE {key} = $2 AND {sealed} = $3")
}

/// `impl SealedStore` for a store type with a `pool` field and a `begin_write` method; expanded after
/// `shared_queries!`, whose audit helper it uses.
macro_rules! sealed_queries {
    ($store:ty) => {
        #[async_trait]
        impl app::store::SealedStore for $store {
            async fn sealed_values(
                &self,
                column: app::store::SealedColumn,
                after: &app::store::SealedKey,
                limit: u32,
            ) -> Result<Vec<(app::store::SealedKey, String)>, StoreError> {
                let sql = sealed::select_after(column);
                let limit = i64::from(limit);
                Ok(match after {
                    app::store::SealedKey::Id(after) => {
                        let rows: Vec<(i64, String)> = sqlx::query_as(&sql)
                            .bind(after)
                            .bind(limit)
                            .fetch_all(&mut *self.reads().await?)
                            .await?;
                        rows.into_iter().map(|(key, value)| (app::store::SealedKey::Id(key), value)).collect()
                    }
                    app::store::SealedKey::Text(after) => {
                        let rows: Vec<(String, String)> = sqlx::query_as(&sql)
                            .bind(after)
                            .bind(limit)
                            .fetch_all(&mut *self.reads().await?)
                            .await?;
                        rows.into_iter()
                            .map(|(key, value)| (app::store::SealedKey::Text(key), value))
                            .collect()
                    }
                })
            }

            async fn replace_sealed(
                &self,
                column: app::store::SealedColumn,
                values: &[app::store::Resealed],
                audit: &app::audit::AuditEvent,
            ) -> Result<u64, StoreError> {
                let sql = sealed::replace_one(column);
                let mut tx = self.begin_write().await?;
                let mut replaced = 0;
                for value in values {
                    let query = sqlx::query(&sql).bind(&value.new);
                    let query = match &value.key {
                        app::store::SealedKey::Id(id) => query.bind(*id),
                        app::store::SealedKey::Text(key) => query.bind(key.clone()),
                    };
                    let done = query.bind(&value.old).execute(&mut *tx).await?;
                    replaced += done.rows_affected();
                }
                if replaced > 0 {
                    shared_append_audit(&mut tx, audit).await?;
                }
                self.commit(tx).await?;
                Ok(replaced)
            }
        }
    };
}
