-- Verdict schema, migration 003: contests, their problems and teams,
-- clarifications, and the final standings of finished contests.

CREATE TABLE contests (
  id              VARCHAR(64) NOT NULL PRIMARY KEY,
  name            VARCHAR(255) NOT NULL,
  formal_name     VARCHAR(255) NULL,
  start_time      DATETIME(3) NULL,
  duration_s      INT NOT NULL,
  freeze_s        INT NULL,                      -- scoreboard_freeze_duration
  penalty_min     INT NOT NULL DEFAULT 20,
  scoreboard_type ENUM('pass-fail','score') NOT NULL DEFAULT 'pass-fail',
  thawed_at       DATETIME(3) NULL,
  finalized_at    DATETIME(3) NULL,
  created_at      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE contest_problems (
  contest_id VARCHAR(64) NOT NULL,
  problem_id VARCHAR(64) NOT NULL,
  label      VARCHAR(16) NOT NULL,
  color      VARCHAR(32) NULL,
  rgb        VARCHAR(8) NULL,
  ord        INT NOT NULL,
  PRIMARY KEY (contest_id, problem_id),
  CONSTRAINT contest_problems_fk FOREIGN KEY (contest_id) REFERENCES contests (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A contestant joins as a team named after the user.
CREATE TABLE contest_teams (
  contest_id    VARCHAR(64) NOT NULL,
  user_id       BIGINT UNSIGNED NOT NULL,
  registered_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (contest_id, user_id),
  CONSTRAINT contest_teams_fk FOREIGN KEY (contest_id) REFERENCES contests (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE clarifications (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  contest_id VARCHAR(64) NOT NULL,
  from_user  BIGINT UNSIGNED NULL,                -- NULL: from the jury
  to_user    BIGINT UNSIGNED NULL,                -- NULL: to everyone (when from the jury)
  reply_to   BIGINT UNSIGNED NULL,
  problem_id VARCHAR(64) NULL,
  text       TEXT NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY clarifications_contest (contest_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Once a contest is finalized its standings are kept here and served from
-- here from then on.
CREATE TABLE contest_final_scoreboards (
  contest_id VARCHAR(64) NOT NULL PRIMARY KEY,
  scoreboard MEDIUMTEXT NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

ALTER TABLE submissions ADD COLUMN contest_id VARCHAR(64) NULL AFTER problem_id,
  ADD KEY submissions_contest (contest_id, created_at);
