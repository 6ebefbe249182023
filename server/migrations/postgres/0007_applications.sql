-- Applications. Personal data (names, ID numbers, phone, household, income, health) is only in
-- `sealed` (AES-256-GCM); the plain columns are what queues, deadlines and public notices need.
CREATE TABLE application_drafts (
    phone_key  TEXT PRIMARY KEY,
    sealed     TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE applications (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reference      TEXT NOT NULL UNIQUE,
    submission_key TEXT NOT NULL UNIQUE,
    phone_key      TEXT NOT NULL,
    county_code    TEXT NOT NULL REFERENCES counties (code),
    township_code  TEXT NOT NULL REFERENCES townships (code),
    village        TEXT NOT NULL,
    types          TEXT NOT NULL,
    emergency      BOOLEAN NOT NULL,
    household_size INTEGER NOT NULL,
    status         TEXT NOT NULL,
    submitted_at   BIGINT NOT NULL,
    acceptance_due TEXT NOT NULL,
    decision_due   TEXT NOT NULL,
    sealed         TEXT NOT NULL
);
CREATE INDEX applications_by_township ON applications (township_code, decision_due);
CREATE INDEX applications_by_phone ON applications (phone_key);

-- The history of each case: every transition with who, when and why.
CREATE TABLE case_events (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    at             BIGINT NOT NULL,
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    status         TEXT NOT NULL,
    note           TEXT NOT NULL
);
CREATE INDEX case_events_by_application ON case_events (application_id, id);

-- Holidays and make-up workdays (调休), maintained by the administrator; seeded for the current year.
CREATE TABLE calendar_days (
    day  TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    note TEXT NOT NULL
);
