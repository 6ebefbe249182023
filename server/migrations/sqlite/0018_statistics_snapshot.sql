-- The public statistics as last computed (JSON of domain::stats::Statistics): /stats and /stats.csv read
-- this one row, so their cost does not grow with the number of applications. A background task on every
-- instance recomputes it (every five minutes by default, PORTAL_STATISTICS_REFRESH_SECONDS).
CREATE TABLE statistics_snapshot (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    computed_at BIGINT NOT NULL,
    body        TEXT NOT NULL
);
