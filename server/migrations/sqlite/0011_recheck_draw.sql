-- Whether the county drew the case for a re-check home visit when it was forwarded.
ALTER TABLE applications ADD COLUMN recheck_drawn BOOLEAN NOT NULL DEFAULT FALSE;
