-- Each station's NATS user: the public nkey it made at enrollment (its seed never leaves the
-- station), and when the hub revoked it on NATS (the account's revocation list is rebuilt from
-- these rows and pushed to the servers).
ALTER TABLE stations ADD COLUMN nats_user_key TEXT;
ALTER TABLE stations ADD COLUMN nats_revoked_at TIMESTAMPTZ;
