-- Keys of the citizen pseudonyms (HMAC-SHA256 of the 12-digit ID). Stations receive the active key
-- at enrollment; a citizen ID never reaches the hub in clear.
CREATE TABLE pseudonym_keys (
    key_id      TEXT PRIMARY KEY,
    key         BYTEA NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE
);
