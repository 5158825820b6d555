-- The event log: one row per domain event, positions assigned by the single writer in commit order.
CREATE TABLE events (
    position        BIGINT PRIMARY KEY,
    event_id        UUID NOT NULL UNIQUE,
    aggregate_type  TEXT NOT NULL,
    aggregate_id    TEXT NOT NULL,
    aggregate_seq   BIGINT NOT NULL,
    event_type      TEXT NOT NULL,
    event_version   INT NOT NULL,
    payload         JSONB NOT NULL,
    metadata        JSONB NOT NULL,
    station_id      TEXT,
    ward_code       TEXT,
    occurred_at     TIMESTAMPTZ NOT NULL,
    recorded_at     TIMESTAMPTZ NOT NULL,
    -- the exact bytes the station signed, and its signature (NULL for staff events)
    raw             BYTEA,
    signature       BYTEA,
    UNIQUE (aggregate_type, aggregate_id, aggregate_seq)
);

-- Stations: the rollout plan, enrolled keys, and each station's position in its hash chain.
CREATE TABLE stations (
    station_id            TEXT PRIMARY KEY,
    ward_code             TEXT NOT NULL,
    building              TEXT NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('planned', 'enrolled')),
    enrollment_code_hash  TEXT NOT NULL,
    public_key            BYTEA,
    planned_at            TIMESTAMPTZ NOT NULL,
    enrolled_at           TIMESTAMPTZ,
    last_seq              BIGINT NOT NULL DEFAULT 0,
    last_hash             TEXT NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000',
    last_seen_at          TIMESTAMPTZ
);
CREATE INDEX stations_ward ON stations (ward_code);

-- Everything the hub could not accept, with the reason and the bytes as received.
CREATE TABLE dead_letters (
    id              BIGSERIAL PRIMARY KEY,
    received_at     TIMESTAMPTZ NOT NULL,
    subject         TEXT NOT NULL,
    event_id        UUID,
    station_id      TEXT,
    station_seq     BIGINT,
    reason          TEXT NOT NULL,
    detail          TEXT NOT NULL,
    raw             BYTEA NOT NULL,
    signature       TEXT,
    -- true when the event was authentic and in sequence, so the station's chain moved past it
    chain_advanced  BOOLEAN NOT NULL DEFAULT FALSE,
    receipt_status  TEXT
);
CREATE INDEX dead_letters_event ON dead_letters (event_id);

-- Read models. Each projector keeps its checkpoint in the same transaction as its rows.
CREATE TABLE projection_checkpoints (
    name      TEXT PRIMARY KEY,
    position  BIGINT NOT NULL
);

CREATE TABLE ward_kind_daily (
    ward_code  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    day        DATE NOT NULL,
    count      BIGINT NOT NULL,
    PRIMARY KEY (ward_code, kind, day)
);

CREATE TABLE station_activity (
    station_id     TEXT PRIMARY KEY,
    ward_code      TEXT NOT NULL,
    events         BIGINT NOT NULL,
    last_seen_at   TIMESTAMPTZ NOT NULL,
    last_event_at  TIMESTAMPTZ NOT NULL,
    last_position  BIGINT NOT NULL
);
CREATE INDEX station_activity_ward ON station_activity (ward_code);
