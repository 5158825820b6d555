-- Signing in on the pages: the name a person types (their login; their full name stays the name
-- the log records), an Argon2id password hash (PHC string), and the count of failed sign-ins in a
-- row with the lockout they caused.
ALTER TABLE users ADD COLUMN login TEXT;
CREATE UNIQUE INDEX users_login ON users (login);
ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TIMESTAMPTZ;

-- Browser sessions, keyed by the SHA-256 of the session id (the cookie), never the id itself.
CREATE TABLE sessions (
    id_hash     TEXT PRIMARY KEY,
    data        BYTEA NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- When the station's current enrollment code was issued (it expires 7 days later); an
-- administrator may issue a new one to a station not yet enrolled.
ALTER TABLE stations ADD COLUMN code_issued_at TIMESTAMPTZ;
UPDATE stations SET code_issued_at = planned_at;
