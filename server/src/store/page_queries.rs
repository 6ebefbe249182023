//! The SQL of what public and queue pages list, named here so that `server/tests/store.rs` can check
//! with `EXPLAIN` on both back ends that each query reads through an index, never a whole table: the
//! cost of a page must follow the rows it shows, not the rows stored.

macro_rules! application_fields {
    () => {
        "SELECT a.id, a.reference, a.phone_key, a.county_code, a.township_code, a.village, a.types, a.emergency,
         a.household_size, a.status, a.submitted_at, a.acceptance_due, a.decision_due, a.sealed, a.applicant_masked,
         a.monthly_amount,
         a.notice_until, a.recheck_drawn"
    };
}

macro_rules! application_columns {
    () => {
        concat!(application_fields!(), " FROM applications a")
    };
}

macro_rules! notice_columns {
    () => {
        "SELECT n.application_id, n.county_code, n.township_code, n.village, n.head_name_masked,
         n.household_size, n.types, n.monthly_amount, n.published_from, n.published_until "
    };
}

/// Notices on public display (`$1` is today): in their period, and the case still in its notice (an
/// objection or a withdrawal takes the entry down at once).
macro_rules! public_notices_from {
    () => {
        "FROM notices n JOIN applications a ON a.id = n.application_id
         WHERE a.status = 'in_notice' AND n.published_from <= $1 AND n.published_until >= $1"
    };
}

/// The county and township filters of the notice list (`$2`, `$3`; empty for all).
macro_rules! notice_filters {
    () => {
        " AND ($2 = '' OR n.county_code = $2) AND ($3 = '' OR n.township_code = $3)"
    };
}

/// One township's monthly recipients on a day (`$5`): records in force, or in a phase-out that has not
/// ended; filtered by village, masked name and type (`$2`–`$4`, empty for all) in township `$1`.
macro_rules! recipients_from {
    () => {
        "FROM notices n JOIN assistance_records r ON r.application_id = n.application_id
         WHERE n.township_code = $1 AND r.township_code = $1 AND r.grant_kind = 'monthly'
           AND (r.state = 'in_force' OR (r.state = 'phasing_out' AND r.ends_on >= $5))
           AND ($2 = '' OR n.village LIKE '%' || $2 || '%')
           AND ($3 = '' OR n.head_name_masked = $3)
           AND ($4 = '' OR ',' || n.types || ',' LIKE '%,' || $4 || ',%')"
    };
}

pub const APPLICATION_COLUMNS: &str = application_columns!();
pub const APPLICATION_BY_REFERENCE: &str = concat!(application_columns!(), " WHERE reference = $1");
/// A queue's filters: status (`$2`), type (`$3`), open and due on or before (`$4`); empty for all.
macro_rules! queue_filters {
    () => {
        " AND ($2 = '' OR status = $2) AND ($3 = '' OR ',' || types || ',' LIKE '%,' || $3 || ',%')
          AND ($4 = '' OR (decision_due <= $4 AND status NOT IN ('approved', 'refused', 'withdrawn')))"
    };
}

/// Open emergencies first, then open cases, then closed ones; each by decision deadline.
macro_rules! queue_order {
    () => {
        " ORDER BY CASE WHEN status IN ('approved', 'refused', 'withdrawn') THEN 2 WHEN emergency THEN 0 ELSE 1 END,
           decision_due, id LIMIT $5 OFFSET $6"
    };
}

pub const TOWNSHIP_QUEUE: &str =
    concat!(application_columns!(), " WHERE township_code = $1", queue_filters!(), queue_order!());
pub const TOWNSHIP_QUEUE_COUNT: &str =
    concat!("SELECT COUNT(*) FROM applications WHERE township_code = $1", queue_filters!());
pub const COUNTY_QUEUE: &str =
    concat!(application_columns!(), " WHERE county_code = $1", queue_filters!(), queue_order!());
pub const COUNTY_QUEUE_COUNT: &str =
    concat!("SELECT COUNT(*) FROM applications WHERE county_code = $1", queue_filters!());
pub const OVERDUE_BY_TOWNSHIP: &str = "SELECT township_code, COUNT(*) FROM applications
    WHERE county_code = $1 AND decision_due <= $2 AND status NOT IN ('approved', 'refused', 'withdrawn')
    GROUP BY township_code ORDER BY COUNT(*) DESC, township_code";
pub const CASE_EVENTS: &str =
    "SELECT at, actor, action, status, note FROM case_events WHERE application_id = $1 ORDER BY id";
/// A case and its history in one statement (one row per event, or one row with no event): a status
/// page's first view, where a second round trip to the database cost as much as the query itself.
pub const CASE_WITH_EVENTS_BY_REFERENCE: &str = concat!(
    application_fields!(),
    ", e.at AS event_at, e.actor AS event_actor, e.action AS event_action, e.status AS event_status,
       e.note AS event_note
     FROM applications a LEFT JOIN case_events e ON e.application_id = a.id
     WHERE a.reference = $1 ORDER BY e.id"
);

pub const CURRENT_NOTICE: &str =
    concat!(notice_columns!(), public_notices_from!(), " AND n.application_id = $2");
pub const CURRENT_NOTICES_PAGE: &str = concat!(
    notice_columns!(),
    public_notices_from!(),
    notice_filters!(),
    " ORDER BY n.published_from DESC, n.application_id DESC LIMIT $4 OFFSET $5"
);
pub const CURRENT_NOTICES_COUNT: &str =
    concat!("SELECT COUNT(*) ", public_notices_from!(), notice_filters!());

pub const RECIPIENTS_COUNT: &str = concat!("SELECT COUNT(*) ", recipients_from!());
/// The amount paid now (the county's decision or a review's adjustment), and the phase-out end date.
pub const RECIPIENTS_PAGE: &str = concat!(
    "SELECT n.application_id, n.county_code, n.township_code, n.village, n.head_name_masked,
     n.household_size, n.types, COALESCE(r.amount, n.monthly_amount) AS monthly_amount,
     n.published_from, n.published_until, r.ends_on AS phase_out_until ",
    recipients_from!(),
    " ORDER BY n.village, n.application_id LIMIT $6 OFFSET $7"
);

macro_rules! record_columns {
    () => {
        "SELECT r.application_id, a.reference, r.county_code, r.township_code, r.village, r.category,
         r.grant_kind, r.amount, r.state, r.started_on, r.ends_on, r.review_due, r.review_deadline, r.proposal,
         r.end_reason, r.version FROM assistance_records r JOIN applications a ON a.id = r.application_id"
    };
}

/// A review queue's filters: scope (`$1`), due on or before (`$2`), only overdue (`$3`, '' for all).
/// Records with an outcome waiting for the county are in the queue whatever their dates.
macro_rules! review_queue_where {
    ($scope:literal) => {
        concat!(
            " WHERE r.",
            $scope,
            " = $1 AND ((r.review_due <= $2 AND r.state IN ('in_force', 'recognised')) OR r.proposal IS NOT NULL)
              AND ($3 = '' OR r.review_deadline <= $3)"
        )
    };
}

/// Outcomes waiting for the county first, then by deadline.
macro_rules! review_order {
    () => {
        " ORDER BY r.proposal IS NULL, r.review_deadline, r.application_id LIMIT $4 OFFSET $5"
    };
}

pub const RECORD_BY_CASE: &str = concat!(record_columns!(), " WHERE r.application_id = $1");
pub const TOWNSHIP_REVIEW_PAGE: &str =
    concat!(record_columns!(), review_queue_where!("township_code"), review_order!());
pub const COUNTY_REVIEW_PAGE: &str =
    concat!(record_columns!(), review_queue_where!("county_code"), review_order!());
pub const TOWNSHIP_REVIEW_COUNT: &str =
    concat!("SELECT COUNT(*) FROM assistance_records r", review_queue_where!("township_code"));
pub const COUNTY_REVIEW_COUNT: &str =
    concat!("SELECT COUNT(*) FROM assistance_records r", review_queue_where!("county_code"));

/// The case's reference, village and state are read per grant by its primary key: a join lets
/// PostgreSQL hash the whole applications table when a county has a few dozen grants open.
macro_rules! emergency_columns {
    () => {
        "SELECT e.application_id, e.county_code, e.township_code, e.amount, e.granted_on, e.file_due,
         e.county_answer, e.answered_on,
         (SELECT a.reference FROM applications a WHERE a.id = e.application_id) AS reference,
         (SELECT a.village FROM applications a WHERE a.id = e.application_id) AS village,
         (SELECT a.status FROM applications a WHERE a.id = e.application_id) AS status
         FROM emergency_grants e"
    };
}

pub const EMERGENCY_BY_CASE: &str = concat!(emergency_columns!(), " WHERE e.application_id = $1");
/// The unanswered grants of a township (`$1`), earliest deadline first, at most `$2`.
pub const TOWNSHIP_OPEN_EMERGENCIES: &str = concat!(
    emergency_columns!(),
    " WHERE e.township_code = $1 AND e.county_answer IS NULL ORDER BY e.file_due, e.application_id LIMIT $2"
);
pub const COUNTY_OPEN_EMERGENCIES: &str = concat!(
    emergency_columns!(),
    " WHERE e.county_code = $1 AND e.county_answer IS NULL ORDER BY e.file_due, e.application_id LIMIT $2"
);
pub const TOWNSHIP_OPEN_EMERGENCY_COUNT: &str =
    "SELECT COUNT(*) FROM emergency_grants e WHERE e.township_code = $1 AND e.county_answer IS NULL";
pub const COUNTY_OPEN_EMERGENCY_COUNT: &str =
    "SELECT COUNT(*) FROM emergency_grants e WHERE e.county_code = $1 AND e.county_answer IS NULL";

pub const STATISTICS_SNAPSHOT: &str = "SELECT computed_at, body FROM statistics_snapshot WHERE id = 1";

/// A monitoring warning with its household's village, to be followed by a `WHERE` on `w`. The village
/// is a subquery rather than a join so that each row looks its household up by key, whatever the planner
/// thinks of small tables.
macro_rules! warning_queue_select {
    () => {
        "SELECT w.id, w.household_id, w.township_code,
             (SELECT h.village FROM monitored_households h WHERE h.id = w.household_id) AS village,
             w.kind, w.level, w.visit_due, w.raised_at
         FROM monitoring_warnings w"
    };
}

/// A township's open warnings (`$1`), earliest visit deadline first, at most `$2`; of one village when
/// `$3` is not empty (a village worker's queue: the township's open warnings are few enough to filter).
pub const TOWNSHIP_OPEN_WARNINGS: &str = concat!(
    warning_queue_select!(),
    " WHERE w.township_code = $1 AND w.closed_at IS NULL
       AND ($3 = '' OR (SELECT TRIM(h.village) FROM monitored_households h WHERE h.id = w.household_id) = $3)
     ORDER BY w.visit_due, w.id LIMIT $2"
);
/// One open warning. `COALESCE` rather than `IS NULL`: SQLite would otherwise walk the partial index of
/// open warnings instead of looking the id up.
pub const OPEN_WARNING: &str =
    concat!(warning_queue_select!(), " WHERE w.id = $1 AND COALESCE(w.closed_at, 0) = 0");
/// A county's (`$1`) open warnings per township, and how many are past their deadline (before `$2`).
pub const COUNTY_WARNING_COUNTS: &str =
    "SELECT township_code, COUNT(*), COALESCE(SUM(CASE WHEN visit_due < $2 THEN 1 ELSE 0 END), 0)
     FROM monitoring_warnings WHERE county_code = $1 AND closed_at IS NULL
     GROUP BY township_code ORDER BY township_code";

/// The register household of a member's keyed hash (`$1`): every event, 对象互认 question and import row
/// asks it.
pub const MEMBER_HOUSEHOLD: &str = "SELECT id, county_code, township_code, village, category, source, sealed
     FROM monitored_households WHERE id = (SELECT household_id FROM monitored_members WHERE id_hash = $1)";

/// A household referral with its warning's kind and its household's place, to be followed by a `WHERE`
/// on `r`. Subqueries by key rather than joins, as for warnings: PostgreSQL would otherwise merge-join
/// along the warnings' key and walk every referral.
macro_rules! household_referral_columns {
    () => {
        "SELECT r.id, r.department,
             (SELECT w.township_code FROM monitoring_warnings w WHERE w.id = r.warning_id) AS township_code,
             (SELECT h.village FROM monitored_households h WHERE h.id = r.household_id) AS village,
             (SELECT w.kind FROM monitoring_warnings w WHERE w.id = r.warning_id) AS kind,
             r.referred_at, r.answered_at"
    };
}
macro_rules! household_referral_select {
    () => {
        concat!(household_referral_columns!(), " FROM monitoring_referrals r")
    };
}

/// A department's (`$1`) referred households waiting for its answer, oldest first, at most `$2`.
pub const DEPARTMENT_OPEN_HOUSEHOLD_REFERRALS: &str = concat!(
    household_referral_select!(),
    " WHERE r.department = $1 AND r.answered_at IS NULL ORDER BY r.referred_at, r.id LIMIT $2"
);
/// One referred household by id, with its sealed members and the sealed visit that referred it.
pub const HOUSEHOLD_REFERRAL: &str = concat!(
    household_referral_columns!(),
    ", (SELECT h.sealed FROM monitored_households h WHERE h.id = r.household_id) AS members_sealed,
       (SELECT v.sealed FROM monitoring_visits v WHERE v.warning_id = r.warning_id ORDER BY v.id LIMIT 1)
         AS visit_sealed
     FROM monitoring_referrals r WHERE r.id = $1"
);

/// 户档案 (`$1`: the household; `$2`: at most this many lines of each list), newest first.
pub const HOUSEHOLD_BY_ID: &str =
    "SELECT id, county_code, township_code, village, category, source, sealed, created_at AS registered_at
     FROM monitored_households WHERE id = $1";
pub const HOUSEHOLD_SIGNALS: &str = "SELECT kind, sender, received_at FROM monitoring_signals
     WHERE household_id = $1 ORDER BY id DESC LIMIT $2";
pub const HOUSEHOLD_WARNINGS: &str =
    "SELECT id, kind, level, visit_due, raised_at, closed_at, outcome AS outcome_sealed FROM monitoring_warnings
     WHERE household_id = $1 ORDER BY id DESC LIMIT $2";
/// The visitor's name from the `staff:<id>` they were recorded as.
pub const HOUSEHOLD_VISITS: &str = "SELECT v.id, v.warning_id, v.visited_at,
         COALESCE((SELECT s.display_name FROM staff_accounts s
                   WHERE s.id = CAST(SUBSTR(v.visited_by, 7) AS BIGINT)), v.visited_by) AS visitor,
         v.sealed
     FROM monitoring_visits v WHERE v.household_id = $1 ORDER BY v.id DESC LIMIT $2";
pub const HOUSEHOLD_VISIT_PHOTOS: &str = "SELECT id, visit_id, 'visit' AS source, sha256, content_type, size
     FROM monitoring_visit_files WHERE household_id = $1 ORDER BY id LIMIT $2";
pub const HOUSEHOLD_REFERRALS: &str =
    concat!(household_referral_select!(), " WHERE r.household_id = $1 ORDER BY r.id DESC LIMIT $2");
/// The register of a township (`$1`), households below id `$2`, newest first, at most `$3`.
pub const TOWNSHIP_REGISTER: &str =
    "SELECT id, county_code, township_code, village, category, source, sealed FROM monitored_households
     WHERE township_code = $1 AND id < $2 ORDER BY id DESC LIMIT $3";
/// The same for one village (`$4`).
pub const VILLAGE_REGISTER: &str =
    "SELECT id, county_code, township_code, village, category, source, sealed FROM monitored_households
     WHERE township_code = $1 AND village = $4 AND id < $2 ORDER BY id DESC LIMIT $3";
/// One visit photo with its household.
pub const VISIT_PHOTO: &str =
    "SELECT household_id AS owner, id, 'visit' AS source, sha256, content_type, size FROM monitoring_visit_files
     WHERE id = $1";

/// A value bound to a query while it is explained.
#[derive(Clone, Copy, Debug)]
pub enum Example {
    Text(&'static str),
    Number(i64),
}

/// A page query and values that a page would bind to it.
pub struct PageQuery {
    pub name: &'static str,
    pub sql: &'static str,
    pub example: &'static [Example],
}

use Example::{Number, Text};

/// Every query above, as pages run it.
pub const PAGE_QUERIES: &[PageQuery] = &[
    PageQuery {
        name: "a case by reference",
        sql: APPLICATION_BY_REFERENCE,
        example: &[Text("ZY20261201-ABCDEF")],
    },
    PageQuery {
        name: "status page",
        sql: CASE_WITH_EVENTS_BY_REFERENCE,
        example: &[Text("ZY20261201-ABCDEF")],
    },
    PageQuery {
        name: "township queue",
        sql: TOWNSHIP_QUEUE,
        example: &[Text("620702001"), Text(""), Text(""), Text(""), Number(50), Number(0)],
    },
    PageQuery {
        name: "township queue count",
        sql: TOWNSHIP_QUEUE_COUNT,
        example: &[Text("620702001"), Text("submitted"), Text(""), Text("")],
    },
    PageQuery {
        name: "county queue, overdue",
        sql: COUNTY_QUEUE,
        example: &[Text("620702"), Text(""), Text("dibao"), Text("2026-12-01"), Number(50), Number(0)],
    },
    PageQuery {
        name: "county queue count",
        sql: COUNTY_QUEUE_COUNT,
        example: &[Text("620702"), Text(""), Text(""), Text("")],
    },
    PageQuery {
        name: "overdue by township",
        sql: OVERDUE_BY_TOWNSHIP,
        example: &[Text("620702"), Text("2026-12-01")],
    },
    PageQuery { name: "case timeline", sql: CASE_EVENTS, example: &[Number(1)] },
    PageQuery {
        name: "a township's warnings",
        sql: TOWNSHIP_OPEN_WARNINGS,
        example: &[Text("620702001"), Number(200), Text("")],
    },
    PageQuery {
        name: "a village's open warnings",
        sql: TOWNSHIP_OPEN_WARNINGS,
        example: &[Text("620702001"), Number(200), Text("红沙窝村")],
    },
    PageQuery { name: "one warning", sql: OPEN_WARNING, example: &[Number(1)] },
    PageQuery { name: "a member's household", sql: MEMBER_HOUSEHOLD, example: &[Text("plan-7")] },
    PageQuery {
        name: "a department's referred households",
        sql: DEPARTMENT_OPEN_HOUSEHOLD_REFERRALS,
        example: &[Text("disabled-persons"), Number(200)],
    },
    PageQuery { name: "one referred household", sql: HOUSEHOLD_REFERRAL, example: &[Number(1)] },
    PageQuery {
        name: "a county's warnings per township",
        sql: COUNTY_WARNING_COUNTS,
        example: &[Text("620702"), Text("2026-12-01")],
    },
    PageQuery { name: "a household's file", sql: HOUSEHOLD_BY_ID, example: &[Number(1)] },
    PageQuery { name: "a household's signals", sql: HOUSEHOLD_SIGNALS, example: &[Number(1), Number(100)] },
    PageQuery { name: "a household's warnings", sql: HOUSEHOLD_WARNINGS, example: &[Number(1), Number(100)] },
    PageQuery { name: "a household's visits", sql: HOUSEHOLD_VISITS, example: &[Number(1), Number(100)] },
    PageQuery {
        name: "a household's photos",
        sql: HOUSEHOLD_VISIT_PHOTOS,
        example: &[Number(1), Number(100)],
    },
    PageQuery {
        name: "a household's referrals",
        sql: HOUSEHOLD_REFERRALS,
        example: &[Number(1), Number(100)],
    },
    PageQuery {
        name: "a township's register",
        sql: TOWNSHIP_REGISTER,
        example: &[Text("620702001"), Number(i64::MAX), Number(50)],
    },
    PageQuery {
        name: "a village's register",
        sql: VILLAGE_REGISTER,
        example: &[Text("620702001"), Number(i64::MAX), Number(50), Text("红沙窝村")],
    },
    PageQuery { name: "one visit photo", sql: VISIT_PHOTO, example: &[Number(1)] },
    PageQuery { name: "one notice", sql: CURRENT_NOTICE, example: &[Text("2026-12-01"), Number(1)] },
    PageQuery {
        name: "city-wide notices",
        sql: CURRENT_NOTICES_PAGE,
        example: &[Text("2026-12-01"), Text(""), Text(""), Number(50), Number(0)],
    },
    PageQuery {
        name: "a township's notices",
        sql: CURRENT_NOTICES_PAGE,
        example: &[Text("2026-12-01"), Text(""), Text("620702001"), Number(50), Number(0)],
    },
    PageQuery {
        name: "notice count",
        sql: CURRENT_NOTICES_COUNT,
        example: &[Text("2026-12-01"), Text("620702"), Text("")],
    },
    PageQuery {
        name: "recipient count",
        sql: RECIPIENTS_COUNT,
        example: &[Text("620702001"), Text(""), Text(""), Text(""), Text("2026-12-01")],
    },
    PageQuery {
        name: "recipient list",
        sql: RECIPIENTS_PAGE,
        example: &[
            Text("620702001"),
            Text("城关"),
            Text(""),
            Text("dibao"),
            Text("2026-12-01"),
            Number(20),
            Number(0),
        ],
    },
    PageQuery {
        name: "township review queue",
        sql: TOWNSHIP_REVIEW_PAGE,
        example: &[Text("620702001"), Text("2026-12-01"), Text(""), Number(50), Number(0)],
    },
    PageQuery {
        name: "county review queue, overdue",
        sql: COUNTY_REVIEW_PAGE,
        example: &[Text("620702"), Text("2026-12-01"), Text("2026-11-20"), Number(50), Number(0)],
    },
    PageQuery {
        name: "township review count",
        sql: TOWNSHIP_REVIEW_COUNT,
        example: &[Text("620702001"), Text("2026-12-01"), Text("")],
    },
    PageQuery {
        name: "a township's help given first",
        sql: TOWNSHIP_OPEN_EMERGENCIES,
        example: &[Text("620702001"), Number(50)],
    },
    PageQuery {
        name: "a county's help given first",
        sql: COUNTY_OPEN_EMERGENCIES,
        example: &[Text("620702"), Number(50)],
    },
    PageQuery {
        name: "help given first, count",
        sql: COUNTY_OPEN_EMERGENCY_COUNT,
        example: &[Text("620702")],
    },
    PageQuery { name: "statistics", sql: STATISTICS_SNAPSHOT, example: &[] },
];
