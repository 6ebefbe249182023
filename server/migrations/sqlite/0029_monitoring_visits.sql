-- 走访: what a village worker or township reviewer saw at a household, sealed (words and the risks
-- ticked). A visit closes a warning (`warning_id`) or registers a household found at the door.
CREATE TABLE monitoring_visits (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    household_id BIGINT NOT NULL REFERENCES monitored_households (id),
    warning_id   BIGINT REFERENCES monitoring_warnings (id),
    visited_by   TEXT NOT NULL,
    visited_at   BIGINT NOT NULL,
    sealed       TEXT NOT NULL
);
CREATE INDEX monitoring_visits_by_household ON monitoring_visits (household_id);
CREATE INDEX monitoring_visits_by_warning ON monitoring_visits (warning_id);
