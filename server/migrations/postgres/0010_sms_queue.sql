-- Text messages waiting to be sent (status updates). The recipient and the words are sealed; a
-- background worker sends what is due and retries with growing pauses.
CREATE TABLE sms_queue (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payload_sealed  TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    sent_at         BIGINT,
    last_error      TEXT
);
CREATE INDEX sms_queue_due ON sms_queue (sent_at, next_attempt_at);
