//! 举报: filing a report of suspected fraud, proving the receipt code, the reporter's answers, and the
//! officer's side (questions, outcome, linking to a case, reading evidence).
//!
//! Reporter protection: nothing in this flow reads or stores the client's address or browser (the
//! per-IP budgets live in memory only), what the reporter writes is sealed, the receipt code is kept
//! only as a keyed hash of its first characters and a slow hash of the whole code, and photos lose
//! their metadata before they are written.

use super::client::ClientAddr;
use super::rate_limit::IpBudget;
use super::respond::{back_with, disk_full, failure, not_this_form, redirect, NOTHING_TYPED};
use super::review::signed_in;
use super::static_pages::html_response;
use crate::config::Config;
use crate::startup::AppState;
use crate::uploads::is_disk_full;
use crate::uploads::{discard, file_response, read_anonymous_form, SavedFile};
use app::audit::AuditEvent;
use app::auth::{
    cookie, hash_password_gated, issue_report_token, password_matches, report_from_token, ReportClaims,
    REPORT_COOKIE, REPORT_SESSION_SECONDS,
};
use app::auth::{cookie_in, SameSite};
use app::domain::calendar::Date;
use app::domain::report::{
    check_message, check_report, grouping_key, normalize_receipt, receipt_code, receipt_lookup, MessagePost,
    ReportContent, ReportForm, ReportInput, ReportPost, ReportStatus, DESCRIPTION_MAX_CHARS, GROUPING_DAYS,
    OUTCOME_MAX_CHARS, RECEIPT_CHARS, SUBJECT_MAX_CHARS,
};
use app::domain::staff::StaffIdentity;
use app::domain::upload::REPORT_FILES_PER_DAY;
use app::store::{uploads_refused, NewReport, NewReportMessage, NoticeEntry, ReportRecord, StoreError};
use axum::{
    extract::{Multipart, Path, State},
    http::{HeaderMap, StatusCode},
    response::Response,
    Form,
};
use rand::RngCore;
use std::time::Duration;

/// The in-memory per-IP budgets of the report routes.
#[derive(Clone)]
pub struct ReportDesk {
    filing: IpBudget,
    receipts: IpBudget,
}

impl ReportDesk {
    pub fn new(config: &Config) -> Self {
        Self {
            filing: IpBudget::new(config.reports_per_hour, Duration::from_secs(3600)),
            receipts: IpBudget::new(config.receipt_checks_per_quarter_hour, Duration::from_secs(15 * 60)),
        }
    }
}

const FORM: &str = app::routes::REPORT;
const RECEIPT: &str = "/report/receipt";
const CHECK: &str = app::routes::REPORT_CHECK;
const VIEW: &str = "/report/view";

/// The typed fields that come back after a failed post (never the trap field, never files), each
/// cut to the most its input takes: nothing longer than the form allows is kept.
const KEPT_FIELDS: [(&str, usize); 6] = [
    ("township", 9),
    ("subject", SUBJECT_MAX_CHARS),
    ("suspicion", 32),
    ("description", DESCRIPTION_MAX_CHARS),
    ("contact_name", 20),
    ("contact_phone", 20),
];

fn kept(post: &ReportPost) -> Vec<(&'static str, String)> {
    let values = [
        &post.township,
        &post.subject,
        &post.suspicion,
        &post.description,
        &post.contact_name,
        &post.contact_phone,
    ];
    KEPT_FIELDS
        .iter()
        .zip(values)
        .map(|((field, max), value)| (*field, value.chars().take(*max).collect()))
        .collect()
}

/// POST /report
pub async fn file(State(state): State<AppState>, client: ClientAddr, multipart: Multipart) -> Response {
    // Refused by the budget before anything is read: nothing of the post is kept.
    if state.reports.filing.spend(client).is_err() {
        let message = "提交太频繁，请一小时后再试，或直接拨打上方的举报电话".to_string();
        return back_with(&state, FORM, NOTHING_TYPED, &[("description", message)]).await;
    }
    let form = match read_anonymous_form(multipart, "evidence").await {
        Ok(form) => form,
        Err(incomplete) => {
            return back_with(&state, FORM, NOTHING_TYPED, &[("evidence", incomplete.to_string())]).await
        }
    };
    let Some(post) = form.fields_as::<ReportPost>() else { return not_this_form() };
    let entry = post.entry.parse::<i64>().ok();
    let page = entry.map(|id| format!("{FORM}?entry={id}")).unwrap_or_else(|| FORM.to_string());
    let report = match checked_report(&state, &post, form.file_problem(), entry).await {
        Ok(Ok(report)) => report,
        Ok(Err(problems)) => return back_with(&state, &page, &kept(&post), &problems).await,
        Err(response) => return response,
    };
    let files = match state.evidence.save_all(&form).await {
        Ok(files) => files,
        Err(e) if is_disk_full(&e) => {
            return back_with(&state, &page, &kept(&post), &[disk_full("evidence")]).await
        }
        Err(e) => return failure("saving evidence failed", e),
    };
    store_with_receipt(&state, report, files).await
}

/// A report that passed its checks, before its receipt code is drawn.
struct CheckedReport {
    county_code: String,
    township_code: String,
    picked: Option<NoticeEntry>,
    input: ReportInput,
}

/// The report as the form describes it, or the problems to show next to its fields (`refused_file`: why
/// an evidence file was refused).
async fn checked_report(
    state: &AppState,
    post: &ReportPost,
    refused_file: Option<String>,
    entry: Option<i64>,
) -> Result<Result<CheckedReport, Vec<(&'static str, String)>>, Response> {
    // A picked public entry decides the township; its masked name is the subject.
    let picked = match entry {
        Some(id) => {
            match state.services.store.public_entry(id, Date::today_in_china(state.services.now())).await {
                Ok(found) => found,
                Err(e) => return Err(failure("reading a public entry failed", e)),
            }
        }
        None => None,
    };
    let township = picked.as_ref().map(|p| p.township_code.clone()).unwrap_or(post.township.clone());
    let subject = match &picked {
        Some(p) => format!("{}（{}，公示/名单中的家庭）", p.head_name_masked, p.village),
        None => post.subject.clone(),
    };
    let checked = check_report(&ReportForm {
        township: &township,
        subject: &subject,
        picked: picked.is_some(),
        suspicion: &post.suspicion,
        description: &post.description,
        contact_name: &post.contact_name,
        contact_phone: &post.contact_phone,
        trap: &post.website,
    });
    let mut problems = checked.as_ref().err().cloned().unwrap_or_default();
    problems.extend(refused_file.map(|message| ("evidence", message)));
    let input = match checked {
        Ok(input) if problems.is_empty() => input,
        _ => return Ok(Err(problems)),
    };
    let divisions = &state.services.divisions;
    let county = divisions.iter().find(|(_, townships)| townships.iter().any(|t| t.code == township));
    let Some((county, _)) = county else {
        return Ok(Err(vec![("township", "请从列表中选择乡镇（街道）".to_string())]));
    };
    Ok(Ok(CheckedReport { county_code: county.code.clone(), township_code: township, picked, input }))
}

/// Stores the report under a new receipt code and shows the code once; a new code on the (rare) clash
/// of lookup parts.
async fn store_with_receipt(state: &AppState, report: CheckedReport, files: Vec<SavedFile>) -> Response {
    let CheckedReport { county_code, township_code, picked, input } = report;
    let picked_entry = picked.as_ref().map(|p| p.application_id);
    let content = ReportContent {
        subject: input.subject.clone(),
        description: input.description,
        contact: input.contact,
    };
    let hasher = &state.services.hasher;
    let key = grouping_key(&township_code, picked_entry, &input.subject);
    let created_at = state.services.now();
    for _ in 0..3 {
        let code = new_receipt();
        let canonical = normalize_receipt(&code).unwrap_or_default();
        let slow_hash = match hash_slowly(canonical.clone()).await {
            Ok(hash) => hash,
            Err(response) => return response,
        };
        let report = NewReport {
            county_code: county_code.clone(),
            township_code: township_code.clone(),
            picked_entry,
            suspicion: input.suspicion,
            sealed: state.services.sealer.seal(&content),
            grouping_key: hasher.digest("report group", &key),
            receipt_lookup: hasher.digest("report receipt", receipt_lookup(&canonical)),
            receipt_hash: slow_hash,
            created_at,
            group_since: created_at - GROUPING_DAYS * 86_400,
            files: files.clone(),
        };
        let audit = |(id, group)| {
            AuditEvent::at(
                created_at,
                "public",
                "report.filed",
                format!("report:{id}"),
                format!("group {group}"),
            )
        };
        match state.services.store.file_report(&report, &audit).await {
            Ok(_) => return back_with(state, RECEIPT, &[("receipt", code.as_str())], &[]).await,
            Err(StoreError::Conflict(_)) => continue,
            Err(e) => return failure("storing a report failed", e),
        }
    }
    failure("storing a report failed", "three receipt clashes in a row")
}

fn new_receipt() -> String {
    let mut random = [0u8; RECEIPT_CHARS];
    rand::rngs::OsRng.fill_bytes(&mut random);
    receipt_code(random)
}

/// Argon2 takes a noticeable moment: through the hashing gate, off the request threads.
async fn hash_slowly(code: String) -> Result<String, Response> {
    hash_password_gated(code).await.map_err(|e| failure("hashing a receipt failed", e))
}

/// The report this receipt code proves, if any. Unknown codes and wrong codes look the same.
async fn report_for_receipt(state: &AppState, typed: &str) -> Result<Option<ReportRecord>, Response> {
    let Some(code) = normalize_receipt(typed) else { return Ok(None) };
    let lookup = state.services.hasher.digest("report receipt", receipt_lookup(&code));
    let record = match state.services.store.report_by_lookup(&lookup).await {
        Ok(Some(record)) => record,
        Ok(None) => return Ok(None),
        Err(e) => return Err(failure("reading a report failed", e)),
    };
    let hash = record.receipt_hash.clone();
    let proved = password_matches(code, hash).await;
    Ok(proved.then_some(record))
}

fn open_report(state: &AppState, report: i64) -> Response {
    let claims = ReportClaims { report, exp: state.services.now() + REPORT_SESSION_SECONDS };
    let token = issue_report_token(state.config.session_secret.expose(), &claims);
    redirect(
        VIEW,
        &[cookie(
            REPORT_COOKIE,
            &token,
            REPORT_SESSION_SECONDS,
            SameSite::Strict,
            state.config.secure_cookies,
        )],
    )
}

#[derive(serde::Deserialize)]
pub struct ReceiptForm {
    #[serde(default)]
    receipt: String,
    /// On the receipt page: the code shown, to compare with what was typed back.
    #[serde(default)]
    shown: String,
}

/// POST /report/confirm: the reporter types the code back once, which proves they copied it.
pub async fn confirm(
    State(state): State<AppState>,
    client: ClientAddr,
    Form(form): Form<ReceiptForm>,
) -> Response {
    let shown = [("receipt", form.shown.as_str())];
    let matches = normalize_receipt(&form.receipt).is_some()
        && normalize_receipt(&form.receipt) == normalize_receipt(&form.shown);
    if !matches {
        let message = "和上面的回执码不一致，请核对后重新输入".to_string();
        return back_with(&state, RECEIPT, &shown, &[("typed", message)]).await;
    }
    if let Err(wait) = state.reports.receipts.spend(client) {
        return back_with(&state, RECEIPT, &shown, &[("typed", too_many_tries(wait))]).await;
    }
    match report_for_receipt(&state, &form.receipt).await {
        Ok(Some(report)) => open_report(&state, report.id),
        Ok(None) => back_with(&state, RECEIPT, &shown, &[("typed", "回执码不正确".to_string())]).await,
        Err(response) => response,
    }
}

fn too_many_tries(wait_seconds: u64) -> String {
    format!("尝试次数过多，请{}分钟后再试", wait_seconds.div_ceil(60).max(1))
}

/// POST /report/check
pub async fn check(
    State(state): State<AppState>,
    client: ClientAddr,
    Form(form): Form<ReceiptForm>,
) -> Response {
    if let Err(wait) = state.reports.receipts.spend(client) {
        return back_with(&state, CHECK, NOTHING_TYPED, &[("receipt", too_many_tries(wait))]).await;
    }
    if normalize_receipt(&form.receipt).is_none() {
        let message = format!("回执码是{RECEIPT_CHARS}位字母和数字，请完整输入");
        return back_with(&state, CHECK, NOTHING_TYPED, &[("receipt", message)]).await;
    }
    match report_for_receipt(&state, &form.receipt).await {
        Ok(Some(report)) => open_report(&state, report.id),
        Ok(None) => {
            back_with(&state, CHECK, NOTHING_TYPED, &[("receipt", "回执码不正确，请核对".to_string())]).await
        }
        Err(response) => response,
    }
}

fn proved_report(state: &AppState, headers: &HeaderMap) -> Option<i64> {
    cookie_in(headers, REPORT_COOKIE)
        .and_then(|token| {
            report_from_token(state.config.session_secret.expose(), &token, state.services.now())
        })
        .map(|claims| claims.report)
}

/// POST /report/reply: the reporter answers the officer or adds evidence.
pub async fn reply(State(state): State<AppState>, headers: HeaderMap, multipart: Multipart) -> Response {
    let Some(report_id) = proved_report(&state, &headers) else {
        discard(multipart).await;
        return redirect(CHECK, &[]);
    };
    let form = match read_anonymous_form(multipart, "evidence").await {
        Ok(form) => form,
        Err(incomplete) => {
            return back_with(&state, VIEW, NOTHING_TYPED, &[("evidence", incomplete.to_string())]).await
        }
    };
    let Some(post) = form.fields_as::<MessagePost>() else { return not_this_form() };
    let typed = [("body", post.body.as_str())];
    let body = match check_message(&post.body) {
        Ok(body) => body,
        Err(_) if !form.files.is_empty() && post.body.trim().is_empty() => "（补充材料）".to_string(),
        Err(message) => return back_with(&state, VIEW, &typed, &[("body", message)]).await,
    };
    if let Some(message) = form.file_problem() {
        return back_with(&state, VIEW, &typed, &[("evidence", message)]).await;
    }
    let subject = format!("report:{report_id}");
    let store = state.services.store.as_ref();
    match uploads_refused(store, &subject, form.files.len(), REPORT_FILES_PER_DAY, state.services.now()).await
    {
        Ok(None) => {}
        Ok(Some(message)) => return back_with(&state, VIEW, &typed, &[("evidence", message)]).await,
        Err(e) => return failure("counting uploads failed", e),
    }
    let files = match state.evidence.save_all(&form).await {
        Ok(files) => files,
        Err(e) if is_disk_full(&e) => return back_with(&state, VIEW, &typed, &[disk_full("evidence")]).await,
        Err(e) => return failure("saving evidence failed", e),
    };
    let now = state.services.now();
    let message = NewReportMessage {
        report_id,
        from_officer: false,
        body_sealed: state.services.sealer.seal(&body),
        at: now,
        files,
        audit: AuditEvent::at(now, "public", "report.reply", format!("report:{report_id}"), "reporter wrote"),
    };
    if let Err(e) = state.services.store.add_report_message(&message).await {
        return failure("storing a reply failed", e);
    }
    redirect(&format!("{VIEW}?sent=1"), &[])
}

/// POST /report/leave: forgets the proved receipt on this phone.
pub async fn leave(State(state): State<AppState>) -> Response {
    redirect(CHECK, &[cookie(REPORT_COOKIE, "", 0, SameSite::Strict, state.config.secure_cookies)])
}

fn not_found() -> Response {
    html_response(StatusCode::NOT_FOUND, "没有这条举报", "编号不存在，或不属于您负责的范围。")
}

/// The report, if the signed-in officer handles its county.
async fn handled_report(
    state: &AppState,
    headers: &HeaderMap,
    id: i64,
) -> Result<(StaffIdentity, ReportRecord), Response> {
    let Some(account) = signed_in(state, headers).await else {
        return Err(redirect(app::routes::REVIEW_LOGIN, &[]));
    };
    match state.services.store.report(id).await {
        Ok(Some(report)) if account.identity.may_handle_reports_in(&report.county_code) => {
            Ok((account.identity, report))
        }
        Ok(_) => Err(not_found()),
        Err(e) => Err(failure("reading a report failed", e)),
    }
}

#[derive(serde::Deserialize)]
pub struct QuestionForm {
    #[serde(default)]
    body: String,
}

/// POST /review/reports/{id}/message: the officer asks the reporter a question.
pub async fn ask(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<QuestionForm>,
) -> Response {
    let (staff, report) = match handled_report(&state, &headers, id).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let page = format!("/review/reports/{id}");
    let body = match check_message(&form.body) {
        Ok(body) => body,
        Err(message) => {
            return back_with(&state, &page, &[("body", form.body.as_str())], &[("body", message)]).await
        }
    };
    let now = state.services.now();
    let message = NewReportMessage {
        report_id: report.id,
        from_officer: true,
        body_sealed: state.services.sealer.seal(&body),
        at: now,
        files: Vec::new(),
        audit: AuditEvent::at(
            now,
            format!("staff:{}", staff.id),
            "report.question",
            format!("report:{id}"),
            "asked the reporter",
        ),
    };
    if let Err(e) = state.services.store.add_report_message(&message).await {
        return failure("storing a question failed", e);
    }
    redirect(&page, &[])
}

#[derive(serde::Deserialize)]
pub struct UpdateForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    reference: String,
}

/// POST /review/reports/{id}/update: status, outcome for the reporter, and the case it concerns.
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<UpdateForm>,
) -> Response {
    let (staff, report) = match handled_report(&state, &headers, id).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let page = format!("/review/reports/{id}");
    let typed = [
        ("status", form.status.as_str()),
        ("outcome", form.outcome.as_str()),
        ("reference", form.reference.as_str()),
    ];
    let mut problems = Vec::new();
    let status = ReportStatus::from_key(&form.status);
    if status.is_none() {
        problems.push(("status", "请选择办理状态".to_string()));
    }
    let outcome = form.outcome.trim();
    if status == Some(ReportStatus::Concluded) && outcome.is_empty() {
        problems.push(("outcome", "办结时请填写告知举报人的处理结果".to_string()));
    }
    if outcome.chars().count() > OUTCOME_MAX_CHARS {
        problems.push(("outcome", format!("处理结果最多{OUTCOME_MAX_CHARS}个字")));
    }
    let store = &state.services.store;
    let reference = form.reference.trim().to_uppercase();
    let linked = if reference.is_empty() {
        None
    } else {
        match store.application_by_reference(&reference).await {
            Ok(Some(case)) if case.county_code == report.county_code => Some(case.id),
            Ok(_) => {
                problems.push(("reference", "案件编号不存在，或不在本县".to_string()));
                None
            }
            Err(e) => return failure("reading a case failed", e),
        }
    };
    let Some(status) = status.filter(|_| problems.is_empty()) else {
        return back_with(&state, &page, &typed, &problems).await;
    };
    let detail = format!(
        "status {}, linked case {}",
        status.key(),
        if linked.is_some() { reference.as_str() } else { "none" }
    );
    let now = state.services.now();
    let audit =
        AuditEvent::at(now, format!("staff:{}", staff.id), "report.updated", format!("report:{id}"), detail);
    if let Err(e) = store.update_report(id, status, outcome, linked, now, &audit).await {
        return failure("updating a report failed", e);
    }
    redirect(&page, &[])
}

/// GET /review/reports/file/{id}: an evidence file, for the officer handling the report.
pub async fn evidence(
    State(state): State<AppState>,
    Path(file_id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let store = &state.services.store;
    let (report_id, file) = match store.report_file(file_id).await {
        Ok(Some(found)) => found,
        Ok(None) => return not_found(),
        Err(e) => return failure("reading a file record failed", e),
    };
    let staff = match handled_report(&state, &headers, report_id).await {
        Ok((staff, _)) => staff,
        Err(response) => return response,
    };
    let bytes = match state.evidence.read(&file.sha256).await {
        Ok(bytes) => bytes,
        Err(e) => return failure("reading evidence failed", e),
    };
    let audit = AuditEvent::at(
        state.services.now(),
        format!("staff:{}", staff.id),
        "report.file_viewed",
        format!("report:{report_id}"),
        format!("file {file_id}"),
    );
    if let Err(e) = store.append_audit(&audit).await {
        return failure("audit append failed", e);
    }
    file_response(bytes, &file.content_type)
}
