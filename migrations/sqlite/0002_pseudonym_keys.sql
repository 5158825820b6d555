CREATE TABLE pseudonym_keys (
    key_id      TEXT PRIMARY KEY,
    key         BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1
);
