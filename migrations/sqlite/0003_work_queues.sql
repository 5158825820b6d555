-- Dashboards: staff actions and the age bands of residents served, per ward and local day; the
-- stations' latest heartbeat. The security-report work queue with its deadlines.
CREATE TABLE ward_staff_daily (
    ward_code  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    day        TEXT NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (ward_code, kind, day)
);

CREATE TABLE ward_citizen_daily (
    ward_code  TEXT NOT NULL,
    age_band   TEXT NOT NULL,
    sex        TEXT NOT NULL,
    day        TEXT NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (ward_code, age_band, sex, day)
);

ALTER TABLE station_activity ADD COLUMN heartbeat_at TEXT;
ALTER TABLE station_activity ADD COLUMN agent_version TEXT;
ALTER TABLE station_activity ADD COLUMN outbox_depth INTEGER;
ALTER TABLE station_activity ADD COLUMN clock_skew_ms INTEGER;

CREATE TABLE security_reports (
    report_id                TEXT PRIMARY KEY,
    ward_code                TEXT NOT NULL,
    station_id               TEXT NOT NULL,
    category                 TEXT NOT NULL,
    severity                 TEXT NOT NULL,
    location                 TEXT NOT NULL,
    description              TEXT NOT NULL,
    status                   TEXT NOT NULL,
    officer                  TEXT,
    filed_at                 TEXT NOT NULL,
    acknowledge_by           TEXT NOT NULL,
    resolve_by               TEXT NOT NULL,
    acknowledged_at          TEXT,
    resolved_at              TEXT,
    acknowledgement_overdue  INTEGER NOT NULL DEFAULT 0,
    resolution_overdue       INTEGER NOT NULL DEFAULT 0,
    updated_at               TEXT NOT NULL,
    last_position            INTEGER NOT NULL
);
CREATE INDEX security_reports_ward ON security_reports (ward_code, status);
CREATE INDEX security_reports_open ON security_reports (status, resolve_by);
