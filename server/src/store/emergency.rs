//! `EmergencyStore` for both back ends, written once (`$1`-style parameters work in both); see `shared.rs`.

use app::domain::calendar::Date;
use app::domain::emergency::CountyAnswer;
use app::domain::workflow::Status;
use app::store::{EmergencyGrant, OpenEmergency, StoreError};

#[derive(sqlx::FromRow)]
pub(super) struct EmergencyRow {
    application_id: i64,
    county_code: String,
    township_code: String,
    amount: i32,
    granted_on: String,
    file_due: String,
    county_answer: Option<String>,
    answered_on: Option<String>,
    reference: String,
    village: String,
    status: String,
}

fn invalid(what: &str, value: &str) -> StoreError {
    StoreError::InvalidData(format!("unknown {what} {value}"))
}

fn date(text: &str) -> Result<Date, StoreError> {
    Date::parse(text).ok_or_else(|| invalid("date", text))
}

pub(super) fn open_from_row(row: EmergencyRow) -> Result<OpenEmergency, StoreError> {
    let answer = match row.county_answer.as_deref() {
        Some(key) => Some(CountyAnswer::from_key(key).ok_or_else(|| invalid("county answer", key))?),
        None => None,
    };
    Ok(OpenEmergency {
        grant: EmergencyGrant {
            application_id: row.application_id,
            county_code: row.county_code,
            township_code: row.township_code,
            amount: u32::try_from(row.amount).map_err(|_| invalid("amount", &row.amount.to_string()))?,
            granted_on: date(&row.granted_on)?,
            file_due: date(&row.file_due)?,
            answer,
            answered_on: row.answered_on.as_deref().map(date).transpose()?,
        },
        reference: row.reference,
        village: row.village,
        status: Status::from_key(&row.status).ok_or_else(|| invalid("status", &row.status))?,
    })
}

/// `impl EmergencyStore` for a store type with a `pool` field and a `begin_write` method; expanded after
/// `shared_queries!`, whose helpers it uses.
macro_rules! emergency_queries {
    ($store:ty) => {
        impl $store {
            /// The grant's event, status message and audit entry, inside the change's transaction.
            async fn emergency_step(
                tx: &mut <$store as shared::HasDatabase>::WriteTx,
                change: &app::store::EmergencyChange,
            ) -> Result<(), StoreError> {
                let e = &change.event;
                shared_insert_event(tx, change.grant.application_id, e).await?;
                if let Some(payload) = &change.notify {
                    shared_queue_sms(tx, payload, e.at).await?;
                }
                shared_append_audit(tx, &change.audit).await?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl app::store::EmergencyStore for $store {
            async fn emergency_grant(
                &self,
                application_id: i64,
            ) -> Result<Option<app::store::EmergencyGrant>, StoreError> {
                let row: Option<emergency::EmergencyRow> =
                    sqlx::query_as(crate::store::page_queries::EMERGENCY_BY_CASE)
                        .bind(application_id)
                        .fetch_optional(&mut *self.reads().await?)
                        .await?;
                Ok(row.map(emergency::open_from_row).transpose()?.map(|open| open.grant))
            }

            async fn grant_emergency(&self, change: &app::store::EmergencyChange) -> Result<bool, StoreError> {
                let grant = &change.grant;
                let mut tx = self.begin_write().await?;
                // The case's state is read again inside the write: an opinion given meanwhile closes the door.
                // (The three states are those of `domain::emergency::file_complete`.)
                let inserted = sqlx::query(
                    "INSERT INTO emergency_grants (application_id, county_code, township_code, amount, granted_on,
                        file_due)
                     SELECT id, $2, $3, $4, $5, $6 FROM applications
                     WHERE id = $1 AND status IN ('submitted', 'material_requested', 'investigating')
                     ON CONFLICT (application_id) DO NOTHING",
                )
                .bind(grant.application_id)
                .bind(&grant.county_code)
                .bind(&grant.township_code)
                .bind(i32::try_from(grant.amount).unwrap_or(i32::MAX))
                .bind(grant.granted_on.to_string())
                .bind(grant.file_due.to_string())
                .execute(&mut *tx)
                .await?;
                if inserted.rows_affected() != 1 {
                    return Ok(false);
                }
                Self::emergency_step(&mut tx, change).await?;
                self.commit(tx).await?;
                Ok(true)
            }

            async fn answer_emergency(&self, change: &app::store::EmergencyChange) -> Result<bool, StoreError> {
                let grant = &change.grant;
                let mut tx = self.begin_write().await?;
                let updated = sqlx::query(
                    "UPDATE emergency_grants SET county_answer = $1, answered_on = $2
                     WHERE application_id = $3 AND county_answer IS NULL AND NOT EXISTS (SELECT 1 FROM applications
                        WHERE id = $3 AND status IN ('submitted', 'material_requested', 'investigating'))",
                )
                .bind(grant.answer.map(|a| a.key()))
                .bind(grant.answered_on.map(|d| d.to_string()))
                .bind(grant.application_id)
                .execute(&mut *tx)
                .await?;
                if updated.rows_affected() != 1 {
                    return Ok(false);
                }
                Self::emergency_step(&mut tx, change).await?;
                self.commit(tx).await?;
                Ok(true)
            }

            async fn open_emergency_grants(
                &self,
                scope: &app::store::QueueScope,
                limit: u32,
            ) -> Result<(Vec<app::store::OpenEmergency>, u64), StoreError> {
                use crate::store::page_queries as q;
                let (code, page, count) = match scope {
                    app::store::QueueScope::Township(code) => {
                        (code, q::TOWNSHIP_OPEN_EMERGENCIES, q::TOWNSHIP_OPEN_EMERGENCY_COUNT)
                    }
                    app::store::QueueScope::County(code) => {
                        (code, q::COUNTY_OPEN_EMERGENCIES, q::COUNTY_OPEN_EMERGENCY_COUNT)
                    }
                };
                let (total,): (i64,) =
                    sqlx::query_as(count).bind(code).fetch_one(&mut *self.reads().await?).await?;
                let rows: Vec<emergency::EmergencyRow> = sqlx::query_as(page)
                    .bind(code)
                    .bind(i64::from(limit))
                    .fetch_all(&mut *self.reads().await?)
                    .await?;
                let open = rows.into_iter().map(emergency::open_from_row).collect::<Result<_, _>>()?;
                Ok((open, u64::try_from(total).unwrap_or(0)))
            }
        }
    };
}
