-- Verdict schema, migration 001: accounts, sessions, runs and shares.
-- Migrations are numbered, applied in order once, and never edited after release.

CREATE TABLE users (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  username      VARCHAR(32) NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  role          ENUM('admin','contestant') NOT NULL DEFAULT 'contestant',
  premium       BOOLEAN NOT NULL DEFAULT FALSE,
  disabled      BOOLEAN NOT NULL DEFAULT FALSE,
  created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY users_username (username)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A session cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
  token_hash  BINARY(32) NOT NULL PRIMARY KEY,
  user_id     BIGINT UNSIGNED NOT NULL,
  created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  expires_at  DATETIME(3) NOT NULL,
  KEY sessions_user (user_id),
  CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- A run: code with the user's own input, judged in the box. Code, input and
-- outputs are bytes (a program may print anything); the API turns them into
-- valid UTF-8 on the way out.
CREATE TABLE runs (
  id               VARCHAR(16) NOT NULL PRIMARY KEY,
  user_id          BIGINT UNSIGNED NULL,
  language         VARCHAR(32) NOT NULL,
  code             MEDIUMBLOB NOT NULL,
  input            MEDIUMBLOB NOT NULL,
  status           ENUM('queued','running','done') NOT NULL DEFAULT 'queued',
  attempt          INT NOT NULL DEFAULT 1,
  verdict          VARCHAR(8) NULL,
  message          VARCHAR(512) NULL,
  stdout           MEDIUMBLOB NULL,
  stderr           MEDIUMBLOB NULL,
  compile_output   MEDIUMBLOB NULL,
  stdout_truncated BOOLEAN NOT NULL DEFAULT FALSE,
  stderr_truncated BOOLEAN NOT NULL DEFAULT FALSE,
  exit_code        INT NULL,
  time_ms          INT NULL,
  memory_kb        INT NULL,
  judge            VARCHAR(128) NULL,
  share_slug       VARCHAR(16) NULL,
  client_ip        VARCHAR(64) NULL,
  created_at       DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  queued_at        DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  started_at       DATETIME(3) NULL,
  finished_at      DATETIME(3) NULL,
  UNIQUE KEY runs_share (share_slug),
  KEY runs_status (status, queued_at),
  KEY runs_user (user_id, created_at)
) ENGINE=InnoDB;

-- Admin actions, with who and when.
CREATE TABLE audit_log (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id    BIGINT UNSIGNED NULL,
  action     VARCHAR(64) NOT NULL,
  target     VARCHAR(255) NULL,
  detail     TEXT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY audit_created (created_at)
) ENGINE=InnoDB;
