-- The register of assisted households (救助对象): one record per approved case, with what it grants and
-- how it stands. The history of a record is in case_events, beside the case that created it.
CREATE TABLE assistance_records (
    application_id  BIGINT PRIMARY KEY REFERENCES applications (id),
    county_code     TEXT NOT NULL,
    township_code   TEXT NOT NULL,
    village         TEXT NOT NULL,
    category        TEXT NOT NULL,
    grant_kind      TEXT NOT NULL CHECK (grant_kind IN ('monthly', 'one_off', 'recognition', 'department')),
    -- 元: a month's amount, or the one-off sum; NULL where nothing is paid.
    amount          INTEGER,
    -- The state a person last decided; the dates below end phase-outs and recognitions by themselves.
    state           TEXT NOT NULL,
    started_on      TEXT NOT NULL,
    -- The last day of a phase-out, or of a recognition's validity.
    ends_on         TEXT,
    -- When the next review (复核) falls due and by when it must be done; NULL when none is due.
    review_due      TEXT,
    review_deadline TEXT,
    -- A review outcome that waits for the county's confirmation (JSON of domain::register::ReviewDecision).
    proposal        TEXT,
    end_reason      TEXT,
    -- Bumped by every change, so that two reviewers acting at once cannot both succeed.
    version         BIGINT NOT NULL DEFAULT 0
);
-- A township's review queue by deadline, and the county's overdue count per township.
CREATE INDEX assistance_records_review ON assistance_records (township_code, review_deadline);
CREATE INDEX assistance_records_county_review ON assistance_records (county_code, review_deadline);
-- A township's public list of monthly recipients.
CREATE INDEX assistance_records_listed ON assistance_records (township_code, grant_kind, state);

-- Cases approved before the register existed: the approval day is not kept as a date, so the decision
-- deadline stands in for it; the first review falls due a year later with four weeks to do it.
INSERT INTO assistance_records (application_id, county_code, township_code, village, category, grant_kind,
    amount, state, started_on, ends_on, review_due, review_deadline)
SELECT id, county_code, township_code, village, category,
    CASE category WHEN 'dibao' THEN 'monthly' WHEN 'tekun' THEN 'monthly' WHEN 'temporary' THEN 'one_off'
        WHEN 'dibao_edge' THEN 'recognition' WHEN 'rigid_spending' THEN 'recognition' ELSE 'department' END,
    CASE WHEN category IN ('dibao', 'tekun', 'temporary') THEN monthly_amount END,
    CASE category WHEN 'dibao' THEN 'in_force' WHEN 'tekun' THEN 'in_force' WHEN 'temporary' THEN 'one_off_granted'
        WHEN 'dibao_edge' THEN 'recognised' WHEN 'rigid_spending' THEN 'recognised' ELSE 'referred' END,
    decision_due,
    CASE WHEN category IN ('dibao_edge', 'rigid_spending') THEN date(decision_due, '+12 months', '-1 day') END,
    CASE WHEN category IN ('dibao', 'tekun', 'dibao_edge', 'rigid_spending') THEN date(decision_due, '+12 months') END,
    CASE WHEN category IN ('dibao', 'tekun', 'dibao_edge', 'rigid_spending') THEN date(decision_due, '+12 months', '+28 days') END
FROM (
    SELECT a.*, CASE
        WHEN ',' || types || ',' LIKE '%,tekun,%' THEN 'tekun'
        WHEN ',' || types || ',' LIKE '%,dibao,%' THEN 'dibao'
        WHEN ',' || types || ',' LIKE '%,temporary,%' THEN 'temporary'
        WHEN ',' || types || ',' LIKE '%,dibao_edge,%' THEN 'dibao_edge'
        WHEN ',' || types || ',' LIKE '%,rigid_spending,%' THEN 'rigid_spending'
        ELSE substr(types, 1, instr(types || ',', ',') - 1) END AS category
    FROM applications a WHERE status = 'approved'
) approved;
