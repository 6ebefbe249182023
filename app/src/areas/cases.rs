//! 审核队列 and the case page for township and county reviewers. Every server function checks the
//! signed-in account against the case's township (a township reviewer sees only its own township, a
//! county reviewer its county); the action forms post to `server/src/web/cases.rs`, which checks again
//! and applies the workflow rules.

use crate::domain::application::Draft;
use crate::domain::assistance::AssistanceType;
use crate::domain::workflow::{Action, Status};
use crate::forms::{query, ErrorSummary, Field, FileField, IslandScripts};
use crate::suspense::deferred;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

/// One line of the queue.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct QueueRow {
    pub reference: String,
    pub place: String,
    pub types: String,
    pub status: String,
    pub decision_due: String,
    /// Working days left before the decision deadline; negative when overdue.
    pub days_left: i64,
    pub is_open: bool,
    pub emergency: bool,
}

#[cfg(feature = "ssr")]
mod access {
    use crate::domain::staff::{Role, StaffIdentity};
    use crate::store::QueueScope;

    /// Whose cases the reviewer handles: a township's, or a county's; nobody else has a queue.
    pub fn queue_scope(staff: &StaffIdentity) -> Option<QueueScope> {
        match staff.role {
            Role::TownshipReviewer => Some(QueueScope::Township(staff.scope.clone())),
            Role::CountyReviewer => Some(QueueScope::County(staff.scope.clone())),
            Role::DepartmentOfficer | Role::Administrator | Role::VillageWorker => None,
        }
    }
}

#[cfg(feature = "ssr")]
fn failed(e: impl std::fmt::Display) -> ServerFnError {
    super::read_failed("review", "暂时无法读取案件，请稍后再试", e)
}

/// Cases per page of the queue.
pub const QUEUE_PAGE_SIZE: u32 = 50;

/// A page of a reviewer's queue; for a county, also how many open cases are overdue in each township.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct QueueView {
    pub rows: Vec<QueueRow>,
    /// Cases matching the filters, on every page.
    pub total: u64,
    pub page: u32,
    /// (township, overdue open cases), the most first; county reviewers only, townships with none left out.
    pub overdue_by_township: Vec<(String, u64)>,
}

/// A page of the signed-in reviewer's queue, filtered; `None` when the account reviews no cases.
#[server]
pub async fn load_queue(
    status: String,
    kind: String,
    overdue: bool,
    page: u32,
) -> Result<Option<QueueView>, ServerFnError> {
    use crate::domain::calendar::Date;
    use crate::store::{Page, QueueQuery, QueueScope};
    let Some(staff) = crate::auth::current_staff().await else {
        return Err(ServerFnError::new("请先登录"));
    };
    let Some(scope) = access::queue_scope(&staff) else { return Ok(None) };
    let services = crate::services::services()?;
    let today = Date::today_in_china(services.now());
    let calendar = services.working_calendar().await.map_err(failed)?;
    let (store, divisions) = (services.store, services.divisions);
    let overdue_through = calendar.overdue_through(today);
    let page = page.max(1);
    let query = QueueQuery {
        scope: scope.clone(),
        status,
        kind,
        due_by: overdue.then_some(overdue_through),
        page: Page::numbered(page, QUEUE_PAGE_SIZE),
    };
    let (cases, total) = store.review_queue(&query).await.map_err(failed)?;
    let county = matches!(scope, QueueScope::County(_));
    let overdue_by_township = match &scope {
        QueueScope::County(code) => store
            .overdue_by_township(code, overdue_through)
            .await
            .map_err(failed)?
            .into_iter()
            .map(|(township, n)| (crate::store::place_name(&divisions, &township), n))
            .collect(),
        QueueScope::Township(_) => Vec::new(),
    };
    let rows = cases
        .into_iter()
        .map(|case| {
            let township = crate::store::place_name(&divisions, &case.township_code);
            QueueRow {
                place: if county { format!("{township} {}", case.village) } else { case.village.clone() },
                types: case.types.iter().map(|t| t.label()).collect::<Vec<_>>().join("、"),
                status: case.status.label().to_string(),
                decision_due: case.decision_due.chinese(),
                days_left: calendar.days_left(today, case.decision_due),
                is_open: !case.status.is_final(),
                emergency: case.emergency,
                reference: case.reference,
            }
        })
        .collect();
    Ok(Some(QueueView { rows, total, page, overdue_by_township }))
}

/// The queue with its filters, on the reviewer's landing page.
#[component]
pub fn CaseQueue() -> impl IntoView {
    let (status, kind, overdue) = (query("status"), query("type"), query("overdue") == "yes");
    let page = query("page").parse::<u32>().unwrap_or(1).max(1);
    let (status_now, kind_now) = (status.clone(), kind.clone());
    view! {
        <Suspense fallback=|| ()>
            {deferred(async move {
                let Ok(Some(queue)) = load_queue(status.clone(), kind.clone(), overdue, page).await else { return ().into_any() };
                let QueueView { rows, total, page, overdue_by_township } = queue;
                let (s, k, o) = (crate::paging::encode(&status), crate::paging::encode(&kind), if overdue { "yes" } else { "" });
                let ledger = format!("/review/queue.xlsx?status={s}&type={k}&overdue={o}");
                let link = move |p: u64| format!("/review?status={s}&type={k}&overdue={o}&page={p}");
                let pages = crate::paging::PageLinks::new(total, page, QUEUE_PAGE_SIZE, link);
                view! {
                    {(!overdue_by_township.is_empty()).then(|| view! { <OverdueSummary townships=overdue_by_township/> })}
                    <h2>"审核队列"</h2>
                    <form method="get" action="/review" class="filters">
                        <label for="status">"状态"</label>
                        <select id="status" name="status">
                            <option value="">"全部"</option>
                            {Status::ALL.into_iter().map(|s| view! { <option value=s.key() selected=s.key() == status_now>{s.label()}</option> }).collect_view()}
                        </select>
                        <label for="type">"救助类型"</label>
                        <select id="type" name="type">
                            <option value="">"全部"</option>
                            {AssistanceType::ALL.into_iter().map(|t| view! { <option value=t.key() selected=t.key() == kind_now>{t.label()}</option> }).collect_view()}
                        </select>
                        <label class="choice" for="overdue">
                            <input type="checkbox" id="overdue" name="overdue" value="yes" checked=overdue/>"只看超期"
                        </label>
                        <button type="submit" class="secondary">"筛选"</button>
                    </form>
                    <p>{format!("共 {total} 件，第 {} / {} 页", pages.page, pages.count)}
                        " " <a href=ledger download>"导出台账（Excel，按当前筛选）"</a></p>
                    <div class="table-scroll"><table class="queue">
                        <thead><tr><th>"编号"</th><th>"村（社区）"</th><th>"救助类型"</th><th>"状态"</th><th>"办结期限"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|row| {
                                let deadline = match (row.is_open, row.days_left) {
                                    (false, _) => row.decision_due.clone(),
                                    (true, d) if d < 0 => format!("{}（已超期{}个工作日）", row.decision_due, -d),
                                    (true, d) => format!("{}（剩{}个工作日）", row.decision_due, d),
                                };
                                let overdue = row.is_open && row.days_left < 0;
                                view! {
                                    <tr class:overdue=overdue>
                                        <td><a href=format!("/review/case/{}", row.reference)>{row.reference.clone()}</a>
                                            {row.emergency.then(|| view! { <span class="tag">"急难"</span> })}</td>
                                        <td>{row.place}</td>
                                        <td>{row.types}</td>
                                        <td>{row.status}</td>
                                        <td>{deadline}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                    <crate::paging::Pager pages/>
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// The county's list of townships with overdue cases, above its queue.
#[component]
fn OverdueSummary(townships: Vec<(String, u64)>) -> impl IntoView {
    let total: u64 = townships.iter().map(|(_, n)| n).sum();
    view! {
        <section class="notice overdue-summary" aria-labelledby="overdue-heading">
            <h2 id="overdue-heading">{format!("超期未办结 {total} 件")}</h2>
            <ul>
                {townships.into_iter().map(|(township, n)| view! { <li>{format!("{township}：{n} 件")}</li> }).collect_view()}
            </ul>
            <p><a href="/review?overdue=yes">"查看全部超期案件"</a></p>
        </section>
    }
}

/// Everything a reviewer needs on one case.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CaseView {
    pub reference: String,
    pub status: Status,
    pub place: String,
    pub village: String,
    pub types: Vec<AssistanceType>,
    pub emergency: bool,
    pub submitted_on: String,
    pub acceptance_due: String,
    pub decision_due: String,
    pub days_left: i64,
    pub monthly_amount: Option<u32>,
    pub notice_until: Option<String>,
    /// Drawn for the county's re-check visit and not recorded yet.
    pub recheck_due: bool,
    /// Reports of suspected fraud linked to the case; counted for county staff only, 0 for others.
    pub linked_reports: u64,
    pub draft: Draft,
    /// (when, who, what, why)
    pub history: Vec<(String, String, String, String)>,
    pub actions: Vec<Action>,
    /// Objections to the notice: (when, reason, contact if left). Staff only.
    pub objections: Vec<(String, String, Option<String>)>,
    /// Files of the case: (file id, "申请人补充：照片（12KB）"). A department sees no objection evidence.
    pub files: Vec<(i64, String)>,
    /// The case's referrals to departments: (department, how it stands, referred on).
    pub referrals: Vec<(String, String, String)>,
    /// For a department officer: their department's referral, which they answer instead of acting on
    /// the workflow.
    pub answer: Option<ReferralAnswer>,
    /// The household's record in the register, once the case is approved.
    pub record: Option<super::register::RecordView>,
    /// 先行救助 on the case, for the township and county.
    pub help_first: super::emergency::EmergencyView,
    pub form: crate::forms::FormFeedback,
}

/// A department's referral as its officer sees it on the case page.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReferralAnswer {
    pub department: String,
    /// "待部门办理" or the recorded outcome.
    pub status: String,
    pub open: bool,
}

/// A case the reviewer may handle (or that is referred to the officer's department), with its personal
/// data; every view is written to the audit log. `None` for a case that does not exist or is outside the
/// account's scope: both look the same.
#[server]
pub async fn load_case(reference: String, flash: String) -> Result<Option<CaseView>, ServerFnError> {
    use crate::features::cases::{open_case, CaseError};
    let Some(staff) = crate::auth::current_staff().await else {
        return Err(ServerFnError::new("请先登录"));
    };
    let services = crate::services::services()?;
    let scoped = match open_case(services.store.as_ref(), &staff, &reference).await {
        Ok(scoped) => scoped,
        Err(CaseError::NotFound) => return Ok(None),
        Err(CaseError::Store(e)) => return Err(failed(e)),
    };
    case_view::build(&services, &staff, scoped, &flash).await.map(Some)
}

/// The sections of a case's page, each read on its own; a department officer gets only what its
/// referral needs.
#[cfg(feature = "ssr")]
mod case_view {
    use super::{failed, CaseView, ReferralAnswer};
    use crate::audit::AuditEvent;
    use crate::domain::calendar::{Calendar, Date};
    use crate::domain::referral::{department_name, status_label};
    use crate::domain::staff::{Role, StaffIdentity};
    use crate::domain::workflow::{self, available_actions, CaseState, Facts};
    use crate::features::cases::ScopedCase;
    use crate::services::Services;
    use crate::store::{ApplicationRecord, CaseEvent, Store};
    use leptos::prelude::ServerFnError;

    pub async fn build(
        services: &Services,
        staff: &StaffIdentity,
        scoped: ScopedCase,
        flash: &str,
    ) -> Result<CaseView, ServerFnError> {
        let store = services.store.as_ref();
        let handler = scoped.is_handler();
        let answer = scoped.referral().map(|r| ReferralAnswer {
            department: department_name(&r.department).to_string(),
            status: status_label(r.outcome).to_string(),
            open: r.outcome.is_none(),
        });
        let case = scoped.record;
        let draft = services.sealer.open(&case.sealed).map_err(failed)?;
        audit_view(services, staff, &case.reference).await?;
        let calendar = services.working_calendar().await.map_err(failed)?;
        let today = Date::today_in_china(services.now());
        let events = store.case_events(case.id).await.map_err(failed)?;
        let facts = facts(&case, &events, today);
        let (record, help_first) = match handler {
            true => handler_sections(services, staff.role, &case, today, &calendar).await?,
            false => (None, Default::default()),
        };
        let actions = match workflow::reviewer_actor(staff.role) {
            Some(actor) if handler => available_actions(case.status, actor, facts),
            _ => Vec::new(),
        };
        let flash = services.flash.get(flash).await.unwrap_or_default();
        Ok(CaseView {
            record,
            help_first,
            files: files(store, case.id, handler).await?,
            referrals: referrals(store, case.id).await?,
            answer,
            linked_reports: linked_reports(store, staff.role, case.id).await?,
            objections: if handler { objections(services, case.id).await? } else { Vec::new() },
            place: crate::store::place_name(&services.divisions, &case.township_code),
            days_left: calendar.days_left(today, case.decision_due),
            submitted_on: Date::today_in_china(case.submitted_at).chinese(),
            acceptance_due: case.acceptance_due.chinese(),
            decision_due: case.decision_due.chinese(),
            notice_until: case.notice_until.map(|d| d.chinese()),
            recheck_due: facts.recheck_due,
            history: history(events),
            reference: case.reference,
            status: case.status,
            village: case.village,
            types: case.types,
            emergency: case.emergency,
            monthly_amount: case.monthly_amount,
            draft,
            actions,
            form: flash,
        })
    }

    /// Showing a case's personal data is audited.
    async fn audit_view(
        services: &Services,
        staff: &StaffIdentity,
        reference: &str,
    ) -> Result<(), ServerFnError> {
        let actor = format!("staff:{}", staff.id);
        let viewed = AuditEvent::at(services.now(), actor, "case.viewed", reference, "personal data shown");
        services.store.append_audit(&viewed).await.map_err(failed)?;
        Ok(())
    }

    fn facts(case: &ApplicationRecord, events: &[CaseEvent], today: Date) -> Facts {
        let keys: Vec<String> = events.iter().map(|e| e.action.clone()).collect();
        let known = CaseState {
            emergency: case.emergency,
            types: &case.types,
            notice_until: case.notice_until,
            recheck_drawn: case.recheck_drawn,
            history: &keys,
        };
        workflow::case_facts(&known, today)
    }

    fn history(events: Vec<CaseEvent>) -> Vec<(String, String, String, String)> {
        let line = |e: CaseEvent| {
            let what = workflow::history_label(&e.action).to_string();
            (Date::today_in_china(e.at).chinese(), e.actor, what, e.note)
        };
        events.into_iter().map(line).collect()
    }

    /// The register record and the help given first: the township's and county's sections.
    async fn handler_sections(
        services: &Services,
        role: Role,
        case: &ApplicationRecord,
        today: Date,
        calendar: &Calendar,
    ) -> Result<
        (Option<crate::areas::register::RecordView>, crate::areas::emergency::EmergencyView),
        ServerFnError,
    > {
        let store = services.store.as_ref();
        let record = match store.assistance_record(case.id).await.map_err(failed)? {
            Some(record) => {
                let mut view = crate::areas::register::build::record_view(&record, role, today, calendar);
                view.declarations = super::declarations(services, case.id).await.map_err(failed)?;
                Some(view)
            }
            None => None,
        };
        let grant = store.emergency_grant(case.id).await.map_err(failed)?;
        let limit =
            crate::features::emergency::township_limit(services, &case.county_code).await.map_err(failed)?;
        let help_first = crate::areas::emergency::build::emergency_view(
            case,
            grant.as_ref(),
            role,
            limit,
            today,
            calendar,
        );
        Ok((record, help_first))
    }

    /// Objectors speak to the township and county; the department only gives its help.
    async fn objections(
        services: &Services,
        application_id: i64,
    ) -> Result<Vec<(String, String, Option<String>)>, ServerFnError> {
        let stored = services.store.objections(application_id).await.map_err(failed)?;
        let line = |o: crate::store::Objection| {
            let contact = o
                .contact_sealed
                .and_then(|sealed| services.sealer.open::<(String, String)>(&sealed).ok())
                .map(|(name, phone)| format!("{name} {phone}"));
            (Date::today_in_china(o.created_at).chinese(), o.reason, contact)
        };
        Ok(stored.into_iter().map(line).collect())
    }

    /// The township must not learn that someone reported the household; the county handles reports.
    async fn linked_reports(
        store: &dyn Store,
        role: Role,
        application_id: i64,
    ) -> Result<u64, ServerFnError> {
        match role {
            Role::CountyReviewer => store.reports_linked_to(application_id).await.map_err(failed),
            _ => Ok(0),
        }
    }

    /// A department sees no objection evidence.
    async fn files(
        store: &dyn Store,
        application_id: i64,
        handler: bool,
    ) -> Result<Vec<(i64, String)>, ServerFnError> {
        let stored = store.case_files(application_id).await.map_err(failed)?;
        Ok(stored
            .into_iter()
            .filter(|f| handler || f.source != "objection")
            .map(|f| (f.id, format!("{}：{}", f.origin(), f.describe())))
            .collect())
    }

    async fn referrals(
        store: &dyn Store,
        application_id: i64,
    ) -> Result<Vec<(String, String, String)>, ServerFnError> {
        let stored = store.referrals_of(application_id).await.map_err(failed)?;
        let line = |r: crate::store::Referral| {
            let name = department_name(&r.department).to_string();
            (name, status_label(r.outcome).to_string(), Date::today_in_china(r.referred_at).chinese())
        };
        Ok(stored.into_iter().map(line).collect())
    }
}

/// The household's declared changes, opened for the reviewer.
#[cfg(feature = "ssr")]
async fn declarations(
    services: &crate::services::Services,
    application_id: i64,
) -> Result<Vec<(String, String, String, String, bool)>, String> {
    use crate::domain::calendar::Date;
    use crate::domain::declaration::DeclarationDraft;
    let stored = services.store.declarations_of(application_id).await.map_err(|e| e.to_string())?;
    stored
        .into_iter()
        .map(|d| {
            let words: DeclarationDraft = services.sealer.open(&d.sealed).map_err(|e| e.to_string())?;
            let income = words.income.map(|n| format!("，家庭现在每月总收入 {n} 元")).unwrap_or_default();
            let said = format!("：{}{income}", words.details);
            let declared = Date::today_in_china(d.created_at).chinese();
            Ok((declared, d.kind.short().to_string(), d.occurred_on.chinese(), said, d.handled_at.is_some()))
        })
        .collect()
}

#[component]
pub fn CasePage() -> impl IntoView {
    let reference = use_params_map().with_untracked(|p| p.get("reference").unwrap_or_default());
    let flash = query("flash");
    view! {
        <Title text="案件详情"/>
        <Meta name="robots" content="noindex"/>
        <p class="breadcrumb"><a href="/review">"返回审核队列"</a></p>
        {super::review::scoped_record(
            load_case(reference, flash),
            |case| view! { <CaseDetails case/> },
            || view! { <h1>"没有这个案件"</h1><p>"编号不存在，或不属于您负责的范围。"</p> },
        )}
    }
}

#[component]
fn CaseDetails(case: CaseView) -> impl IntoView {
    let draft = case.draft.clone();
    let deadline = if case.status.is_final() {
        case.decision_due.clone()
    } else if case.days_left < 0 {
        format!("{}（已超期{}个工作日）", case.decision_due, -case.days_left)
    } else {
        format!("{}（剩{}个工作日）", case.decision_due, case.days_left)
    };
    let income = draft.income.as_ref().map(|i| i.describe());
    let assets = draft.assets.as_ref().map(|a| a.summary());
    let spending = draft.spending.as_ref().map(|s| s.describe());
    let address = draft.place.as_ref().map(|p| p.address.clone()).unwrap_or_default();
    view! {
        <h1>{format!("案件 {}", case.reference)}</h1>
        {(case.linked_reports > 0).then(|| view! {
            <p class="notice report-flag" role="status">{format!("此案关联{}条举报线索（仅县级可见），请在「举报办理」中查看。", case.linked_reports)}</p>
        })}
        <p class="status-line"><strong>{case.status.label()}</strong>{case.emergency.then(|| view! { <span class="tag">"急难"</span> })}{case.recheck_due.then(|| view! { <span class="tag">"抽中县级复核"</span> })}</p>
        {case.answer.is_none().then(|| view! {
            <ul class="paper-links">
                <li><a href=format!("/review/case/{}/form.pdf", case.reference) download=format!("审批表-{}.pdf", case.reference)>"下载审批表（PDF，A4，存档用）"</a></li>
                <li><a href=format!("/review/case/{}/consent.pdf", case.reference) download=format!("授权书和承诺书-{}.pdf", case.reference)>"打印授权书和承诺书（PDF，每位成年家庭成员一页，入户时签字）"</a></li>
            </ul>
        })}
        <dl class="answers">
            <dt>"申请人"</dt><dd>{format!("{}，身份证 {}，手机 {}", draft.applicant.name, draft.applicant.id_number.as_str(), draft.applicant.phone)}</dd>
            {draft.filed_by.as_ref().map(|helper| view! { <dt>"代办人"</dt><dd>{format!("{}，手机 {}", helper.describe(), helper.phone)}</dd> })}
            <dt>"户籍地"</dt><dd>{format!("{} {}，住址：{}", case.place, case.village, address)}</dd>
            <dt>"申请救助"</dt><dd>{case.types.iter().map(|t| t.label()).collect::<Vec<_>>().join("、")}</dd>
            <dt>"提交日期"</dt><dd>{case.submitted_on.clone()}</dd>
            <dt>"受理期限"</dt><dd>{case.acceptance_due.clone()}</dd>
            <dt>"办结期限"</dt><dd>{deadline}</dd>
            <dt>"拟救助金额"</dt><dd>{crate::domain::register::principal_category(&case.types).grant().describe(case.monthly_amount)}</dd>
            {case.notice_until.clone().map(|d| view! { <dt>"公示截止"</dt><dd>{d}</dd> })}
            <dt>"家庭收入"</dt><dd>{income.unwrap_or_default()}</dd>
            <dt>"家庭财产"</dt><dd>{assets.unwrap_or_default()}</dd>
            <dt>"刚性支出"</dt><dd>{spending.unwrap_or_default()}</dd>
            <dt>"困难情况"</dt><dd>{draft.account.clone().unwrap_or_default()}</dd>
        </dl>
        <h2>{format!("家庭成员（{}人）", draft.members.len())}</h2>
        <ul class="members">
            {draft.members.iter().map(|m| view! {
                <li>{format!("{} {}，{}，{}", m.relationship.label(), m.name, m.id_number.as_str(), m.situation())}</li>
            }).collect_view()}
        </ul>
        {(!case.objections.is_empty()).then(|| view! {
            <h2>"公示异议"</h2>
            <ul class="objections">
                {case.objections.iter().map(|(when, reason, contact)| view! {
                    <li>{format!("{when}：{reason}")}" "<span class="hint">{contact.clone().map(|c| format!("（联系人：{c}）")).unwrap_or_else(|| "（匿名）".to_string())}</span></li>
                }).collect_view()}
            </ul>
        })}
        {(!case.files.is_empty()).then(|| view! {
            <h2>"提交的材料"</h2>
            <ul class="case-files">
                {case.files.iter().map(|(id, label)| view! {
                    <li><a href=format!("/review/case/{}/file/{id}", case.reference) target="_blank" rel="noopener">{label.clone()}</a></li>
                }).collect_view()}
            </ul>
        })}
        {(!case.referrals.is_empty()).then(|| view! {
            <h2>"分类推送（专项救助）"</h2>
            <ul class="referrals">
                {case.referrals.iter().map(|(department, status, on)| view! {
                    <li>{format!("{on} 推送至{department}：{status}")}</li>
                }).collect_view()}
            </ul>
        })}
        <h2>"办理记录"</h2>
        <ol class="history">
            {case.history.iter().map(|(when, who, what, why)| view! {
                <li>{format!("{when} {who}：{what}")}{(!why.is_empty()).then(|| format!("（{why}）"))}</li>
            }).collect_view()}
        </ol>
        <super::emergency::EmergencySection emergency=case.help_first.clone() reference=case.reference.clone() form=case.form.clone()/>
        {case.record.clone().map(|record| view! {
            <super::register::RecordSection record reference=case.reference.clone() form=case.form.clone()/>
        })}
        {match case.answer.clone() {
            Some(answer) => view! { <AnswerReferral answer reference=case.reference.clone() form=case.form.clone()/> }.into_any(),
            None => view! { <CaseActions case/> }.into_any(),
        }}
    }
}

/// The department officer's answer to the referral: helped (what was given) or not eligible (why).
#[component]
fn AnswerReferral(
    answer: ReferralAnswer,
    reference: String,
    form: crate::forms::FormFeedback,
) -> impl IntoView {
    use crate::domain::referral::ReferralOutcome;
    use crate::forms::Choice;
    if !answer.open {
        return view! { <h2>"本部门办理结果"</h2><p>{format!("{}：{}", answer.department, answer.status)}</p> }.into_any();
    }
    let error_for = |field: &str| form.error(field);
    let (outcome_error, note_error) = (error_for("outcome"), error_for("note"));
    let note_invalid = note_error.is_some().then_some("true");
    let outcome = form.value("outcome");
    let note = form.value("note");
    let options: Vec<(&str, &str)> = ReferralOutcome::ALL.into_iter().map(|o| (o.key(), o.label())).collect();
    view! {
        <h2>{format!("{}办理", answer.department)}</h2>
        <ErrorSummary errors=form.errors.clone()/>
        <form method="post" action=format!("/review/case/{reference}/referral") class="question-form" novalidate>
            <Choice name="outcome" legend="办理结果" value=outcome options error=outcome_error/>
            <Field name="note" label="办理情况" hint="写明给予的救助（项目、金额或措施），或不符合本部门条件的理由；会记入案件办理记录" error=note_error>
                <textarea id="note" name="note" rows="3" aria-invalid=note_invalid>{note}</textarea>
            </Field>
            <button type="submit" class="primary">"提交办理结果"</button>
        </form>
    }
    .into_any()
}

#[component]
fn CaseActions(case: CaseView) -> impl IntoView {
    let general =
        case.form.errors.iter().filter(|(f, _)| f == "action").map(|(_, m)| m.clone()).collect::<Vec<_>>();
    let general = (!general.is_empty()).then(|| {
        view! { <div class="error-summary" role="alert">{general.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}</div> }
    });
    if case.actions.is_empty() {
        return view! { {general}<p class="hint">"当前状态下您没有需要办理的事项。"</p> }.into_any();
    }
    let note_error = case.form.error("note");
    let amount_error = case.form.error("amount");
    let note = case.form.value("note");
    let amount = case
        .form
        .values
        .get("amount")
        .cloned()
        .unwrap_or_else(|| case.monthly_amount.map(|a| a.to_string()).unwrap_or_default());
    let grant = crate::domain::register::principal_category(&case.types).grant();
    let needs_amount =
        grant.takes_amount() && case.actions.iter().any(|a| matches!(a, Action::Recommend | Action::Approve));
    let takes_photos = case.actions.iter().any(|a| a.takes_photos());
    let photos_error = case.form.error("photos");
    let amount_invalid = amount_error.is_some().then_some("true");
    let note_invalid = note_error.is_some().then_some("true");
    view! {
        <h2>"办理"</h2>
        <ErrorSummary errors=case.form.errors.iter().filter(|(f, _)| f != "action" && !super::emergency::is_emergency_field(f)).cloned().collect()/>
        {general}
        <form method="post" action=format!("/review/case/{}", case.reference) enctype="multipart/form-data" class="question-form" novalidate>
            {needs_amount.then(|| view! {
                <Field name="amount" label=grant.amount_label() hint="审核通过或批准时填写" error=amount_error>
                    <input id="amount" name="amount" inputmode="numeric" class="short" value=amount aria-invalid=amount_invalid/>
                </Field>
            })}
            <Field name="note" label="办理意见" hint="入户调查、核对、复核须写明情况；不予批准或退回乡镇须写明理由；要求补充材料须一次性列出全部缺少的材料" error=note_error>
                <textarea id="note" name="note" rows="3" aria-invalid=note_invalid>{note}</textarea>
            </Field>
            {takes_photos.then(|| view! {
                <FileField name="photos" label="入户照片（可选）" hint=format!("记录{}时可附照片，最多3张，每张不超过5MB；照片里的位置等信息会被去除", Action::PHOTO_STEPS) error=photos_error/>
                <IslandScripts/>
            })}
            <div class="actions">
                {case.actions.iter().map(|a| {
                    let class = if matches!(a, Action::Refuse) { "secondary" } else { "primary" };
                    view! { <button type="submit" name="action" value=a.key() class=class>{a.label()}</button> }
                }).collect_view()}
            </div>
        </form>
    }
    .into_any()
}
