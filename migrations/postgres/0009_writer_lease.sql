-- The log's single writer, fenced: each hub that becomes the writer (after taking the advisory
-- lock) raises the epoch, and every append transaction first checks, under the row's lock, that
-- the epoch is still its own. A writer that lost its lock to another cannot commit.
CREATE TABLE writer_lease (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    epoch  BIGINT NOT NULL
);
INSERT INTO writer_lease (id, epoch) VALUES (1, 0);
