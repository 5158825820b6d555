-- The log's single writer, fenced (see the PostgreSQL migration); in the embedded mode one process
-- owns the file, so the table only keeps the schemas alike.
CREATE TABLE writer_lease (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    epoch  BIGINT NOT NULL
);
INSERT INTO writer_lease (id, epoch) VALUES (1, 0);
