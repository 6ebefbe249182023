-- What a failed form post shows on the next page (typed values and errors), sealed, for a few minutes.
-- In the database rather than in one server's memory, so that the page after the redirect may be
-- served by another instance. The oldest entries are dropped as new ones come (see app::flash).
CREATE TABLE form_flash (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    token      TEXT NOT NULL UNIQUE,
    sealed     TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX form_flash_by_age ON form_flash (created_at);
