-- Staff sessions on the server, so that signing out ends a session even if its token was copied; a
-- password change ends them all (staff_accounts.session_version).
CREATE TABLE staff_sessions (
    id         TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES staff_accounts (id),
    expires_at BIGINT NOT NULL,
    ended_at   BIGINT
);
CREATE INDEX staff_sessions_expiry ON staff_sessions (expires_at);
CREATE INDEX staff_sessions_by_account ON staff_sessions (account_id);

-- Password tries per username and client (domain::staff::delay_after): a growing wait instead of a
-- lock on the account, which a stranger could otherwise trigger at will.
CREATE TABLE sign_in_tries (
    username    TEXT NOT NULL,
    client      TEXT NOT NULL,
    tries       INTEGER NOT NULL,
    next_try_at BIGINT NOT NULL,
    PRIMARY KEY (username, client)
);
CREATE INDEX sign_in_tries_by_time ON sign_in_tries (next_try_at);

ALTER TABLE staff_accounts DROP COLUMN failed_logins;
ALTER TABLE staff_accounts DROP COLUMN locked_until;
