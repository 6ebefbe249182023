//! Data exchange with departments (`/api/v1`): the administrator's credentials, the token a
//! department's system sends, the events it sends (matched to the monitoring register, raising warnings)
//! and the 对象互认 question it asks. Every call that names a valid credential is audited, whatever its
//! answer; a department learns nothing but whether its event was matched and, when it asks, whether a
//! person is recognised and in which category.

use super::monitoring::member_hash;
use crate::audit::AuditEvent;
use crate::auth::{sign_claims, verify_claims};
use crate::domain::calendar::Calendar;
use crate::domain::calendar::Date;
use crate::domain::id_number::{BirthDate, IdNumber};
use crate::domain::monitoring::{ApiScope, Level, OpenWarning, Signal};
use crate::domain::register::Category;
use crate::domain::staff::{StaffIdentity, DEPARTMENTS};
use crate::services::Services;
use crate::store::{ApiCredential, MonitoredHousehold, NewSignal, SignalRecorded, StoreError};
use serde::{Deserialize, Serialize};

/// A token is good for a year unless revoked; the administrator issues a new one before then.
pub const TOKEN_DAYS: i64 = 365;
/// An event's id in the sending system: printable ASCII, at most this long.
pub const REFERENCE_MAX_CHARS: usize = 64;
const LABEL_MAX_CHARS: usize = 60;

/// What a call answers when it fails; `status` and `code` are what the API sends.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error("令牌无效、已过期或已被吊销")]
    Unauthenticated,
    #[error("此凭据无权进行该操作：{0}")]
    NotPermitted(&'static str),
    #[error("{message}")]
    Invalid { field: &'static str, message: String },
    #[error("低收入人口数据库中没有此人")]
    UnknownPerson,
    #[error("凭据不存在")]
    UnknownCredential,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ExchangeError {
    pub fn status(&self) -> u16 {
        match self {
            Self::Unauthenticated => 401,
            Self::NotPermitted(_) => 403,
            Self::Invalid { .. } => 422,
            Self::UnknownPerson | Self::UnknownCredential => 404,
            Self::Store(_) => 500,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated => "unauthenticated",
            Self::NotPermitted(_) => "not_permitted",
            Self::Invalid { .. } => "invalid",
            Self::UnknownPerson => "unknown_person",
            Self::UnknownCredential => "unknown_credential",
            Self::Store(_) => "server_error",
        }
    }

    fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid { field, message: message.into() }
    }
}

/// The claims of an API token: the credential's id; `typ` keeps staff session tokens (signed with the
/// same secret) from being taken for API tokens.
#[derive(Debug, Serialize, Deserialize)]
struct ApiClaims {
    sub: i64,
    dep: String,
    typ: String,
    iat: i64,
    exp: i64,
}

crate::auth::expiring!(ApiClaims);

const TOKEN_TYPE: &str = "portal-api";

/// A department's system, authenticated: its credential as stored now.
#[derive(Clone, Debug)]
pub struct Caller {
    pub credential: ApiCredential,
}

impl Caller {
    fn actor(&self) -> String {
        format!("api:{}", self.credential.id)
    }

    fn require(&self, scope: ApiScope) -> Result<(), ExchangeError> {
        match self.credential.scopes.contains(&scope) {
            true => Ok(()),
            false => Err(ExchangeError::NotPermitted(scope.label())),
        }
    }

    fn audit(&self, now: i64, action: &str, subject: String, detail: String) -> AuditEvent {
        AuditEvent { at: now, actor: self.actor(), action: action.into(), subject, detail }
    }
}

/// The credential form as posted: `api_scopes` is a check box per scope, so the key repeats.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CredentialForm {
    pub api_department: String,
    pub api_label: String,
    pub api_scopes: Vec<String>,
}

/// A credential to create: a department, the name of its system and what it may call.
pub struct NewCredential {
    pub department: String,
    pub label: String,
    pub scopes: Vec<ApiScope>,
}

impl TryFrom<CredentialForm> for NewCredential {
    type Error = ExchangeError;

    fn try_from(form: CredentialForm) -> Result<Self, ExchangeError> {
        if !DEPARTMENTS.iter().any(|(key, _)| *key == form.api_department) {
            return Err(ExchangeError::invalid("department", "请选择部门"));
        }
        let label = form.api_label.trim();
        if label.is_empty() || label.chars().count() > LABEL_MAX_CHARS {
            return Err(ExchangeError::invalid(
                "label",
                format!("请填写对接系统的名称（最多{LABEL_MAX_CHARS}个字）"),
            ));
        }
        let scopes: Vec<ApiScope> =
            form.api_scopes.iter().filter_map(|key| ApiScope::from_key(key)).collect();
        if scopes.is_empty() {
            return Err(ExchangeError::invalid("scopes", "请至少选择一项权限"));
        }
        Ok(Self { department: form.api_department, label: label.to_string(), scopes })
    }
}

/// The administrator creates a credential and receives its token (shown once; only the id is stored).
pub async fn issue_credential(
    services: &Services,
    admin: &StaffIdentity,
    form: CredentialForm,
    now: i64,
) -> Result<(i64, String), ExchangeError> {
    if !admin.is_administrator() {
        return Err(ExchangeError::UnknownCredential);
    }
    let NewCredential { department, label, scopes } = NewCredential::try_from(form)?;
    let credential = ApiCredential {
        id: 0,
        department: department.clone(),
        label,
        scopes: scopes.clone(),
        created_at: now,
        revoked_at: None,
    };
    let actor = format!("staff:{}", admin.id);
    let detail = format!("{department} {}", ApiScope::join(&scopes));
    let audit = |id: i64| AuditEvent {
        at: now,
        actor: actor.clone(),
        action: "api.credential_created".into(),
        subject: format!("api_credential:{id}"),
        detail: detail.clone(),
    };
    let id = services.store.create_api_credential(&credential, &actor, &audit).await?;
    let claims = ApiClaims {
        sub: id,
        dep: department,
        typ: TOKEN_TYPE.into(),
        iat: now,
        exp: now + TOKEN_DAYS * 86_400,
    };
    Ok((id, sign_claims(&services.session_secret, &claims)))
}

/// The administrator revokes a credential: every token of it stops at once.
pub async fn revoke_credential(
    services: &Services,
    admin: &StaffIdentity,
    id: i64,
    now: i64,
) -> Result<(), ExchangeError> {
    if !admin.is_administrator() {
        return Err(ExchangeError::UnknownCredential);
    }
    let audit = AuditEvent {
        at: now,
        actor: format!("staff:{}", admin.id),
        action: "api.credential_revoked".into(),
        subject: format!("api_credential:{id}"),
        detail: String::new(),
    };
    match services.store.revoke_api_credential(id, now, &audit).await? {
        true => Ok(()),
        false => Err(ExchangeError::UnknownCredential),
    }
}

/// The caller behind a bearer token: genuine, unexpired, of a credential that exists, is not revoked and
/// still names the token's department.
pub async fn authenticate(services: &Services, token: &str) -> Result<Caller, ExchangeError> {
    let claims = verify_claims::<ApiClaims>(&services.session_secret, token, services.now())
        .filter(|claims| claims.typ == TOKEN_TYPE)
        .ok_or(ExchangeError::Unauthenticated)?;
    let credential = services.store.api_credential(claims.sub).await?;
    match credential {
        Some(credential) if credential.revoked_at.is_none() && credential.department == claims.dep => {
            Ok(Caller { credential })
        }
        _ => Err(ExchangeError::Unauthenticated),
    }
}

/// An event a department sends about a person.
#[derive(Clone, Debug)]
pub struct DepartmentEvent {
    pub reference_id: String,
    pub id_number: String,
    pub signal: Signal,
}

/// What became of an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventReceipt {
    /// Matched; a warning was opened or the open one of its kind escalated.
    Warned,
    /// Matched; below every threshold, kept as information.
    Recorded,
    /// The same reference had been received before: nothing changed.
    Duplicate,
}

/// Matches the event to a register household, weighs it and stores it once (with its warning).
pub async fn receive_event(
    services: &Services,
    caller: &Caller,
    event: DepartmentEvent,
    now: i64,
) -> Result<EventReceipt, ExchangeError> {
    caller.require(ApiScope::SendEvents)?;
    let department = caller.credential.department.as_str();
    let unmatched = Some((caller.actor(), "api.event_unmatched"));
    let (signal, level) = weigh_event(services, department, &event, now, unmatched).await?;
    let warning = match level {
        Some(level) => Some(open_warning(services, level, now, services.working_calendar().await?.as_ref())),
        None => None,
    };
    let signal = NewSignal { warning, ..signal };
    let (kind, subject) = (signal.kind.key(), format!("household:{}", signal.household_id));
    let level = level.map(|l| l.key()).unwrap_or("none");
    let audit = caller.audit(now, "api.event_received", subject.clone(), format!("{kind} {level}"));
    match services.store.record_signal(&signal, &audit).await? {
        SignalRecorded::Duplicate => {
            let detail = format!("{kind} {}", signal.reference_id);
            services.store.append_audit(&caller.audit(now, "api.event_duplicate", subject, detail)).await?;
            Ok(EventReceipt::Duplicate)
        }
        SignalRecorded::NoWarning => Ok(EventReceipt::Recorded),
        SignalRecorded::Raised(_) | SignalRecorded::Merged(_) => Ok(EventReceipt::Warned),
    }
}

fn open_warning(services: &Services, level: Level, now: i64, calendar: &Calendar) -> OpenWarning {
    let visit_due = services.warning_rules.visit_due(level, Date::today_in_china(now), calendar);
    OpenWarning { level, visit_due }
}

/// Checks an event `department` sends (its own kinds only, a usable reference), matches it to a register
/// household and weighs it: the signal to store (without its warning) and the level of warning it raises.
/// A person not on the register is `UnknownPerson`, audited as `unmatched` = (actor, action) when given.
async fn weigh_event(
    services: &Services,
    department: &str,
    event: &DepartmentEvent,
    now: i64,
    unmatched: Option<(String, &str)>,
) -> Result<(NewSignal, Option<Level>), ExchangeError> {
    let kind = event.signal.kind();
    if kind.sent_by() != Some(department) {
        return Err(ExchangeError::NotPermitted("推送本部门以外的事件类型"));
    }
    let reference = event.reference_id.trim();
    if reference.is_empty()
        || reference.len() > REFERENCE_MAX_CHARS
        || !reference.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(ExchangeError::invalid("reference_id", "事件编号须为1至64个可见ASCII字符"));
    }
    let household = matched_household(services, &event.id_number, now, unmatched)
        .await?
        .ok_or(ExchangeError::UnknownPerson)?;
    let level = services.warning_rules.assess(&event.signal, household.category);
    let signal = NewSignal {
        sender: format!("department:{department}"),
        reference_id: reference.to_string(),
        household_id: household.id,
        kind,
        sealed: services.sealer.seal(&event.signal),
        received_at: now,
        warning: None,
    };
    Ok((signal, level))
}

/// A row of a department's file as read: its line number, its reference as written, and the event or
/// why it could not be read.
pub struct ImportRow {
    pub line: usize,
    pub reference: String,
    pub event: Result<DepartmentEvent, String>,
}

/// What became of one row of an uploaded file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowOutcome {
    Warned,
    Recorded,
    /// Received before (through the API or an earlier file).
    Duplicate,
    Refused(String),
}

/// A file holds at most this many events; a department with more sends them through the API.
pub const IMPORT_MAX_ROWS: usize = 5000;

/// 部门数据导入: an administrator uploads the events of a department without a system. Each row is checked
/// and matched as an API call would be; the accepted rows are stored together in one transaction with
/// one audit entry, the refused ones not at all, and every row gets its outcome: (line, reference,
/// outcome).
pub async fn import_events(
    services: &Services,
    admin: &StaffIdentity,
    department: &str,
    rows: Vec<ImportRow>,
    now: i64,
) -> Result<Vec<(usize, String, RowOutcome)>, ExchangeError> {
    may_import(admin, department, rows.len())?;
    let mut report = Vec::with_capacity(rows.len());
    let mut accepted = Vec::new();
    let mut calendar = None;
    // The line each reference first appears on, so that a repeat is found in one lookup.
    let mut first_lines: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for row in rows {
        let reference = row.reference.trim().to_string();
        let earlier = first_lines.get(&reference).copied();
        if !reference.is_empty() && earlier.is_none() {
            first_lines.insert(reference.clone(), row.line);
        }
        let outcome = match (row.event, earlier) {
            (Err(reason), _) => Err(reason),
            (Ok(_), Some(line)) => Err(format!("与第{line}行的事件编号重复")),
            (Ok(event), None) => match weigh_event(services, department, &event, now, None).await {
                Err(ExchangeError::Store(e)) => return Err(e.into()),
                weighed => weighed.map_err(|e| e.to_string()),
            },
        };
        match outcome {
            Ok((signal, level)) => {
                if level.is_some() && calendar.is_none() {
                    calendar = Some(services.working_calendar().await?);
                }
                let warning =
                    level.zip(calendar.as_ref()).map(|(level, c)| open_warning(services, level, now, c));
                accepted.push((report.len(), NewSignal { warning, ..signal }));
                report.push((row.line, reference, RowOutcome::Recorded));
            }
            Err(reason) => report.push((row.line, reference, RowOutcome::Refused(reason))),
        }
    }
    store_accepted(services, admin, department, accepted, &mut report, now).await?;
    Ok(report)
}

/// Only an administrator imports, for a known department, a file of 1 to `IMPORT_MAX_ROWS` events.
fn may_import(admin: &StaffIdentity, department: &str, rows: usize) -> Result<(), ExchangeError> {
    if !admin.is_administrator() {
        return Err(ExchangeError::NotPermitted("导入部门数据"));
    }
    if !DEPARTMENTS.iter().any(|(key, _)| *key == department) {
        return Err(ExchangeError::invalid("department", "请选择部门"));
    }
    match rows {
        0 => Err(ExchangeError::invalid("file", "文件中没有事件，请检查是否选错了文件")),
        n if n > IMPORT_MAX_ROWS => Err(ExchangeError::invalid(
            "file",
            format!("一个文件最多{IMPORT_MAX_ROWS}行事件，请分成几个文件"),
        )),
        _ => Ok(()),
    }
}

/// Stores the accepted rows together with one audit entry, and marks each row's outcome in `report`
/// (at the index kept beside the signal).
async fn store_accepted(
    services: &Services,
    admin: &StaffIdentity,
    department: &str,
    accepted: Vec<(usize, NewSignal)>,
    report: &mut [(usize, String, RowOutcome)],
    now: i64,
) -> Result<(), ExchangeError> {
    if accepted.is_empty() {
        return Ok(());
    }
    let signals: Vec<NewSignal> = accepted.iter().map(|(_, signal)| signal.clone()).collect();
    let refused = report.len() - signals.len();
    let audit = AuditEvent {
        at: now,
        actor: format!("staff:{}", admin.id),
        action: "api.events_imported".into(),
        subject: format!("department:{department}"),
        detail: format!("{} accepted, {refused} refused", signals.len()),
    };
    let recorded = services.store.record_signals(&signals, &audit).await?;
    for ((index, _), recorded) in accepted.iter().zip(recorded) {
        report[*index].2 = match recorded {
            SignalRecorded::Duplicate => RowOutcome::Duplicate,
            SignalRecorded::NoWarning => RowOutcome::Recorded,
            SignalRecorded::Raised(_) | SignalRecorded::Merged(_) => RowOutcome::Warned,
        };
    }
    Ok(())
}

/// A call refused after its token was accepted (a body that does not read, a field, a scope) is audited
/// too, so that every call of a credential is in the log: `call` names the endpoint, `why` the error code
/// and field.
pub async fn record_refusal(
    services: &Services,
    caller: &Caller,
    call: &str,
    why: String,
    now: i64,
) -> Result<(), StoreError> {
    services.store.append_audit(&caller.audit(now, "api.call_refused", format!("call:{call}"), why)).await?;
    Ok(())
}

/// 对象互认: the category of the register household the person belongs to; `None` (not recognised)
/// when the person is not on the register or the household is in no category.
pub async fn recognise(
    services: &Services,
    caller: &Caller,
    id_number: &str,
    now: i64,
) -> Result<Option<Category>, ExchangeError> {
    caller.require(ApiScope::AskRecognition)?;
    let Some(household) =
        matched_household(services, id_number, now, Some((caller.actor(), "api.recognition_unknown")))
            .await?
    else {
        return Ok(None);
    };
    let subject = format!("household:{}", household.id);
    let answer = household.category.map(|c| c.key()).unwrap_or("none");
    services.store.append_audit(&caller.audit(now, "api.recognition", subject, answer.into())).await?;
    Ok(household.category)
}

/// The register household of the person with this ID number; asking about an unknown person is audited
/// as `unmatched` = (actor, action) when given.
async fn matched_household(
    services: &Services,
    id_number: &str,
    now: i64,
    unmatched: Option<(String, &str)>,
) -> Result<Option<MonitoredHousehold>, ExchangeError> {
    let id_number = IdNumber::parse(id_number, BirthDate::today_in_china(now))
        .map_err(|e| ExchangeError::invalid("id_number", e.to_string()))?;
    let hash = member_hash(&services.hasher, &id_number);
    let household = services.store.member_household(&hash).await?;
    if let (None, Some((actor, action))) = (&household, unmatched) {
        let subject = format!("person:{}", &hash[..12]);
        services.store.append_audit(&AuditEvent::at(now, actor, action, subject, String::new())).await?;
    }
    Ok(household)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(scopes: &[&str]) -> CredentialForm {
        CredentialForm {
            api_department: "education".into(),
            api_label: " 学籍系统 ".into(),
            api_scopes: scopes.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_credential_keeps_the_known_scopes_ticked_and_needs_one() {
        let new = NewCredential::try_from(form(&["recognition", "nonsense", "events"])).ok().unwrap();
        assert_eq!(
            (new.label.as_str(), new.scopes),
            ("学籍系统", vec![ApiScope::AskRecognition, ApiScope::SendEvents])
        );
        let refused = NewCredential::try_from(form(&["nonsense"])).err().unwrap();
        assert!(matches!(refused, ExchangeError::Invalid { field: "scopes", .. }), "{refused:?}");
    }
}
