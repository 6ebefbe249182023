//! 家庭情况变化申报 as a use case: a household that passed the status page's SMS check declares a change
//! of its situation, one question per page, and submits it with evidence. A household whose record is in
//! force, recognised or phasing out declares any change; the declaration lands in the township's queue,
//! the case history and the audit log, and brings the record up for review, all in one transaction. A
//! household whose assistance ended within the monitoring window (`WarningRules::income_fall_months`)
//! may declare only that its income fell again: that is a signal on the monitoring register, and raises
//! the township's warning with a visit deadline.

use super::cases::FileVault;
use crate::audit::AuditEvent;
use crate::domain::calendar::Date;
use crate::domain::declaration::{check_details, declaring, ChangeKind, DeclarationDraft, Declaring};
use crate::domain::register::state_on;
use crate::domain::upload;
use crate::domain::workflow::Status;
use crate::services::Services;
use crate::store::{ApplicationRecord, CaseEvent, NewDeclaration, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum DeclarationError {
    /// No verified household with a record that takes declarations: back to the status page.
    #[error("this household cannot declare a change")]
    NotOpen,
    /// Back to the page with these messages next to their fields.
    #[error("the answer was refused: {0:?}")]
    Refused(Vec<(&'static str, String)>),
    /// The database, the sealed draft or the file store failed (500, cause logged).
    #[error("{0}")]
    Failed(String),
}

impl From<StoreError> for DeclarationError {
    fn from(e: StoreError) -> Self {
        Self::Failed(e.to_string())
    }
}

/// The household's case and what it may declare today.
pub async fn household(
    services: &Services,
    reference: &str,
) -> Result<(ApplicationRecord, Declaring), DeclarationError> {
    let store = services.store.as_ref();
    let case = store.application_by_reference(reference).await?.ok_or(DeclarationError::NotOpen)?;
    let record = store.assistance_record(case.id).await?.ok_or(DeclarationError::NotOpen)?;
    let today = Date::today_in_china(services.now());
    let (state, _) = state_on(record.state, record.ends_on, today);
    let window = services.warning_rules.income_fall_months;
    let declaring = declaring(state, record.ends_on, today, window).ok_or(DeclarationError::NotOpen)?;
    Ok((case, declaring))
}

/// Why a household after its assistance ended cannot choose another change.
const ONLY_INCOME_AFTER_EXIT: &str = "救助已经终止的家庭，在网上只能申报收入下降；其他变化请联系乡镇（街道）";

/// The declaration in progress (empty when none).
pub async fn draft(
    services: &Services,
    case: &ApplicationRecord,
) -> Result<DeclarationDraft, DeclarationError> {
    match services.store.declaration_draft(case.id).await? {
        Some(sealed) => services.sealer.open(&sealed).map_err(|e| DeclarationError::Failed(e.to_string())),
        None => Ok(DeclarationDraft::default()),
    }
}

async fn save(
    services: &Services,
    case: &ApplicationRecord,
    draft: &DeclarationDraft,
) -> Result<(), DeclarationError> {
    let sealed = services.sealer.seal(draft);
    Ok(services.store.save_declaration_draft(case.id, &sealed, services.now()).await?)
}

/// Question 1: what changed. A different kind starts the details again.
pub async fn choose_kind(services: &Services, reference: &str, key: &str) -> Result<(), DeclarationError> {
    let (case, declaring) = household(services, reference).await?;
    let kind = ChangeKind::from_key(key)
        .ok_or_else(|| DeclarationError::Refused(vec![("kind", "请选择发生了哪种变化".to_string())]))?;
    if declaring == Declaring::AfterExit && kind != ChangeKind::IncomeOrJob {
        return Err(DeclarationError::Refused(vec![("kind", ONLY_INCOME_AFTER_EXIT.to_string())]));
    }
    let current = draft(services, &case).await?;
    let next = if current.kind == Some(kind) {
        current
    } else {
        DeclarationDraft { kind: Some(kind), ..DeclarationDraft::default() }
    };
    save(services, &case, &next).await
}

/// Question 2: when it happened, what happened, and for income or a job the income now.
pub async fn give_details(
    services: &Services,
    reference: &str,
    occurred_on: &str,
    details: &str,
    income: &str,
) -> Result<(), DeclarationError> {
    let (case, _) = household(services, reference).await?;
    let mut current = draft(services, &case).await?;
    let kind = current.kind.ok_or(DeclarationError::NotOpen)?;
    let today = Date::today_in_china(services.now());
    let (date, details, income) =
        check_details(kind, occurred_on, details, income, today).map_err(DeclarationError::Refused)?;
    current.occurred_on = Some(date);
    current.details = details;
    current.income = income;
    save(services, &case, &current).await
}

/// The check page's submit with optional evidence: returns the declaration's receipt number.
pub async fn submit(
    services: &Services,
    files: &dyn FileVault,
    reference: &str,
    evidence: &[(&'static str, Vec<u8>)],
) -> Result<String, DeclarationError> {
    let (case, declaring) = household(services, reference).await?;
    let current = draft(services, &case).await?;
    let (Some(kind), Some(occurred_on)) = (current.kind, current.occurred_on) else {
        return Err(DeclarationError::Refused(vec![("submit", "请先回答前面的问题".to_string())]));
    };
    if declaring == Declaring::AfterExit {
        return income_fell_after_exit(services, &case, &current, occurred_on).await;
    }
    let subject = format!("declarations:{}", case.id);
    let limit = upload::DECLARATION_FILES_PER_DAY;
    let now = services.now();
    let store = services.store.as_ref();
    if let Some(message) = crate::store::uploads_refused(store, &subject, evidence.len(), limit, now).await? {
        return Err(DeclarationError::Refused(vec![("evidence", message)]));
    }
    let kept = files.keep(evidence).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::StorageFull => {
            DeclarationError::Refused(vec![("evidence", upload::DISK_FULL_MESSAGE.to_string())])
        }
        _ => DeclarationError::Failed(e.to_string()),
    })?;
    let now = services.now();
    let today = Date::today_in_china(now);
    let calendar = services.working_calendar().await?;
    let deadline = calendar.add_working_days(today, services.review_rules.working_days_to_review);
    let declaration = NewDeclaration {
        application_id: case.id,
        township_code: case.township_code.clone(),
        kind,
        occurred_on,
        sealed: services.sealer.seal(&current),
        event: CaseEvent {
            at: now,
            actor: "申请人".into(),
            action: "declaration".into(),
            status: Status::Approved,
            note: format!(
                "申报家庭情况变化：{}（{}），附材料{}个",
                kind.short(),
                occurred_on.chinese(),
                kept.len()
            ),
        },
        files: kept,
        audit: AuditEvent::at(now, resident(&case), "record.declaration", &case.reference, kind.key()),
        review_due: today,
        review_deadline: deadline,
    };
    match services.store.submit_declaration(&declaration).await? {
        Some(id) => Ok(receipt_number(&case.reference, id)),
        None => Err(DeclarationError::Refused(vec![("submit", "这份申报已经提交过了".to_string())])),
    }
}

/// A household whose assistance ended says its income fell again: a signal on the monitoring register
/// (the household as registered at approval, or registered now from the application's members) that
/// raises the township's warning. The same change declared twice is one signal. Returns the receipt
/// number, which names the warning.
async fn income_fell_after_exit(
    services: &Services,
    case: &ApplicationRecord,
    declared: &DeclarationDraft,
    occurred_on: Date,
) -> Result<String, DeclarationError> {
    use crate::domain::monitoring::{OpenWarning, Signal};
    use crate::store::{NewSignal, SignalRecorded};
    if declared.kind != Some(ChangeKind::IncomeOrJob) {
        return Err(DeclarationError::Refused(vec![("submit", ONLY_INCOME_AFTER_EXIT.to_string())]));
    }
    let now = services.now();
    let household = register_household_of(services, case, now).await?;
    let signal = Signal::IncomeFellAfterExit;
    let rules = &services.warning_rules;
    let level = rules.assess(&signal, household.category).unwrap_or(crate::domain::monitoring::Level::Orange);
    let calendar = services.working_calendar().await?;
    let visit_due = rules.visit_due(level, Date::today_in_china(now), &calendar);
    let new = NewSignal {
        sender: "resident".into(),
        reference_id: format!("{}:{occurred_on}", case.reference),
        household_id: household.id,
        kind: signal.kind(),
        sealed: services.sealer.seal(declared),
        received_at: now,
        warning: Some(OpenWarning { level, visit_due }),
    };
    let subject = format!("household:{}", household.id);
    let audit =
        AuditEvent::at(now, resident(case), "monitoring.income_fall_declared", &subject, &case.reference);
    match services.store.record_signal(&new, &audit).await? {
        SignalRecorded::Raised(warning) | SignalRecorded::Merged(warning) => {
            Ok(format!("{}-Y{warning}", case.reference))
        }
        SignalRecorded::Duplicate | SignalRecorded::NoWarning => {
            Err(DeclarationError::Refused(vec![("submit", "这份申报已经提交过了".to_string())]))
        }
    }
}

/// The register household of an approved case: found by its members, or registered from them (a case
/// approved before the register existed).
async fn register_household_of(
    services: &Services,
    case: &ApplicationRecord,
    now: i64,
) -> Result<crate::store::MonitoredHousehold, DeclarationError> {
    let draft: crate::domain::application::Draft =
        services.sealer.open(&case.sealed).map_err(|e| DeclarationError::Failed(e.to_string()))?;
    for member in &draft.members {
        let hash = super::monitoring::member_hash(&services.hasher, &member.id_number);
        if let Some(household) = services.store.member_household(&hash).await? {
            return Ok(household);
        }
    }
    let lead = super::monitoring::approved_household(services, case, &draft, now)
        .ok_or(DeclarationError::NotOpen)?;
    // Its assistance ended: on the register, but in no category until the township settles one.
    let lead = crate::store::HouseholdLead { category: None, ..lead };
    let audit = |id: i64| {
        AuditEvent::at(
            now,
            resident(case),
            "monitoring.household_registered",
            format!("household:{id}"),
            &case.reference,
        )
    };
    Ok(services.store.register_household(&lead, &audit).await?.0)
}

/// The audit actor of a resident: the start of their phone key, never the number.
fn resident(case: &ApplicationRecord) -> String {
    format!("resident:{}", case.phone_key.chars().take(12).collect::<String>())
}

/// The number the household quotes when it calls: the case's reference and the declaration's number.
pub fn receipt_number(reference: &str, id: i64) -> String {
    format!("{reference}-B{id}")
}
