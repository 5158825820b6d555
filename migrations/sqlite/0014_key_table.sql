-- The hub's key table (docs/PRIVACY.md): each epoch's X25519 key pair, its secret sealed under
-- the key-encryption key kept outside the database (NULL once destroyed), and each event's data
-- key, sealed the same way, with whom it concerns: the resident's pseudonym when the event names
-- one, and always its case. Forgetting deletes data keys; nothing else can open a sealed field.
CREATE TABLE epoch_keys (
    epoch        TEXT PRIMARY KEY,
    public_key   BLOB NOT NULL,
    secret       BLOB,
    created_at   TEXT NOT NULL,
    destroyed_at TEXT
);

CREATE TABLE data_keys (
    event_id       TEXT PRIMARY KEY,
    citizen        TEXT,
    aggregate_type TEXT NOT NULL,
    aggregate_id   TEXT NOT NULL,
    sealed_key     BLOB NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX data_keys_citizen ON data_keys (citizen);
CREATE INDEX data_keys_case ON data_keys (aggregate_type, aggregate_id);
