-- Files uploaded per subject (a draft, a report, a household's declarations) and day in China time,
-- counted atomically before the files are written, so that no one fills the disk through one subject.
CREATE TABLE upload_allowances (
    subject TEXT NOT NULL,
    day     BIGINT NOT NULL,
    files   BIGINT NOT NULL,
    PRIMARY KEY (subject, day)
);

-- The sweep of files nothing refers to asks, per file on disk, whether a case or a report holds it.
CREATE INDEX case_files_by_hash ON case_files (sha256);
CREATE INDEX report_files_by_hash ON report_files (sha256);
