-- The event log: one row per domain event, positions assigned by the single writer in commit order.
CREATE TABLE events (
    position        INTEGER PRIMARY KEY,
    event_id        TEXT NOT NULL UNIQUE,
    aggregate_type  TEXT NOT NULL,
    aggregate_id    TEXT NOT NULL,
    aggregate_seq   INTEGER NOT NULL,
    event_type      TEXT NOT NULL,
    event_version   INTEGER NOT NULL,
    payload         TEXT NOT NULL,
    metadata        TEXT NOT NULL,
    station_id      TEXT,
    ward_code       TEXT,
    occurred_at     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    raw             BLOB,
    signature       BLOB,
    UNIQUE (aggregate_type, aggregate_id, aggregate_seq)
);

CREATE TABLE stations (
    station_id            TEXT PRIMARY KEY,
    ward_code             TEXT NOT NULL,
    building              TEXT NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('planned', 'enrolled')),
    enrollment_code_hash  TEXT NOT NULL,
    public_key            BLOB,
    planned_at            TEXT NOT NULL,
    enrolled_at           TEXT,
    last_seq              INTEGER NOT NULL DEFAULT 0,
    last_hash             TEXT NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000',
    last_seen_at          TEXT
);
CREATE INDEX stations_ward ON stations (ward_code);

CREATE TABLE dead_letters (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at     TEXT NOT NULL,
    subject         TEXT NOT NULL,
    event_id        TEXT,
    station_id      TEXT,
    station_seq     INTEGER,
    reason          TEXT NOT NULL,
    detail          TEXT NOT NULL,
    raw             BLOB NOT NULL,
    signature       TEXT,
    chain_advanced  INTEGER NOT NULL DEFAULT 0,
    receipt_status  TEXT
);
CREATE INDEX dead_letters_event ON dead_letters (event_id);

CREATE TABLE projection_checkpoints (
    name      TEXT PRIMARY KEY,
    position  INTEGER NOT NULL
);

CREATE TABLE ward_kind_daily (
    ward_code  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    day        TEXT NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (ward_code, kind, day)
);

CREATE TABLE station_activity (
    station_id     TEXT PRIMARY KEY,
    ward_code      TEXT NOT NULL,
    events         INTEGER NOT NULL,
    last_seen_at   TEXT NOT NULL,
    last_event_at  TEXT NOT NULL,
    last_position  INTEGER NOT NULL
);
CREATE INDEX station_activity_ward ON station_activity (ward_code);
