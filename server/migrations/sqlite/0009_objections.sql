-- Objections (异议) to public notice entries. The objector may stay anonymous; contact details, if
-- given, are sealed. Only staff read this table; the household never sees who objected.
CREATE TABLE objections (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    reason         TEXT NOT NULL,
    contact_sealed TEXT,
    receipt_hash   TEXT NOT NULL UNIQUE,
    created_at     BIGINT NOT NULL
);
CREATE INDEX objections_by_application ON objections (application_id);
