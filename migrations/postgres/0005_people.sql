-- People who use the hub: a name, the roles they hold (comma-separated: ward_officer,
-- pc06_staff, auditor, administrator) and, for ward officers, the wards they serve.
CREATE TABLE users (
    name        TEXT PRIMARY KEY,
    roles       TEXT NOT NULL,
    wards       TEXT NOT NULL DEFAULT '',
    disabled    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL
);

-- API tokens, kept only as the SHA-256 of the token; each expires.
CREATE TABLE api_tokens (
    token_hash  TEXT PRIMARY KEY,
    user_name   TEXT NOT NULL REFERENCES users (name),
    expires_at  TIMESTAMPTZ NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
