-- Who read or did what, when and from where: every read of a case's history, of dead letters'
-- raw bytes, of the access log itself, and every staff command and station planning. Append-only.
CREATE TABLE access_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    target   TEXT NOT NULL,
    remote   TEXT NOT NULL,
    status   INTEGER NOT NULL
);

CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'the access log is append-only');
END;

CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'the access log is append-only');
END;
