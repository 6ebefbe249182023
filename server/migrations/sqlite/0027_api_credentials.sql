-- Departments' systems call /api/v1 with a signed token naming one of these rows; a revoked row ends every
-- token issued for it at once. Only the row's id is in the token: nothing here is secret.
CREATE TABLE api_credentials (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    -- A key of domain::staff::DEPARTMENTS.
    department  TEXT NOT NULL,
    -- What the administrator calls it (e.g. 市医保局结算系统).
    label       TEXT NOT NULL,
    -- Comma-separated keys of domain::monitoring::ApiScope.
    scopes      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
