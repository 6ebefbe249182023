-- The township's queue and the county's counts read open warnings only: index those, in the order the
-- queue shows them, so that closed warnings (most of them, in time) are never walked.
DROP INDEX monitoring_warnings_queue;
CREATE INDEX monitoring_warnings_queue ON monitoring_warnings (township_code, visit_due, id)
    WHERE closed_at IS NULL;
DROP INDEX monitoring_warnings_county;
CREATE INDEX monitoring_warnings_county ON monitoring_warnings (county_code, township_code)
    WHERE closed_at IS NULL;
