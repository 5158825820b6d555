-- The audit log: every event's entry bytes (docs/AUDIT.md), made once by the writer in the
-- transaction that appends the event; the RFC 6962 tree over them as C2SP tlog tiles of 256
-- hashes, written in the same transaction; the signed checkpoints and the stations' cosignatures.
ALTER TABLE events ADD COLUMN entry BYTEA;
-- Only a log begun before the audit log has rows without entries; the writer fills them in.
CREATE INDEX events_without_entry ON events (position) WHERE entry IS NULL;

CREATE TABLE tlog_tiles (
    level   SMALLINT NOT NULL,
    idx     BIGINT NOT NULL,
    -- the tile's hashes, 32 bytes each, 1 to 256 of them
    hashes  BYTEA NOT NULL,
    PRIMARY KEY (level, idx)
);

CREATE TABLE checkpoints (
    tree_size  BIGINT PRIMARY KEY,
    root       BYTEA NOT NULL,
    -- the signed note, as served
    note       TEXT NOT NULL,
    signed_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE cosignatures (
    tree_size    BIGINT NOT NULL REFERENCES checkpoints (tree_size),
    witness      TEXT NOT NULL,
    -- the note signature line (C2SP tlog-cosignature)
    line         TEXT NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tree_size, witness)
);
