-- What the township proposes and the county decides, and the end of the public notice period.
ALTER TABLE applications ADD COLUMN monthly_amount INTEGER;
ALTER TABLE applications ADD COLUMN notice_until TEXT;

-- Public notices (公示). Written when the township publishes, from the server's one masking module: the
-- public pages read only this table, so unmasked data cannot reach them. Rows stay after the period for
-- staff; public queries filter on the dates.
CREATE TABLE notices (
    application_id   BIGINT PRIMARY KEY REFERENCES applications (id),
    county_code      TEXT NOT NULL,
    township_code    TEXT NOT NULL,
    village          TEXT NOT NULL,
    head_name_masked TEXT NOT NULL,
    household_size   INTEGER NOT NULL,
    types            TEXT NOT NULL,
    monthly_amount   INTEGER NOT NULL,
    published_from   TEXT NOT NULL,
    published_until  TEXT NOT NULL
);
CREATE INDEX notices_by_place ON notices (county_code, township_code, published_until);
