-- Administrative divisions (seeded at start-up from seed/zhangye-townships.csv) and public hotlines.
CREATE TABLE counties (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL
);

CREATE TABLE townships (
    code        TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    county_code TEXT NOT NULL REFERENCES counties (code)
);
CREATE INDEX townships_by_county ON townships (county_code);

-- county_code NULL: a city-wide line.
CREATE TABLE hotlines (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    county_code TEXT REFERENCES counties (code),
    label       TEXT NOT NULL,
    number      TEXT NOT NULL,
    sort_order  INTEGER NOT NULL DEFAULT 0
);

-- The one number known for certain; county civil-affairs lines are entered by an administrator.
INSERT INTO hotlines (county_code, label, number, sort_order)
VALUES (NULL, '张掖市12345政务服务便民热线', '12345', 0);
