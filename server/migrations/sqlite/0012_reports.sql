-- Reports of suspected fraud (举报). What the reporter wrote (subject, description, contact) is sealed;
-- no network address or browser is stored for this flow. The receipt is stored as a keyed hash of its
-- lookup part and a slow hash of the whole code.
CREATE TABLE reports (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id              BIGINT,
    county_code           TEXT NOT NULL,
    township_code         TEXT NOT NULL,
    picked_entry          BIGINT REFERENCES applications (id),
    suspicion             TEXT NOT NULL,
    status                TEXT NOT NULL,
    sealed                TEXT NOT NULL,
    grouping_key          TEXT NOT NULL,
    receipt_lookup        TEXT NOT NULL UNIQUE,
    receipt_hash          TEXT NOT NULL,
    linked_application_id BIGINT REFERENCES applications (id),
    outcome               TEXT NOT NULL DEFAULT '',
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);
CREATE INDEX reports_by_grouping_key ON reports (grouping_key, created_at);
CREATE INDEX reports_by_county ON reports (county_code);
CREATE INDEX reports_by_linked_case ON reports (linked_application_id);

-- The two-way thread between the handling officer and the (anonymous) reporter.
CREATE TABLE report_messages (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id    BIGINT NOT NULL REFERENCES reports (id),
    from_officer BOOLEAN NOT NULL,
    body_sealed  TEXT NOT NULL,
    at           BIGINT NOT NULL
);
CREATE INDEX report_messages_by_report ON report_messages (report_id);

-- Evidence files, kept on disk under their SHA-256 (photos already without metadata).
CREATE TABLE report_files (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id    BIGINT NOT NULL REFERENCES reports (id),
    message_id   BIGINT REFERENCES report_messages (id),
    sha256       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL
);
CREATE INDEX report_files_by_report ON report_files (report_id);
