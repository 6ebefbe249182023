-- 低收入人口数据库: every low-income household the county knows of, whether or not it applied. Members are
-- matched on the keyed hash of their ID numbers (one household per member, never a duplicate); names and
-- ID numbers are only in `sealed`.
CREATE TABLE monitored_households (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    county_code   TEXT NOT NULL,
    township_code TEXT NOT NULL,
    village       TEXT NOT NULL,
    -- A key of domain::register::Category; NULL while the household is in none.
    category      TEXT,
    -- Where it was first heard of: application, visit, import, or department:<key>.
    source        TEXT NOT NULL,
    sealed        TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    -- Bumped by every signal, which also serialises signals for one household.
    updated_at    BIGINT NOT NULL
);

CREATE TABLE monitored_members (
    id_hash      TEXT PRIMARY KEY,
    household_id BIGINT NOT NULL REFERENCES monitored_households (id)
);
CREATE INDEX monitored_members_by_household ON monitored_members (household_id);

-- Signals as received (an event a department sent, what a worker saw), once per sender and reference.
CREATE TABLE monitoring_signals (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sender       TEXT NOT NULL,
    reference_id TEXT NOT NULL,
    household_id BIGINT NOT NULL REFERENCES monitored_households (id),
    kind         TEXT NOT NULL,
    sealed       TEXT NOT NULL,
    received_at  BIGINT NOT NULL,
    UNIQUE (sender, reference_id)
);
CREATE INDEX monitoring_signals_by_household ON monitoring_signals (household_id);

-- 预警: at most one open warning per household and kind; closed by a visit with an outcome.
CREATE TABLE monitoring_warnings (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    household_id  BIGINT NOT NULL REFERENCES monitored_households (id),
    county_code   TEXT NOT NULL,
    township_code TEXT NOT NULL,
    kind          TEXT NOT NULL,
    level         TEXT NOT NULL,
    raised_at     BIGINT NOT NULL,
    visit_due     TEXT NOT NULL,
    closed_at     BIGINT,
    closed_by     TEXT,
    -- The outcome (JSON of domain::monitoring::WarningOutcome), sealed: a reason may describe the household.
    outcome       TEXT
);
CREATE UNIQUE INDEX monitoring_warnings_one_open ON monitoring_warnings (household_id, kind)
    WHERE closed_at IS NULL;
-- A township's open warnings by deadline; a county's per township.
CREATE INDEX monitoring_warnings_queue ON monitoring_warnings (township_code, closed_at, visit_due);
CREATE INDEX monitoring_warnings_county ON monitoring_warnings (county_code, closed_at, township_code);
