-- Copies of the audit chain's head, signed with the anchor key (not in the database): deleting the newest
-- audit entries leaves an anchor naming an entry that is gone (`server verify-audit`).
CREATE TABLE audit_anchors (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         BIGINT NOT NULL,
    entry_id   BIGINT NOT NULL,
    entry_hash TEXT NOT NULL,
    signature  TEXT NOT NULL
);

CREATE TRIGGER audit_anchors_no_change BEFORE UPDATE OR DELETE ON audit_anchors
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
