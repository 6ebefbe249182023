-- Staff who review cases or administer the portal. Passwords are argon2id hashes. session_version is
-- part of every session token: raising it (password change) ends all other sessions.
CREATE TABLE staff_accounts (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL,
    scope           TEXT NOT NULL,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    BIGINT,
    session_version BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL
);
