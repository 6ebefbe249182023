-- 工作人员及近亲属备案: ID numbers of staff and their close relatives, registered by administrators and
-- kept only as keyed hashes. A case whose household includes one of them is always drawn for the
-- county's re-check visit.
CREATE TABLE staff_relatives (
    id_hash  TEXT PRIMARY KEY,
    added_at BIGINT NOT NULL
);
