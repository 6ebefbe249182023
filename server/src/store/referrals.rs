//! `ReferralStore` for both back ends, written once (`$1`-style parameters work in both); see `shared.rs`.

use app::domain::referral::ReferralOutcome;
use app::domain::workflow::Status;
use app::store::{Referral, StoreError};

pub(super) const REFERRAL_COLUMNS: &str = "SELECT r.id, r.application_id, r.department, r.referred_at,
    r.outcome, r.answered_at, a.reference, a.township_code, a.village, a.types, a.status
    FROM referrals r JOIN applications a ON a.id = r.application_id";

#[derive(sqlx::FromRow)]
pub(super) struct ReferralRow {
    id: i64,
    application_id: i64,
    department: String,
    referred_at: i64,
    outcome: Option<String>,
    answered_at: Option<i64>,
    reference: String,
    township_code: String,
    village: String,
    types: String,
    status: String,
}

pub(super) fn referral_from_row(row: ReferralRow) -> Result<Referral, StoreError> {
    let invalid = |what: &str, v: &str| StoreError::InvalidData(format!("unknown {what} {v}"));
    let outcome = match row.outcome.as_deref() {
        Some(key) => Some(ReferralOutcome::from_key(key).ok_or_else(|| invalid("referral outcome", key))?),
        None => None,
    };
    Ok(Referral {
        id: row.id,
        application_id: row.application_id,
        department: row.department,
        referred_at: row.referred_at,
        outcome,
        answered_at: row.answered_at,
        reference: row.reference,
        township_code: row.township_code,
        village: row.village,
        types: super::shared::parse_types(&row.types)?,
        case_status: Status::from_key(&row.status).ok_or_else(|| invalid("status", &row.status))?,
    })
}

/// `impl ReferralStore` for a store type with a `pool` field and a `begin_write` method; expanded after
/// `shared_queries!`, whose event insert it uses.
macro_rules! referral_queries {
    ($store:ty) => {
        /// Refers a case to departments inside the caller's transaction; one referral per department.
        async fn insert_referrals(
            tx: &mut <$store as shared::HasDatabase>::WriteTx,
            application_id: i64,
            departments: &[String],
            at: i64,
        ) -> Result<(), StoreError> {
            for department in departments {
                sqlx::query(
                    "INSERT INTO referrals (application_id, department, referred_at) VALUES ($1, $2, $3)
                     ON CONFLICT (application_id, department) DO NOTHING",
                )
                .bind(application_id)
                .bind(department)
                .bind(at)
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        }

        #[async_trait::async_trait]
        impl app::store::ReferralStore for $store {
            async fn referrals_to(&self, department: &str) -> Result<Vec<app::store::Referral>, StoreError> {
                let rows: Vec<referrals::ReferralRow> = sqlx::query_as(&format!(
                    "{} WHERE r.department = $1 ORDER BY r.answered_at IS NOT NULL, r.referred_at, r.id",
                    referrals::REFERRAL_COLUMNS
                ))
                .bind(department)
                .fetch_all(&mut *self.reads().await?)
                .await?;
                rows.into_iter().map(referrals::referral_from_row).collect()
            }

            async fn referrals_of(
                &self,
                application_id: i64,
            ) -> Result<Vec<app::store::Referral>, StoreError> {
                let rows: Vec<referrals::ReferralRow> = sqlx::query_as(&format!(
                    "{} WHERE r.application_id = $1 ORDER BY r.id",
                    referrals::REFERRAL_COLUMNS
                ))
                .bind(application_id)
                .fetch_all(&mut *self.reads().await?)
                .await?;
                rows.into_iter().map(referrals::referral_from_row).collect()
            }

            async fn answer_referral(
                &self,
                referral_id: i64,
                outcome: app::domain::referral::ReferralOutcome,
                event: &CaseEvent,
                application_id: i64,
                audit: &app::audit::AuditEvent,
            ) -> Result<bool, StoreError> {
                let mut tx = self.begin_write().await?;
                let updated = sqlx::query(
                    "UPDATE referrals SET outcome = $1, answered_at = $2
                     WHERE id = $3 AND application_id = $4 AND outcome IS NULL",
                )
                .bind(outcome.key())
                .bind(event.at)
                .bind(referral_id)
                .bind(application_id)
                .execute(&mut *tx)
                .await?;
                if updated.rows_affected() != 1 {
                    return Ok(false);
                }
                shared_insert_event(&mut tx, application_id, event).await?;
                shared_append_audit(&mut tx, audit).await?;
                self.commit(tx).await?;
                Ok(true)
            }
        }
    };
}
