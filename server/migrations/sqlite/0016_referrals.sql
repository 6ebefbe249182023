-- 分类推送: a case that asks for special assistance is referred to the responsible department when the
-- township accepts it; the department answers once (helped / not eligible), and its note is a case event.
CREATE TABLE referrals (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    department     TEXT NOT NULL,
    referred_at    BIGINT NOT NULL,
    outcome        TEXT,
    answered_at    BIGINT,
    UNIQUE (application_id, department)
);
CREATE INDEX referrals_by_department ON referrals (department, answered_at);
