//! Papers of a case for the township's archive (档案): the 审批表 — the application, the documents
//! listed, and every step with who and when — as data that the server lays out as an A4 PDF. Only the
//! township and county reviewers who handle the case print it (a department answers 404, as for every
//! case outside one's scope), and every printing is audited like a view of the case.

use crate::audit::AuditEvent;
use crate::domain::application::Draft;
use crate::domain::assistance::AssistanceType;
use crate::domain::calendar::Date;
use crate::domain::consent::{AgreedWording, SIGNING_AGE};
use crate::domain::id_number::BirthDate;
use crate::domain::staff::StaffIdentity;
use crate::domain::workflow::{history_label, Action};
use crate::features::cases::{open_case_to_act, CaseError};
use crate::services::Services;
use crate::store::{ApplicationRecord, CaseEvent, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum PaperError {
    /// No such case within the caller's scope, or a receipt asked by another phone (404).
    #[error("no such case within the caller's scope")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The application's sealed data did not open (500: a key is missing).
    #[error("the application's data did not open: {0}")]
    Unsealing(String),
}

impl From<CaseError> for PaperError {
    fn from(e: CaseError) -> Self {
        match e {
            CaseError::NotFound => Self::NotFound,
            CaseError::Store(e) => Self::Store(e),
        }
    }
}

/// One recorded step of the case: when, what, who, and what they wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormStep {
    pub at: String,
    pub what: &'static str,
    pub actor: String,
    pub note: String,
}

/// Everything the 审批表 holds.
#[derive(Clone, Debug)]
pub struct ApprovalForm {
    pub reference: String,
    pub status: &'static str,
    pub township: String,
    pub village: String,
    pub types: String,
    pub emergency: bool,
    pub submitted_at: String,
    pub decision_due: String,
    pub draft: Draft,
    /// "申请材料·户口簿：照片（12KB）", as the case page lists them.
    pub documents: Vec<String>,
    pub steps: Vec<FormStep>,
    /// The notice's last day, once published.
    pub notice_until: Option<String>,
    /// Objections to the notice: (when, reason); who objected stays off paper.
    pub objections: Vec<(String, String)>,
    pub monthly_amount: Option<u32>,
    /// The latest 乡镇审核 (its proposal) and the county's decision, for the opinion boxes.
    pub township_opinion: Option<FormStep>,
    pub county_opinion: Option<FormStep>,
    /// "2026-12-04 20:30 by 张三（东街街道审核员）": printed at the foot of every page.
    pub printed: String,
}

/// The case `reference` with its application opened, for `staff` who handle it; the printing of
/// `paper` is audited as `action` before anything is returned.
async fn open_for_paper(
    services: &Services,
    staff: &StaffIdentity,
    reference: &str,
    action: &str,
    paper: &str,
) -> Result<(ApplicationRecord, Draft), PaperError> {
    let store = services.store.as_ref();
    let case = open_case_to_act(store, staff, reference).await?.record;
    let draft: Draft =
        services.sealer.open(&case.sealed).map_err(|e| PaperError::Unsealing(e.to_string()))?;
    store
        .append_audit(&AuditEvent::at(
            services.now(),
            format!("staff:{}", staff.id),
            action,
            &case.reference,
            paper,
        ))
        .await?;
    Ok((case, draft))
}

/// The 审批表 of case `reference` for `staff`; audited as `case.form_printed`.
pub async fn approval_form(
    services: &Services,
    staff: &StaffIdentity,
    reference: &str,
    now: i64,
) -> Result<ApprovalForm, PaperError> {
    let store = services.store.as_ref();
    let (case, draft) = open_for_paper(services, staff, reference, "case.form_printed", "审批表").await?;
    let events = store.case_events(case.id).await?;
    let documents = store
        .case_files(case.id)
        .await?
        .into_iter()
        .map(|f| format!("{}：{}", f.origin(), f.describe()))
        .collect();
    let objections = store
        .objections(case.id)
        .await?
        .into_iter()
        .map(|o| (Date::today_in_china(o.created_at).chinese(), o.reason))
        .collect();
    Ok(ApprovalForm {
        township_opinion: latest_step(&events, &[Action::Recommend]),
        county_opinion: latest_step(&events, &[Action::Approve, Action::Refuse]),
        steps: events.iter().map(form_step).collect(),
        reference: case.reference,
        status: case.status.label(),
        township: crate::store::place_name(&services.divisions, &case.township_code),
        village: case.village,
        types: case.types.iter().map(|t| AssistanceType::label(*t)).collect::<Vec<_>>().join("、"),
        emergency: case.emergency,
        submitted_at: Date::moment_in_china(case.submitted_at),
        decision_due: case.decision_due.chinese(),
        draft,
        documents,
        notice_until: case.notice_until.map(Date::chinese),
        objections,
        monthly_amount: case.monthly_amount,
        printed: format!("{} 由 {} 打印", Date::moment_in_china(now), staff),
    })
}

fn form_step(event: &CaseEvent) -> FormStep {
    FormStep {
        at: Date::moment_in_china(event.at),
        what: history_label(&event.action),
        actor: event.actor.clone(),
        note: event.note.clone(),
    }
}

fn latest_step(events: &[CaseEvent], actions: &[Action]) -> Option<FormStep> {
    events.iter().rev().find(|e| actions.iter().any(|a| a.key() == e.action)).map(form_step)
}

/// A member who signs the 授权书 and 承诺书.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signer {
    pub relationship: &'static str,
    pub name: String,
    pub id_number: String,
}

/// The 授权书 and 承诺书 of a household, one page per adult member.
#[derive(Clone, Debug)]
pub struct ConsentForms {
    pub reference: String,
    pub township: String,
    pub village: String,
    pub address: String,
    pub applicant: String,
    pub signers: Vec<Signer>,
    /// The words the applicant agreed to online; `None` for applications from before they were kept.
    pub agreed: Option<AgreedWording>,
    pub printed: String,
}

/// The 授权书 and 承诺书 of case `reference`, prefilled for every member of `SIGNING_AGE` or older;
/// audited as `case.consent_printed`.
pub async fn consent_forms(
    services: &Services,
    staff: &StaffIdentity,
    reference: &str,
    now: i64,
) -> Result<ConsentForms, PaperError> {
    let (case, draft) =
        open_for_paper(services, staff, reference, "case.consent_printed", "授权书和承诺书").await?;
    let today = BirthDate::today_in_china(now);
    let signers = draft
        .members
        .iter()
        .filter(|m| m.id_number.birth_date().age_on(today) >= SIGNING_AGE)
        .map(|m| Signer {
            relationship: m.relationship.label(),
            name: m.name.clone(),
            id_number: m.id_number.as_str().to_string(),
        })
        .collect();
    Ok(ConsentForms {
        township: crate::store::place_name(&services.divisions, &case.township_code),
        village: case.village,
        address: draft.place.map(|p| p.address).unwrap_or_default(),
        applicant: draft.applicant.name,
        signers,
        agreed: draft.agreed,
        printed: format!("{} 由 {} 打印", Date::moment_in_china(now), staff),
        reference: case.reference,
    })
}
