-- Files that belong to a case: evidence sent with an objection, for now. The bytes are on disk under
-- their SHA-256 (photos without metadata); staff of the case's township and county read them.
CREATE TABLE case_files (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    source         TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           BIGINT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX case_files_by_application ON case_files (application_id);
