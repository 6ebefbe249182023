-- Grows a portal database to @COUNT@ applications for scripts/bench.sh (SQLite). Each new application
-- copies the sealed record of the application the benchmark submitted through the real forms (id 1), so
-- every page can open any of them; townships, statuses, dates and amounts vary. Submissions spread over
-- 700 days. Those of the last 30 days are open, one in 20 of them in notice now (about 0.2 % of all, as
-- a week's notices are of years of applications). Of every 20 older ones: 11 approved (with a decision
-- event and a notice whose period is over: the recipient lists), 4 refused, 5 still open. Runs in one
-- transaction.
BEGIN;
CREATE TEMP TABLE bench_townships AS
    SELECT ROW_NUMBER() OVER (ORDER BY code) - 1 AS slot, code, county_code FROM townships;
CREATE TEMP TABLE bench_numbers (i INTEGER PRIMARY KEY);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @COUNT@)
INSERT INTO bench_numbers SELECT i FROM n;

INSERT INTO applications (reference, submission_key, phone_key, county_code, township_code, village, types,
    emergency, household_size, status, submitted_at, acceptance_due, decision_due, sealed, applicant_masked,
    monthly_amount, notice_until, recheck_drawn)
SELECT printf('ZY2025BENCH-%07d', n.i), printf('bench-%d', n.i), a.phone_key || '-' || n.i, t.county_code,
    t.code, a.village, a.types, FALSE, 1 + n.i % 5,
    CASE WHEN n.i % 700 < 30 THEN (CASE WHEN n.i % 20 = 14 THEN 'in_notice' ELSE 'submitted' END)
         WHEN n.i % 20 < 10 THEN 'approved' WHEN n.i % 20 < 14 THEN 'refused'
         WHEN n.i % 20 = 14 THEN 'approved' ELSE 'submitted' END,
    a.submitted_at - (n.i % 700) * 86400, a.acceptance_due, a.decision_due, a.sealed, a.applicant_masked,
    CASE WHEN n.i % 20 < 10 OR n.i % 20 = 14 THEN 300 + n.i % 700 END, NULL, FALSE
FROM bench_numbers n
JOIN bench_townships t ON t.slot = n.i % (SELECT COUNT(*) FROM bench_townships)
CROSS JOIN (SELECT * FROM applications WHERE id = 1) a;

INSERT INTO case_events (application_id, at, actor, action, status, note)
SELECT id, submitted_at, '申请人', 'submit', 'submitted', '' FROM applications WHERE id > 1;
INSERT INTO case_events (application_id, at, actor, action, status, note)
SELECT id, submitted_at + 20 * 86400, 'bench', CASE status WHEN 'approved' THEN 'approve' ELSE 'refuse' END,
    status, '' FROM applications WHERE id > 1 AND status IN ('approved', 'refused');

INSERT INTO notices (application_id, county_code, township_code, village, head_name_masked, household_size,
    types, monthly_amount, published_from, published_until)
SELECT id, county_code, township_code, village, '王*兰', household_size, types, monthly_amount,
    CASE status WHEN 'in_notice' THEN date('now', '-1 day') ELSE date(submitted_at + 10 * 86400, 'unixepoch') END,
    CASE status WHEN 'in_notice' THEN date('now', '+5 day') ELSE date(submitted_at + 16 * 86400, 'unixepoch') END
FROM applications WHERE id > 1 AND status IN ('approved', 'in_notice');
UPDATE applications SET notice_until = date('now', '+5 day') WHERE id > 1 AND status = 'in_notice';
COMMIT;
ANALYZE;
