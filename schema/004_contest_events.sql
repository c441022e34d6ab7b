-- Verdict schema, migration 004: the log behind each contest's CLICS event
-- feed. A row says which object changed (or, with no object_id, the whole
-- collection or singleton); the feed sends that object's state as it is
-- when it is read, as the caller's role may see it. seq is the feed's token.

CREATE TABLE contest_events (
  seq        BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  contest_id VARCHAR(64) NOT NULL,
  type       VARCHAR(32) NOT NULL,
  object_id  VARCHAR(64) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY contest_events_by_contest (contest_id, seq),
  CONSTRAINT contest_events_fk FOREIGN KEY (contest_id) REFERENCES contests (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
