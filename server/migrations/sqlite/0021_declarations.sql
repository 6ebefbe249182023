-- 家庭情况变化申报: changes an assisted household declares from the status page. What happened (the words
-- and the income) is personal data and only in `sealed`; the kind and the date are what queues need.
CREATE TABLE declaration_drafts (
    application_id BIGINT PRIMARY KEY REFERENCES applications (id),
    sealed         TEXT NOT NULL,
    updated_at     BIGINT NOT NULL
);

CREATE TABLE declarations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    township_code  TEXT NOT NULL,
    kind           TEXT NOT NULL,
    occurred_on    TEXT NOT NULL,
    sealed         TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    -- Set by the next review of the household's record.
    handled_at     BIGINT
);
-- A township's open declarations, oldest first; a case's declarations.
CREATE INDEX declarations_open ON declarations (township_code, handled_at, created_at);
CREATE INDEX declarations_by_case ON declarations (application_id, id);
