-- Every list a public or queue page shows reads an index, so that its cost follows the rows shown, not
-- the rows stored (checked with EXPLAIN on both back ends in server/tests/store.rs).
-- The notices on display now, city-wide: only notices whose period has not ended.
CREATE INDEX notices_current ON notices (published_until);
-- One township's recipients in list order (the place index leads with the county).
CREATE INDEX notices_by_township ON notices (township_code, village, application_id);
-- The county's review queue.
CREATE INDEX applications_by_county ON applications (county_code, decision_due);
