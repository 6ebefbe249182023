-- The policy guide: one page per assistance type, Markdown written in plain words. Seeded from
-- seed/guide/*.md when missing; an administrator's edits are never overwritten by the seed.
CREATE TABLE guide_pages (
    slug          TEXT PRIMARY KEY,
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    sort_order    INTEGER NOT NULL
);
