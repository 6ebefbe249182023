-- The applicant's name masked as the status page shows it ("张*明"), written at submission: a status
-- page then reads no sealed data at all. Applications submitted before have none; their status page
-- still unseals the draft for the name.
ALTER TABLE applications ADD COLUMN applicant_masked TEXT;
