//! The register of assisted households on staff pages: the record on the case page with the township's
//! review form and the county's confirmation, and the review queue (`/review/records`). The forms post
//! to `server/src/web/register.rs`, which calls `features::register`.

use crate::domain::register::{EndReason, Outcome};
use crate::forms::{query, Choice, ErrorSummary, Field, FileField, IslandScripts};
use crate::paging::{PageLinks, Pager};
use crate::suspense::deferred;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use serde::{Deserialize, Serialize};

/// A record as the case page shows it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RecordView {
    pub category: String,
    pub granted: String,
    /// The state on today, e.g. "渐退中".
    pub state: String,
    pub started_on: String,
    /// "渐退至 …", "认定有效期至 …", "终止于 …（原因）".
    pub until: Option<String>,
    /// "2027年12月2日（剩 5 个工作日完成）".
    pub review: Option<String>,
    /// What waits for the county.
    pub proposal: Option<String>,
    /// The outcomes the township reviewer may record now (empty: no review form).
    pub outcomes: Vec<Outcome>,
    /// Whether the county reviewer may confirm or return a proposal now.
    pub confirmable: bool,
    /// Changes the household declared: (declared on, what, when it happened, in their words, handled).
    pub declarations: Vec<(String, String, String, String, bool)>,
}

#[cfg(feature = "ssr")]
pub mod build {
    use super::RecordView;
    use crate::domain::calendar::{Calendar, Date};
    use crate::domain::register::{state_on, EndReason, Outcome, RecordState};
    use crate::domain::staff::Role;
    use crate::store::AssistanceRecord;

    /// The review deadline with the working days left (or past).
    pub fn deadline(calendar: &Calendar, today: Date, due: Date, deadline: Date) -> String {
        if deadline >= today {
            let left = calendar.working_days_between(today, deadline);
            format!("{}（{} 前完成，剩{left}个工作日）", due.chinese(), deadline.chinese())
        } else {
            let late = calendar.working_days_between(deadline, today);
            format!("{}（应于 {} 前完成，已超期{late}个工作日）", due.chinese(), deadline.chinese())
        }
    }

    /// A line of the review queue: a proposal waits for the county, else the review's deadline.
    pub fn review_row(
        r: AssistanceRecord,
        place: &impl Fn(&str) -> String,
        calendar: &Calendar,
        today: Date,
        overdue_through: Date,
    ) -> super::ReviewRow {
        let due = match (&r.proposal, r.review_due, r.review_deadline) {
            (Some(p), _, _) => format!("待县级确认：{}", p.outcome.label()),
            (None, Some(due), Some(by)) => deadline(calendar, today, due, by),
            _ => String::new(),
        };
        super::ReviewRow {
            place: format!("{} {}", place(&r.township_code), r.village),
            category: r.category.label().to_string(),
            granted: r.grant.describe(r.amount),
            overdue: r.proposal.is_none() && r.review_deadline.is_some_and(|d| d <= overdue_through),
            due,
            reference: r.reference,
        }
    }

    /// A declared change waiting for the township: (reference, village, what, when, declared on).
    pub fn declaration_row(d: crate::store::Declaration) -> (String, String, String, String, String) {
        let declared = Date::today_in_china(d.created_at).chinese();
        (d.reference, d.village, d.kind.short().to_string(), d.occurred_on.chinese(), declared)
    }

    /// What the record says on `today`, and what `role` may do with it.
    pub fn record_view(
        record: &AssistanceRecord,
        role: Role,
        today: Date,
        calendar: &Calendar,
    ) -> RecordView {
        let (state, reason) = state_on(record.state, record.ends_on, today);
        let reason = reason.or(record.end_reason);
        let until = match (state, record.ends_on) {
            (RecordState::PhasingOut, Some(end)) => Some(format!("渐退至{}，之后停止发放", end.chinese())),
            (RecordState::Recognised | RecordState::Expired, Some(end)) => {
                Some(format!("认定有效期至{}", end.chinese()))
            }
            (RecordState::Ended, Some(end)) => {
                Some(format!("终止于{}（{}）", end.chinese(), reason.map(EndReason::label).unwrap_or("")))
            }
            _ => None,
        };
        let review = match (record.review_due, record.review_deadline) {
            (Some(due), Some(by)) if state.is_reviewed() => Some(deadline(calendar, today, due, by)),
            _ => None,
        };
        let proposal = record.proposal.as_ref().map(|p| {
            let what = match p.outcome {
                Outcome::Adjust => format!("调整为{}", record.grant.describe(p.amount)),
                _ => format!("终止救助（{}）", p.end_reason.map(EndReason::label).unwrap_or("")),
            };
            format!("乡镇复核提出{what}：{}", p.note)
        });
        let reviewable = state.is_reviewed() && record.proposal.is_none();
        let outcomes = if role == Role::TownshipReviewer && reviewable {
            Outcome::open_to(record.grant, record.category)
        } else {
            Vec::new()
        };
        RecordView {
            category: record.category.label().to_string(),
            granted: record.grant.describe(record.amount),
            state: state.label().to_string(),
            started_on: record.started_on.chinese(),
            until,
            review,
            proposal,
            outcomes,
            confirmable: role == Role::CountyReviewer && record.proposal.is_some(),
            declarations: Vec::new(),
        }
    }
}

/// The record on the case page, with the form the reviewer may use on it.
#[component]
pub fn RecordSection(
    record: RecordView,
    reference: String,
    form: crate::forms::FormFeedback,
) -> impl IntoView {
    let forms = if !record.outcomes.is_empty() {
        view! { <ReviewForm outcomes=record.outcomes.clone() reference=reference.clone() form=form.clone()/> }
            .into_any()
    } else if record.confirmable {
        view! { <ConfirmForm reference=reference.clone() form=form.clone()/> }.into_any()
    } else {
        // A refused post by someone who has no form here (a township confirming its own proposal).
        view! { <ErrorSummary errors=form.errors.clone()/> }.into_any()
    };
    view! {
        <section class="record" aria-labelledby="record-heading">
            <h2 id="record-heading">"救助对象记录"</h2>
            <dl class="answers">
                <dt>"类别"</dt><dd>{record.category}</dd>
                <dt>"救助内容"</dt><dd class="record-granted">{record.granted}</dd>
                <dt>"状态"</dt><dd class="record-state"><strong>{record.state}</strong>{record.until.map(|u| format!("，{u}"))}</dd>
                <dt>"起始日期"</dt><dd>{record.started_on}</dd>
                {record.review.map(|r| view! { <dt>"下次复核"</dt><dd class="record-review">{r}</dd> })}
                {record.proposal.map(|p| view! { <dt>"待县级确认"</dt><dd class="record-proposal">{p}</dd> })}
            </dl>
            {(!record.declarations.is_empty()).then(|| view! {
                <h3>"居民申报的变化"</h3>
                <ul class="declarations">
                    {record.declarations.into_iter().map(|(declared, kind, occurred, words, handled)| view! {
                        <li>{format!("{declared}申报：{kind}（发生于{occurred}）{words}")}<span class="tag">{if handled { "已复核" } else { "待复核" }}</span></li>
                    }).collect_view()}
                </ul>
            })}
        </section>
        {forms}
    }
}

/// The township's review: the visit and check, photos and the outcome with what it needs.
#[component]
fn ReviewForm(outcomes: Vec<Outcome>, reference: String, form: crate::forms::FormFeedback) -> impl IntoView {
    let value = |field: &str| form.value(field);
    let options: Vec<(&'static str, &'static str)> = outcomes.iter().map(|o| (o.key(), o.label())).collect();
    let reasons: Vec<(&'static str, &'static str)> =
        EndReason::chosen_by_staff().map(|r| (r.key(), r.label())).collect();
    let phase_out = outcomes.contains(&Outcome::PhaseOut);
    let adjust = outcomes.contains(&Outcome::Adjust);
    let residences = vec![("urban", "城市低保标准"), ("rural", "农村低保标准")];
    let text = |name: &'static str, label: &'static str, hint: &'static str| {
        let (current, error) = (value(name), form.error(name));
        let invalid = error.is_some().then_some("true");
        view! {
            <Field name label hint error>
                <input id=name name=name class="short" value=current aria-invalid=invalid/>
            </Field>
        }
    };
    let note_error = form.error("note");
    let note_invalid = note_error.is_some().then_some("true");
    let (note, outcome, reason, residence) =
        (value("note"), value("outcome"), value("reason"), value("residence"));
    let (outcome_error, reason_error) = (form.error("outcome"), form.error("reason"));
    let (photos_error, residence_error) = (form.error("photos"), form.error("residence"));
    let amount =
        adjust.then(|| text("amount", "调整后的每月救助金额（元）", "选择“调整救助金额”时填写，报县级确认"));
    let phase_out_fields = phase_out.then(|| {
        (
            text("until", "渐退截止日期", "格式 2027-06-30，最长为配置的渐退期"),
            text("income", "家庭现在每月总收入（元）", "包括就业成员的工资"),
            text("employed", "就业人数", "每名就业成员扣减必要的就业成本后再计算"),
            text("household_size", "家庭人口", "现在共同生活的人数"),
        )
    });
    view! {
        <h2 id="review-heading">"复核"</h2>
        <ErrorSummary errors=form.errors.clone()/>
        <form method="post" action=format!("/review/case/{reference}/review") enctype="multipart/form-data" class="question-form" novalidate>
            <Field name="note" label="入户核查和经济状况核对情况" hint="写明入户看到的情况和核对结果；会记入办理记录" error=note_error>
                <textarea id="note" name="note" rows="3" aria-invalid=note_invalid>{note}</textarea>
            </Field>
            <FileField name="photos" label="入户照片（可选）" hint="最多3张，每张不超过5MB；照片里的位置等信息会被去除" error=photos_error/>
            <Choice name="outcome" legend="复核结果" value=outcome options error=outcome_error/>
            {amount}
            <Choice name="reason" legend="终止原因（选择“终止救助”时填写，报县级确认）" value=reason options=reasons error=reason_error/>
            {phase_out_fields.map(|(until, income, employed, size)| view! {
                <fieldset class="phase-out">
                    <legend>"渐退（家庭成员就业后收入超过低保标准时选择）"</legend>
                    {until}{income}{employed}{size}
                    <Choice name="residence" legend="适用标准" value=residence options=residences error=residence_error/>
                </fieldset>
            })}
            <IslandScripts/>
            <button type="submit" class="primary">"提交复核结果"</button>
        </form>
    }
}

/// The county's answer to an adjustment or an ending.
#[component]
fn ConfirmForm(reference: String, form: crate::forms::FormFeedback) -> impl IntoView {
    let note = form.value("confirm_note");
    let error = form.error("confirm_note").or_else(|| form.error("confirm"));
    let invalid = error.is_some().then_some("true");
    view! {
        <h2>"县级确认"</h2>
        <ErrorSummary errors=form.errors.clone()/>
        <form method="post" action=format!("/review/case/{reference}/confirm") class="question-form" novalidate>
            <Field name="confirm_note" label="审核意见" hint="退回乡镇时必须写明理由" error>
                <textarea id="confirm_note" name="confirm_note" rows="2" aria-invalid=invalid>{note}</textarea>
            </Field>
            <div class="actions">
                <button type="submit" name="decision" value="confirm" class="primary">"确认"</button>
                <button type="submit" name="decision" value="return" class="secondary">"退回乡镇重新复核"</button>
            </div>
        </form>
    }
}

/// One line of the review queue.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReviewRow {
    pub reference: String,
    pub place: String,
    pub category: String,
    pub granted: String,
    /// The due date and deadline with days left, or what waits for the county.
    pub due: String,
    pub overdue: bool,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ReviewQueue {
    pub rows: Vec<ReviewRow>,
    pub total: u64,
    pub page: u32,
    /// For the county: overdue reviews per township.
    pub overdue_by_township: Vec<(String, u64)>,
    /// For the township: changes households declared, not yet handled by a review:
    /// (reference, village, what changed, when, declared on); the first page, oldest first.
    pub declarations: Vec<(String, String, String, String, String)>,
    pub declarations_total: u64,
}

pub const REVIEWS_PER_PAGE: u32 = 50;

/// The records due for review in the reviewer's township or county, and those waiting for the
/// county; `overdue` narrows to reviews past their deadline. Only reviewers have one.
#[server]
pub async fn load_review_queue(overdue: bool, page: u32) -> Result<ReviewQueue, ServerFnError> {
    use crate::domain::calendar::Date;
    use crate::domain::staff::Role;
    use crate::store::{Page, QueueScope, ReviewQueueQuery};
    let Some(staff) = crate::auth::current_staff().await else {
        return Err(ServerFnError::new("请先登录"));
    };
    let scope = match staff.role {
        Role::TownshipReviewer => QueueScope::Township(staff.scope.clone()),
        Role::CountyReviewer => QueueScope::County(staff.scope.clone()),
        _ => return Err(ServerFnError::new("只有乡镇和县级审核人员有复核队列")),
    };
    let services = crate::services::services()?;
    let store = services.store.as_ref();
    let failed = |e: crate::store::StoreError| {
        super::read_failed("review queue", "暂时无法读取复核队列，请稍后再试", e)
    };
    let calendar = services.working_calendar().await.map_err(failed)?;
    let today = Date::today_in_china(services.now());
    let overdue_through = calendar.overdue_through(today);
    let page = page.max(1);
    let query = ReviewQueueQuery {
        scope: scope.clone(),
        due_by: today,
        overdue_through: overdue.then_some(overdue_through),
        page: Page::numbered(page, REVIEWS_PER_PAGE),
    };
    let (records, total) = store.review_due(&query).await.map_err(failed)?;
    let place = |township: &str| crate::store::place_name(&services.divisions, township);
    let rows = records
        .into_iter()
        .map(|r| build::review_row(r, &place, &calendar, today, overdue_through))
        .collect();
    let overdue_by_township = match &scope {
        QueueScope::County(county) => {
            let counts = store.overdue_reviews_by_township(county, overdue_through).await.map_err(failed)?;
            counts.into_iter().map(|(code, n)| (place(&code), n)).collect()
        }
        QueueScope::Township(_) => Vec::new(),
    };
    let (declarations, declarations_total) = match &scope {
        QueueScope::Township(township) => {
            let first = Page::numbered(1, REVIEWS_PER_PAGE);
            let (list, total) = store.open_declarations(township, first).await.map_err(failed)?;
            (list.into_iter().map(build::declaration_row).collect(), total)
        }
        QueueScope::County(_) => (Vec::new(), 0),
    };
    Ok(ReviewQueue { rows, total, page, overdue_by_township, declarations, declarations_total })
}

#[component]
pub fn ReviewRecordsPage() -> impl IntoView {
    let overdue = query("overdue") == "yes";
    let page = query("page").parse::<u32>().unwrap_or(1).max(1);
    let redirect = super::review::SignInRedirect::capture();
    view! {
        <Title text="复核队列"/>
        <Meta name="robots" content="noindex"/>
        <p class="breadcrumb"><a href="/review">"返回审核队列"</a></p>
        <h1>"复核队列"</h1>
        <p>"已批准的救助对象按期复核；调整金额和终止救助须报县级确认。"</p>
        <p><a href="/review/records">"全部到期"</a>" · "<a href="/review/records?overdue=yes">"只看超期"</a></p>
        <Suspense fallback=|| ()>
            {deferred(async move {
                let queue = match load_review_queue(overdue, page).await {
                    Ok(queue) => queue,
                    Err(_) => return redirect.send(),
                };
                let filter = if overdue { "yes" } else { "" };
                let link = move |p: u64| format!("/review/records?overdue={filter}&page={p}");
                let pages = PageLinks::new(queue.total, queue.page, REVIEWS_PER_PAGE, link);
                view! {
                    {(!queue.overdue_by_township.is_empty()).then(|| view! {
                        <section class="notice overdue-summary">
                            <h2>"各乡镇（街道）超期未复核"</h2>
                            <ul>{queue.overdue_by_township.into_iter().map(|(t, n)| view! { <li>{format!("{t}：{n} 户")}</li> }).collect_view()}</ul>
                        </section>
                    })}
                    {(queue.declarations_total > 0).then(|| view! {
                        <section class="declarations" aria-labelledby="declarations-heading">
                            <h2 id="declarations-heading">{format!("居民申报的家庭情况变化（待复核 {} 件）", queue.declarations_total)}</h2>
                            <p class="hint">"申报后救助记录即列入下方复核队列；复核完成后申报自动办结。"</p>
                            <ul>
                                {queue.declarations.into_iter().map(|(reference, village, kind, occurred, declared)| view! {
                                    <li><a href=format!("/review/case/{reference}#record-heading")>{reference.clone()}</a>{format!(" {village}：{kind}（发生于{occurred}，{declared}申报）")}</li>
                                }).collect_view()}
                            </ul>
                        </section>
                    })}
                    <h2>"到期复核"</h2>
                    <p>{format!("共 {} 户，第 {} / {} 页", pages.total, pages.page, pages.count)}</p>
                    <div class="table-scroll"><table class="queue">
                        <thead><tr><th>"案件"</th><th>"村（社区）"</th><th>"类别"</th><th>"救助内容"</th><th>"复核期限"</th></tr></thead>
                        <tbody>
                            {queue.rows.into_iter().map(|row| view! {
                                <tr class:overdue=row.overdue>
                                    <td><a href=format!("/review/case/{}#record-heading", row.reference)>{row.reference.clone()}</a></td>
                                    <td>{row.place}</td><td>{row.category}</td><td>{row.granted}</td>
                                    <td>{row.due}{row.overdue.then(|| view! { <span class="tag">"超期"</span> })}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                    <Pager pages/>
                }
                .into_any()
            })}
        </Suspense>
    }
}
