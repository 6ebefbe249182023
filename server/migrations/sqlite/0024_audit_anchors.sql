-- Copies of the audit chain's head, signed with the anchor key (not in the database): deleting the newest
-- audit entries leaves an anchor naming an entry that is gone (`server verify-audit`).
CREATE TABLE audit_anchors (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         BIGINT NOT NULL,
    entry_id   BIGINT NOT NULL,
    entry_hash TEXT NOT NULL,
    signature  TEXT NOT NULL
);

CREATE TRIGGER audit_anchors_no_update BEFORE UPDATE ON audit_anchors
BEGIN
    SELECT RAISE(ABORT, 'audit anchors are append-only');
END;

CREATE TRIGGER audit_anchors_no_delete BEFORE DELETE ON audit_anchors
BEGIN
    SELECT RAISE(ABORT, 'audit anchors are append-only');
END;
