-- 分类推送 of a warning: after the visit the township or village worker refers the household to the
-- department that can help (a key of domain::staff::DEPARTMENTS); the department answers once, sealed.
CREATE TABLE monitoring_referrals (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    warning_id   BIGINT NOT NULL UNIQUE REFERENCES monitoring_warnings (id),
    household_id BIGINT NOT NULL REFERENCES monitored_households (id),
    department   TEXT NOT NULL,
    referred_at  BIGINT NOT NULL,
    answered_at  BIGINT,
    answered_by  TEXT,
    answer       TEXT
);
-- A department's queue: open ones first, oldest first.
CREATE INDEX monitoring_referrals_queue ON monitoring_referrals (department, answered_at, referred_at);
