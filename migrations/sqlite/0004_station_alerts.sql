-- When a station's key was revoked for signing two histories (equivocation), until its key is
-- rotated: the alert on the ward's page.
ALTER TABLE station_activity ADD COLUMN key_revoked_at TEXT;
