//! The resident's receipt of a submitted application: shown on the submission page and drawn as an image
//! to keep in the phone's album. Only the phone that submitted it (its resident session) reads it; the
//! receipt holds no name or ID number.

use crate::areas::application::Receipt;
use crate::auth::ResidentClaims;
use crate::domain::application::Draft;
use crate::domain::calendar::Date;
use crate::services::Services;

/// The receipt of `reference` for `resident`; `None` for an application of another phone or none.
pub async fn receipt(
    services: &Services,
    resident: &ResidentClaims,
    reference: &str,
) -> Result<Option<Receipt>, String> {
    let store = services.store.as_ref();
    let record = store.application_by_reference(reference).await.map_err(|e| e.to_string())?;
    let Some(record) = record.filter(|r| r.phone_key == resident.sub) else { return Ok(None) };
    let draft: Draft = services.sealer.open(&record.sealed).map_err(|e| e.to_string())?;
    let hotlines = store
        .hotlines()
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|h| h.county_code.as_deref().is_none_or(|c| c == record.county_code))
        .map(|h| format!("{} {}", h.label, h.number))
        .collect();
    Ok(Some(Receipt {
        reference: record.reference,
        submitted_on: Date::today_in_china(record.submitted_at).chinese(),
        types: record.types.iter().map(|t| t.label().to_string()).collect(),
        emergency: record.emergency,
        township: crate::store::place_name(&services.divisions, &record.township_code),
        acceptance_due: record.acceptance_due.chinese(),
        decision_due: record.decision_due.chinese(),
        documents: crate::domain::documents::missing_documents(&draft)
            .into_iter()
            .map(|k| k.label().to_string())
            .collect(),
        hotlines,
    }))
}
