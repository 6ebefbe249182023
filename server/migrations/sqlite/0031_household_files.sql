-- 户档案: a household's page reads its warnings, visits and referrals by household; the register's list
-- pages read a township's households newest first.
CREATE INDEX monitoring_warnings_by_household ON monitoring_warnings (household_id, id);
CREATE INDEX monitoring_referrals_by_household ON monitoring_referrals (household_id, id);
CREATE INDEX monitored_households_by_township ON monitored_households (township_code, id);
CREATE INDEX monitored_households_by_village ON monitored_households (township_code, village, id);

-- Photos taken on a visit (走访), kept like case files: bytes on disk under their SHA-256 (metadata
-- stripped), read by the staff who may open the household.
CREATE TABLE monitoring_visit_files (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    visit_id     BIGINT NOT NULL REFERENCES monitoring_visits (id),
    household_id BIGINT NOT NULL REFERENCES monitored_households (id),
    sha256       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX monitoring_visit_files_by_household ON monitoring_visit_files (household_id, id);
