-- A station that witnessed a fork of the audit log says so in its heartbeats.
ALTER TABLE station_activity ADD COLUMN log_alarm TEXT;
