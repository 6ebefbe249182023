-- SMS verification codes. Neither the phone number nor the code is stored: phone_key is a keyed hash of
-- the number, code_hash a keyed hash of the code. Rows older than a day are purged.
CREATE TABLE otp_codes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phone_key  TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    used       BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX otp_codes_by_phone ON otp_codes (phone_key, created_at);
