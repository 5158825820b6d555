-- Pseudonyms are made by the hub on ingest from a key no station holds (docs/PROTOCOL.md section
-- 11). Every key made before was given to stations at enrollment: it is marked so, and the hub
-- retires it for a fresh one when it next starts; rows made from now on are the hub's alone.
ALTER TABLE pseudonym_keys ADD COLUMN held_by_stations BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE pseudonym_keys SET held_by_stations = TRUE;
