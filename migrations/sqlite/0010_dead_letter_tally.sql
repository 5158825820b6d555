-- Every dead letter from an unauthenticated sender, counted by local day and reason; the
-- dead-letter table keeps only a sample of them in full (at most 100 per reason a minute).
CREATE TABLE dead_letter_tally (
    day     TEXT NOT NULL,
    reason  TEXT NOT NULL,
    count   BIGINT NOT NULL,
    PRIMARY KEY (day, reason)
);
