//! The resident's receipt of a submitted application: shown on the submission page and drawn as an image
//! to keep in the phone's album. Only the phone that submitted it (its resident session) reads it; the
//! receipt holds no name or ID number.

use crate::areas::application::Receipt;
use crate::auth::ResidentClaims;
use crate::domain::application::Draft;
use crate::domain::calendar::Date;
use crate::features::case_papers::PaperError;
use crate::services::Services;

/// The receipt of `reference` for `resident`; `NotFound` for an application of another phone or none.
pub async fn receipt(
    services: &Services,
    resident: &ResidentClaims,
    reference: &str,
) -> Result<Receipt, PaperError> {
    let store = services.store.as_ref();
    let record = store.application_by_reference(reference).await?;
    let record = record.filter(|r| r.phone_key == resident.sub).ok_or(PaperError::NotFound)?;
    let draft: Draft =
        services.sealer.open(&record.sealed).map_err(|e| PaperError::Unsealing(e.to_string()))?;
    let hotlines = store
        .hotlines()
        .await?
        .into_iter()
        .filter(|h| h.county_code.as_deref().is_none_or(|c| c == record.county_code))
        .map(|h| format!("{} {}", h.label, h.number))
        .collect();
    Ok(Receipt {
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
    })
}
