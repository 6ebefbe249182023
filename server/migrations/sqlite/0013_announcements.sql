-- 通知公告 published by administrators, city-wide (county_code NULL) or for one county.
CREATE TABLE announcements (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    county_code  TEXT REFERENCES counties (code),
    published_at BIGINT NOT NULL
);
CREATE INDEX announcements_by_time ON announcements (published_at);
