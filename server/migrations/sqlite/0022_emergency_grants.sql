-- 先行救助: help a township gave before the file was complete, at most one per case. Why it was given
-- and the county's reasons are in case_events, beside the rest of the case's history.
CREATE TABLE emergency_grants (
    application_id BIGINT PRIMARY KEY REFERENCES applications (id),
    county_code    TEXT NOT NULL,
    township_code  TEXT NOT NULL,
    -- 元, one sum.
    amount         INTEGER NOT NULL,
    granted_on     TEXT NOT NULL,
    -- The last working day for the township's file (investigation and opinion).
    file_due       TEXT NOT NULL,
    -- 'confirmed' or 'not_confirmed' once the county has answered; NULL until then.
    county_answer  TEXT CHECK (county_answer IN ('confirmed', 'not_confirmed')),
    answered_on    TEXT
);
-- The unanswered grants of a township and of a county, by deadline.
CREATE INDEX emergency_grants_township_open ON emergency_grants (township_code, county_answer, file_due);
CREATE INDEX emergency_grants_county_open ON emergency_grants (county_code, county_answer, file_due);
