//! `MonitoringStore` for both back ends, written once (`$1`-style parameters work in both); see `shared.rs`.

use app::domain::calendar::Date;
use app::domain::monitoring::{Level, OpenWarning, SignalKind};
use app::domain::register::Category;
use app::store::{MonitoredHousehold, StoreError, WarningRow};

/// The columns of a `HouseholdRow` (`page_queries::MEMBER_HOUSEHOLD` names them too).
pub(super) const HOUSEHOLD_COLUMNS: &str =
    "id, county_code, township_code, village, category, source, sealed";

#[derive(sqlx::FromRow)]
pub(super) struct HouseholdRow {
    pub id: i64,
    county_code: String,
    township_code: String,
    village: String,
    category: Option<String>,
    source: String,
    sealed: String,
}

fn invalid(what: &str, value: &str) -> StoreError {
    StoreError::InvalidData(format!("unknown {what} {value}"))
}

pub(super) fn household_from_row(row: HouseholdRow) -> Result<MonitoredHousehold, StoreError> {
    let HouseholdRow { id, county_code, township_code, village, category, source, sealed } = row;
    let category = match category {
        Some(key) => Some(Category::from_key(&key).ok_or_else(|| invalid("category", &key))?),
        None => None,
    };
    Ok(MonitoredHousehold { id, county_code, township_code, village, category, source, sealed })
}

pub(super) fn open_warning(level: &str, visit_due: &str) -> Result<OpenWarning, StoreError> {
    Ok(OpenWarning {
        level: Level::from_key(level).ok_or_else(|| invalid("warning level", level))?,
        visit_due: Date::parse(visit_due).ok_or_else(|| invalid("date", visit_due))?,
    })
}

#[derive(sqlx::FromRow)]
pub(super) struct WarningQueueRow {
    id: i64,
    household_id: i64,
    township_code: String,
    village: String,
    kind: String,
    level: String,
    visit_due: String,
    raised_at: i64,
}

pub(super) fn warning_from_row(row: WarningQueueRow) -> Result<WarningRow, StoreError> {
    Ok(WarningRow {
        id: row.id,
        household_id: row.household_id,
        township_code: row.township_code,
        village: row.village,
        kind: signal_kind(&row.kind)?,
        warning: open_warning(&row.level, &row.visit_due)?,
        raised_at: row.raised_at,
    })
}

fn signal_kind(key: &str) -> Result<SignalKind, StoreError> {
    SignalKind::from_key(key).ok_or_else(|| invalid("signal kind", key))
}

#[derive(sqlx::FromRow)]
pub(super) struct HouseholdReferralRow {
    id: i64,
    department: String,
    township_code: String,
    village: String,
    kind: String,
    referred_at: i64,
    answered_at: Option<i64>,
}

pub(super) fn household_referral_from_row(
    row: HouseholdReferralRow,
) -> Result<app::store::HouseholdReferral, StoreError> {
    Ok(app::store::HouseholdReferral {
        id: row.id,
        department: row.department,
        township_code: row.township_code,
        village: row.village,
        kind: signal_kind(&row.kind)?,
        referred_at: row.referred_at,
        answered_at: row.answered_at,
    })
}

/// A referral with its household's sealed members and the sealed visit that referred it.
#[derive(sqlx::FromRow)]
pub(super) struct ReferralWithSealedRow {
    #[sqlx(flatten)]
    pub referral: HouseholdReferralRow,
    pub members_sealed: String,
    pub visit_sealed: String,
}

#[derive(sqlx::FromRow)]
pub(super) struct HouseholdFileRow {
    #[sqlx(flatten)]
    pub household: HouseholdRow,
    pub registered_at: i64,
}

#[derive(sqlx::FromRow)]
pub(super) struct SignalRow {
    kind: String,
    sender: String,
    received_at: i64,
}

pub(super) fn signal_from_row(row: SignalRow) -> Result<app::store::SignalLine, StoreError> {
    Ok(app::store::SignalLine {
        kind: signal_kind(&row.kind)?,
        sender: row.sender,
        received_at: row.received_at,
    })
}

#[derive(sqlx::FromRow)]
pub(super) struct WarningHistoryRow {
    id: i64,
    kind: String,
    level: String,
    visit_due: String,
    raised_at: i64,
    closed_at: Option<i64>,
    outcome_sealed: Option<String>,
}

pub(super) fn warning_history_from_row(
    row: WarningHistoryRow,
) -> Result<app::store::WarningHistory, StoreError> {
    Ok(app::store::WarningHistory {
        id: row.id,
        kind: signal_kind(&row.kind)?,
        warning: open_warning(&row.level, &row.visit_due)?,
        raised_at: row.raised_at,
        closed_at: row.closed_at,
        outcome_sealed: row.outcome_sealed,
    })
}

#[derive(sqlx::FromRow)]
pub(super) struct VisitRow {
    id: i64,
    warning_id: Option<i64>,
    visited_at: i64,
    visitor: String,
    sealed: String,
}

#[derive(sqlx::FromRow)]
pub(super) struct VisitPhotoRow {
    visit_id: i64,
    #[sqlx(flatten)]
    file: super::shared::CaseFileRow,
}

/// Visits with their photos.
pub(super) fn visits_with_photos(
    visits: Vec<VisitRow>,
    photos: Vec<VisitPhotoRow>,
) -> Vec<app::store::VisitLine> {
    let mut lines: Vec<app::store::VisitLine> = visits
        .into_iter()
        .map(|visit| app::store::VisitLine {
            id: visit.id,
            warning_id: visit.warning_id,
            at: visit.visited_at,
            visitor: visit.visitor,
            sealed: visit.sealed,
            photos: Vec::new(),
        })
        .collect();
    for photo in photos {
        if let Some(line) = lines.iter_mut().find(|line| line.id == photo.visit_id) {
            line.photos.push(super::shared::case_file_from_row(photo.file));
        }
    }
    lines
}

pub(super) const CREDENTIAL_COLUMNS: &str = "id, department, label, scopes, created_at, revoked_at";

#[derive(sqlx::FromRow)]
pub(super) struct CredentialRow {
    id: i64,
    department: String,
    label: String,
    scopes: String,
    created_at: i64,
    revoked_at: Option<i64>,
}

pub(super) fn credential_from_row(row: CredentialRow) -> app::store::ApiCredential {
    let scopes = app::domain::monitoring::ApiScope::parse_list(&row.scopes);
    let CredentialRow { id, department, label, created_at, revoked_at, .. } = row;
    app::store::ApiCredential { id, department, label, scopes, created_at, revoked_at }
}

/// `impl MonitoringStore` for a store type with a `pool` field and a `begin_write` method; expanded after
/// `shared_queries!`, whose audit helper it uses.
macro_rules! monitoring_queries {
    ($store:ty) => {
        impl $store {
            /// Registers every lead inside one write transaction, trying again (three times at most) when a
            /// simultaneous lead registered one of their members meanwhile; answers the transaction, still
            /// open for what goes with the registrations, and each household with whether it is new.
            async fn monitoring_register_all(
                &self,
                leads: &[app::store::HouseholdLead],
                audit: Option<app::store::AuditOf<'_, i64>>,
            ) -> Result<
                (<$store as shared::HasDatabase>::WriteTx, Vec<(app::store::MonitoredHousehold, bool)>),
                StoreError,
            > {
                if leads.iter().any(|lead| lead.member_hashes.is_empty()) {
                    return Err(StoreError::InvalidData("a household lead without members".into()));
                }
                'attempt: for _ in 0..3 {
                    let mut tx = self.begin_write().await?;
                    let mut registered = Vec::with_capacity(leads.len());
                    for lead in leads {
                        match Self::monitoring_register_once(&mut tx, lead, audit).await? {
                            Some(household) => registered.push(household),
                            None => {
                                tx.rollback().await?;
                                continue 'attempt;
                            }
                        }
                    }
                    return Ok((tx, registered));
                }
                Err(StoreError::Query("registering households kept meeting simultaneous leads".into()))
            }

            /// The household one of the lead's members already belongs to, or a new one from the lead
            /// (`true`), inside `tx`.
            async fn monitoring_find_or_create(
                tx: &mut <$store as shared::HasDatabase>::WriteTx,
                lead: &app::store::HouseholdLead,
            ) -> Result<(monitoring::HouseholdRow, bool), StoreError> {
                let list = files::placeholders(lead.member_hashes.len());
                let sql = format!(
                    "SELECT {} FROM monitored_households WHERE id = (SELECT household_id FROM monitored_members
                         WHERE id_hash IN ({list}) ORDER BY household_id LIMIT 1)",
                    monitoring::HOUSEHOLD_COLUMNS
                );
                let mut query = sqlx::query_as::<_, monitoring::HouseholdRow>(&sql);
                for hash in &lead.member_hashes {
                    query = query.bind(hash);
                }
                let known = query.fetch_optional(&mut **tx).await?;
                let created = known.is_none();
                let row = match known {
                    Some(row) => row,
                    None => sqlx::query_as(&format!(
                        "INSERT INTO monitored_households (county_code, township_code, village, category, source,
                             sealed, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {}",
                        monitoring::HOUSEHOLD_COLUMNS
                    ))
                    .bind(&lead.county_code)
                    .bind(&lead.township_code)
                    .bind(&lead.village)
                    .bind(lead.category.map(|c| c.key()))
                    .bind(&lead.source)
                    .bind(&lead.sealed)
                    .bind(lead.now)
                    .fetch_one(&mut **tx)
                    .await?,
                };
                Ok((row, created))
            }

            /// One try at registering a lead inside `tx`; `None` when a member was registered by another
            /// transaction meanwhile (PostgreSQL), so that the caller tries again and finds it.
            async fn monitoring_register_once(
                tx: &mut <$store as shared::HasDatabase>::WriteTx,
                lead: &app::store::HouseholdLead,
                audit: Option<app::store::AuditOf<'_, i64>>,
            ) -> Result<Option<(app::store::MonitoredHousehold, bool)>, StoreError> {
                let (row, created) = Self::monitoring_find_or_create(tx, lead).await?;
                let id = row.id;
                let stored = monitoring::household_from_row(row)?;
                let raised = app::domain::monitoring::raised_category(stored.category, lead.category)
                    .filter(|_| !created);
                if let Some(category) = raised {
                    sqlx::query("UPDATE monitored_households SET category = $1 WHERE id = $2")
                        .bind(category.key())
                        .bind(id)
                        .execute(&mut **tx)
                        .await?;
                }
                let mut added = 0;
                for hash in &lead.member_hashes {
                    let inserted = sqlx::query(
                        "INSERT INTO monitored_members (id_hash, household_id) VALUES ($1, $2)
                         ON CONFLICT (id_hash) DO NOTHING",
                    )
                    .bind(hash)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?
                    .rows_affected();
                    if created && inserted == 0 {
                        return Ok(None);
                    }
                    added += inserted;
                }
                if let Some(audit) = audit.filter(|_| added > 0 || raised.is_some()) {
                    shared_append_audit(tx, &audit(id)).await?;
                }
                let category = raised.or(stored.category);
                Ok(Some((app::store::MonitoredHousehold { category, ..stored }, created)))
            }
        }

        #[async_trait]
        impl app::store::MonitoringStore for $store {
            async fn member_household(
                &self,
                id_hash: &str,
            ) -> Result<Option<app::store::MonitoredHousehold>, StoreError> {
                let row: Option<monitoring::HouseholdRow> =
                    sqlx::query_as(crate::store::page_queries::MEMBER_HOUSEHOLD)
                        .bind(id_hash)
                        .fetch_optional(&mut *self.reads().await?)
                        .await?;
                row.map(monitoring::household_from_row).transpose()
            }

            async fn create_api_credential(
                &self,
                credential: &app::store::ApiCredential,
                created_by: &str,
                audit: app::store::AuditOf<'_, i64>,
            ) -> Result<i64, StoreError> {
                let mut tx = self.begin_write().await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO api_credentials (department, label, scopes, created_by, created_at)
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(&credential.department)
                .bind(&credential.label)
                .bind(app::domain::monitoring::ApiScope::join(&credential.scopes))
                .bind(created_by)
                .bind(credential.created_at)
                .fetch_one(&mut *tx)
                .await?;
                shared_append_audit(&mut tx, &audit(id)).await?;
                self.commit(tx).await?;
                Ok(id)
            }

            async fn api_credential(&self, id: i64) -> Result<Option<app::store::ApiCredential>, StoreError> {
                let sql = format!("SELECT {} FROM api_credentials WHERE id = $1", monitoring::CREDENTIAL_COLUMNS);
                let row: Option<monitoring::CredentialRow> =
                    sqlx::query_as(&sql).bind(id).fetch_optional(&mut *self.reads().await?).await?;
                Ok(row.map(monitoring::credential_from_row))
            }

            async fn api_credentials(&self) -> Result<Vec<app::store::ApiCredential>, StoreError> {
                let sql = format!("SELECT {} FROM api_credentials ORDER BY id DESC", monitoring::CREDENTIAL_COLUMNS);
                let rows: Vec<monitoring::CredentialRow> =
                    sqlx::query_as(&sql).fetch_all(&mut *self.reads().await?).await?;
                Ok(rows.into_iter().map(monitoring::credential_from_row).collect())
            }

            async fn revoke_api_credential(
                &self,
                id: i64,
                now: i64,
                audit: &app::audit::AuditEvent,
            ) -> Result<bool, StoreError> {
                let mut tx = self.begin_write().await?;
                let revoked =
                    sqlx::query("UPDATE api_credentials SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                        .bind(now)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                commit_if_changed(self, tx, revoked == 1, audit).await
            }

            async fn register_household(
                &self,
                lead: &app::store::HouseholdLead,
                audit: app::store::AuditOf<'_, i64>,
            ) -> Result<(app::store::MonitoredHousehold, bool), StoreError> {
                let (tx, mut registered) = self.monitoring_register_all(std::slice::from_ref(lead), Some(audit)).await?;
                self.commit(tx).await?;
                Ok(registered.remove(0))
            }

            async fn monitored_counts(&self) -> Result<Vec<(Option<String>, u64)>, StoreError> {
                let rows: Vec<(Option<String>, i64)> =
                    sqlx::query_as("SELECT category, COUNT(*) FROM monitored_households GROUP BY category")
                        .fetch_all(&mut *self.reads().await?)
                        .await?;
                Ok(rows.into_iter().map(|(category, n)| (category, n as u64)).collect())
            }

            async fn register_households(
                &self,
                leads: &[app::store::HouseholdLead],
                audit: &app::audit::AuditEvent,
            ) -> Result<Vec<bool>, StoreError> {
                let (mut tx, registered) = self.monitoring_register_all(leads, None).await?;
                shared_append_audit(&mut tx, audit).await?;
                self.commit(tx).await?;
                Ok(registered.into_iter().map(|(_, created)| created).collect())
            }

            async fn register_visited_household(
                &self,
                lead: &app::store::HouseholdLead,
                visit: &app::store::NewVisit,
                audit: app::store::AuditOf<'_, i64>,
            ) -> Result<(app::store::MonitoredHousehold, bool), StoreError> {
                // The register's own entry is not written: the visit's entry says the same and more.
                let (mut tx, mut registered) = self.monitoring_register_all(std::slice::from_ref(lead), None).await?;
                let registered = registered.remove(0);
                Self::monitoring_insert_visit(&mut tx, registered.0.id, None, visit).await?;
                shared_append_audit(&mut tx, &audit(registered.0.id)).await?;
                self.commit(tx).await?;
                Ok(registered)
            }

            async fn record_signal(
                &self,
                signal: &app::store::NewSignal,
                audit: &app::audit::AuditEvent,
            ) -> Result<app::store::SignalRecorded, StoreError> {
                let mut tx = self.begin_write().await?;
                let recorded = Self::monitoring_store_signal(&mut tx, signal).await?;
                let changed = recorded != app::store::SignalRecorded::Duplicate;
                commit_if_changed(self, tx, changed, audit).await?;
                Ok(recorded)
            }

            async fn record_signals(
                &self,
                signals: &[app::store::NewSignal],
                audit: &app::audit::AuditEvent,
            ) -> Result<Vec<app::store::SignalRecorded>, StoreError> {
                // Households are taken in id order, so that two imports never wait on each other in a circle.
                let mut order: Vec<usize> = (0..signals.len()).collect();
                order.sort_by_key(|&i| signals[i].household_id);
                let mut recorded = vec![app::store::SignalRecorded::Duplicate; signals.len()];
                let mut tx = self.begin_write().await?;
                for i in order {
                    recorded[i] = Self::monitoring_store_signal(&mut tx, &signals[i]).await?;
                }
                shared_append_audit(&mut tx, audit).await?;
                self.commit(tx).await?;
                Ok(recorded)
            }

            async fn open_warnings(
                &self,
                township_code: &str,
                village: &str,
                limit: u32,
            ) -> Result<Vec<app::store::WarningRow>, StoreError> {
                let rows: Vec<monitoring::WarningQueueRow> = sqlx::query_as(crate::store::page_queries::TOWNSHIP_OPEN_WARNINGS)
                .bind(township_code)
                .bind(i64::from(limit))
                .bind(village.trim())
                .fetch_all(&mut *self.reads().await?)
                .await?;
                rows.into_iter().map(monitoring::warning_from_row).collect()
            }

            async fn open_warning(&self, id: i64) -> Result<Option<app::store::WarningRow>, StoreError> {
                let row: Option<monitoring::WarningQueueRow> = sqlx::query_as(crate::store::page_queries::OPEN_WARNING)
                .bind(id)
                .fetch_optional(&mut *self.reads().await?)
                .await?;
                row.map(monitoring::warning_from_row).transpose()
            }

            async fn warning_counts(
                &self,
                county_code: &str,
                today: app::domain::calendar::Date,
            ) -> Result<Vec<(String, u64, u64)>, StoreError> {
                let rows: Vec<(String, i64, i64)> = sqlx::query_as(crate::store::page_queries::COUNTY_WARNING_COUNTS)
                .bind(county_code)
                .bind(today.to_string())
                .fetch_all(&mut *self.reads().await?)
                .await?;
                Ok(rows.into_iter().map(|(code, open, overdue)| (code, open as u64, overdue as u64)).collect())
            }

            async fn close_warning(
                &self,
                warning: &app::store::WarningRow,
                visit: &app::store::NewVisit,
                outcome_sealed: &str,
                referred_to: Option<&str>,
                audit: &app::audit::AuditEvent,
            ) -> Result<bool, StoreError> {
                let mut tx = self.begin_write().await?;
                let closed = sqlx::query(
                    "UPDATE monitoring_warnings SET closed_at = $1, closed_by = $2, outcome = $3
                     WHERE id = $4 AND household_id = $5 AND closed_at IS NULL",
                )
                .bind(visit.at)
                .bind(&visit.visited_by)
                .bind(outcome_sealed)
                .bind(warning.id)
                .bind(warning.household_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if closed == 0 {
                    return Ok(false);
                }
                Self::monitoring_insert_visit(&mut tx, warning.household_id, Some(warning.id), visit).await?;
                if let Some(department) = referred_to {
                    sqlx::query(
                        "INSERT INTO monitoring_referrals (warning_id, household_id, department, referred_at)
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(warning.id)
                    .bind(warning.household_id)
                    .bind(department)
                    .bind(visit.at)
                    .execute(&mut *tx)
                    .await?;
                }
                commit_if_changed(self, tx, true, audit).await
            }

            async fn household_file(
                &self,
                id: i64,
                limit: u32,
            ) -> Result<Option<app::store::HouseholdFile>, StoreError> {
                use crate::store::page_queries as q;
                let row: Option<monitoring::HouseholdFileRow> =
                    sqlx::query_as(q::HOUSEHOLD_BY_ID).bind(id).fetch_optional(&mut *self.reads().await?).await?;
                let Some(monitoring::HouseholdFileRow { household, registered_at }) = row else {
                    return Ok(None);
                };
                let household = monitoring::household_from_row(household)?;
                let limit = i64::from(limit);
                let signals: Vec<monitoring::SignalRow> = sqlx::query_as(q::HOUSEHOLD_SIGNALS)
                    .bind(id).bind(limit).fetch_all(&mut *self.reads().await?).await?;
                let warnings: Vec<monitoring::WarningHistoryRow> = sqlx::query_as(q::HOUSEHOLD_WARNINGS)
                    .bind(id).bind(limit).fetch_all(&mut *self.reads().await?).await?;
                let visits: Vec<monitoring::VisitRow> = sqlx::query_as(q::HOUSEHOLD_VISITS)
                    .bind(id).bind(limit).fetch_all(&mut *self.reads().await?).await?;
                let photos: Vec<monitoring::VisitPhotoRow> = sqlx::query_as(q::HOUSEHOLD_VISIT_PHOTOS)
                    .bind(id).bind(limit * 4).fetch_all(&mut *self.reads().await?).await?;
                let referrals: Vec<monitoring::HouseholdReferralRow> = sqlx::query_as(q::HOUSEHOLD_REFERRALS)
                    .bind(id).bind(limit).fetch_all(&mut *self.reads().await?).await?;
                Ok(Some(app::store::HouseholdFile {
                    household,
                    registered_at,
                    signals: signals.into_iter().map(monitoring::signal_from_row).collect::<Result<_, _>>()?,
                    warnings: warnings.into_iter().map(monitoring::warning_history_from_row).collect::<Result<_, _>>()?,
                    visits: monitoring::visits_with_photos(visits, photos),
                    referrals: referrals.into_iter().map(monitoring::household_referral_from_row).collect::<Result<_, _>>()?,
                }))
            }

            async fn register_page(
                &self,
                township_code: &str,
                village: &str,
                before: i64,
                limit: u32,
            ) -> Result<Vec<app::store::MonitoredHousehold>, StoreError> {
                use crate::store::page_queries as q;
                let village = village.trim();
                let sql = if village.is_empty() { q::TOWNSHIP_REGISTER } else { q::VILLAGE_REGISTER };
                let mut query = sqlx::query_as::<_, monitoring::HouseholdRow>(sql)
                    .bind(township_code)
                    .bind(before)
                    .bind(i64::from(limit));
                if !village.is_empty() {
                    query = query.bind(village);
                }
                let rows = query.fetch_all(&mut *self.reads().await?).await?;
                rows.into_iter().map(monitoring::household_from_row).collect()
            }

            async fn visit_photo(&self, id: i64) -> Result<Option<(i64, app::store::StoredFile)>, StoreError> {
                let row: Option<shared::OwnedFileRow> = sqlx::query_as(crate::store::page_queries::VISIT_PHOTO)
                    .bind(id)
                    .fetch_optional(&mut *self.reads().await?)
                    .await?;
                Ok(row.map(|row| (row.owner, shared::case_file_from_row(row.file))))
            }

            async fn open_household_referrals(
                &self,
                department: &str,
                limit: u32,
            ) -> Result<Vec<app::store::HouseholdReferral>, StoreError> {
                let rows: Vec<monitoring::HouseholdReferralRow> =
                    sqlx::query_as(crate::store::page_queries::DEPARTMENT_OPEN_HOUSEHOLD_REFERRALS)
                        .bind(department)
                        .bind(i64::from(limit))
                        .fetch_all(&mut *self.reads().await?)
                        .await?;
                rows.into_iter().map(monitoring::household_referral_from_row).collect()
            }

            async fn household_referral(
                &self,
                id: i64,
            ) -> Result<Option<(app::store::HouseholdReferral, String, String)>, StoreError> {
                let row: Option<monitoring::ReferralWithSealedRow> =
                    sqlx::query_as(crate::store::page_queries::HOUSEHOLD_REFERRAL)
                        .bind(id)
                        .fetch_optional(&mut *self.reads().await?)
                        .await?;
                let Some(row) = row else { return Ok(None) };
                let referral = monitoring::household_referral_from_row(row.referral)?;
                Ok(Some((referral, row.members_sealed, row.visit_sealed)))
            }

            async fn answer_household_referral(
                &self,
                id: i64,
                department: &str,
                answer_sealed: &str,
                answered_by: &str,
                now: i64,
                audit: &app::audit::AuditEvent,
            ) -> Result<bool, StoreError> {
                let mut tx = self.begin_write().await?;
                let answered = sqlx::query(
                    "UPDATE monitoring_referrals SET answered_at = $1, answered_by = $2, answer = $3
                     WHERE id = $4 AND department = $5 AND answered_at IS NULL",
                )
                .bind(now)
                .bind(answered_by)
                .bind(answer_sealed)
                .bind(id)
                .bind(department)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                commit_if_changed(self, tx, answered == 1, audit).await
            }
        }

        impl $store {
            /// Stores a visit inside the transaction of what it did.
            async fn monitoring_insert_visit(
                tx: &mut <$store as shared::HasDatabase>::WriteTx,
                household_id: i64,
                warning_id: Option<i64>,
                visit: &app::store::NewVisit,
            ) -> Result<(), StoreError> {
                let (visit_id,): (i64,) = sqlx::query_as(
                    "INSERT INTO monitoring_visits (household_id, warning_id, visited_by, visited_at, sealed)
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(household_id)
                .bind(warning_id)
                .bind(&visit.visited_by)
                .bind(visit.at)
                .bind(&visit.sealed)
                .fetch_one(&mut **tx)
                .await?;
                for (sha256, content_type, size) in &visit.photos {
                    sqlx::query(
                        "INSERT INTO monitoring_visit_files
                             (visit_id, household_id, sha256, content_type, size, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(visit_id)
                    .bind(household_id)
                    .bind(sha256)
                    .bind(content_type)
                    .bind(i64::try_from(*size).unwrap_or(i64::MAX))
                    .bind(visit.at)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }

            /// Stores a signal once (by sender and reference) inside `tx`, with its warning.
            async fn monitoring_store_signal(
                tx: &mut <$store as shared::HasDatabase>::WriteTx,
                signal: &app::store::NewSignal,
            ) -> Result<app::store::SignalRecorded, StoreError> {
                // Takes the household's row: signals for one household are stored one at a time.
                let found = sqlx::query("UPDATE monitored_households SET updated_at = $1 WHERE id = $2")
                    .bind(signal.received_at)
                    .bind(signal.household_id)
                    .execute(&mut **tx)
                    .await?
                    .rows_affected();
                if found == 0 {
                    return Err(StoreError::InvalidData(format!("no household {}", signal.household_id)));
                }
                let stored = sqlx::query(
                    "INSERT INTO monitoring_signals (sender, reference_id, household_id, kind, sealed, received_at)
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sender, reference_id) DO NOTHING",
                )
                .bind(&signal.sender)
                .bind(&signal.reference_id)
                .bind(signal.household_id)
                .bind(signal.kind.key())
                .bind(&signal.sealed)
                .bind(signal.received_at)
                .execute(&mut **tx)
                .await?
                .rows_affected();
                match (stored, signal.warning) {
                    (0, _) => Ok(app::store::SignalRecorded::Duplicate),
                    (_, None) => Ok(app::store::SignalRecorded::NoWarning),
                    (_, Some(new)) => Self::monitoring_open_or_merge(tx, signal, new).await,
                }
            }

            /// Opens the signal's warning, or merges it into the open one of its kind (higher level,
            /// earlier deadline), inside the signal's transaction.
            async fn monitoring_open_or_merge(
                tx: &mut <$store as shared::HasDatabase>::WriteTx,
                signal: &app::store::NewSignal,
                new: app::domain::monitoring::OpenWarning,
            ) -> Result<app::store::SignalRecorded, StoreError> {
                let open: Option<(i64, String, String)> = sqlx::query_as(
                    "SELECT id, level, visit_due FROM monitoring_warnings
                     WHERE household_id = $1 AND kind = $2 AND closed_at IS NULL",
                )
                .bind(signal.household_id)
                .bind(signal.kind.key())
                .fetch_optional(&mut **tx)
                .await?;
                if let Some((id, level, visit_due)) = open {
                    let merged = monitoring::open_warning(&level, &visit_due)?.merged_with(new);
                    sqlx::query("UPDATE monitoring_warnings SET level = $1, visit_due = $2 WHERE id = $3")
                        .bind(merged.level.key())
                        .bind(merged.visit_due.to_string())
                        .bind(id)
                        .execute(&mut **tx)
                        .await?;
                    return Ok(app::store::SignalRecorded::Merged(id));
                }
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO monitoring_warnings (household_id, county_code, township_code, kind, level,
                         raised_at, visit_due)
                     SELECT id, county_code, township_code, $1, $2, $3, $4 FROM monitored_households
                     WHERE id = $5 RETURNING id",
                )
                .bind(signal.kind.key())
                .bind(new.level.key())
                .bind(signal.received_at)
                .bind(new.visit_due.to_string())
                .bind(signal.household_id)
                .fetch_one(&mut **tx)
                .await?;
                Ok(app::store::SignalRecorded::Raised(id))
            }
        }
    };
}
