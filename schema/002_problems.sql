-- Verdict schema, migration 002: problems from Kattis packages, test data as
-- content-addressed blobs, submissions with per-test results.

-- Every file of every package, stored once by its SHA-256, in chunks of at
-- most 4 MiB so that no statement outgrows a default max_allowed_packet.
CREATE TABLE blobs (
  sha256     CHAR(64) NOT NULL PRIMARY KEY,
  size       BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB;

CREATE TABLE blob_chunks (
  sha256 CHAR(64) NOT NULL,
  seq    INT NOT NULL,
  data   MEDIUMBLOB NOT NULL,
  PRIMARY KEY (sha256, seq)
) ENGINE=InnoDB;

CREATE TABLE problems (
  id              VARCHAR(64) NOT NULL PRIMARY KEY,
  name            VARCHAR(255) NOT NULL,
  format          VARCHAR(32) NOT NULL,               -- legacy, 2023-07-draft, 2025-09, ...
  type            VARCHAR(64) NOT NULL,               -- pass-fail or scoring, plus interactive
  interactive     BOOLEAN NOT NULL DEFAULT FALSE,
  scoring         BOOLEAN NOT NULL DEFAULT FALSE,
  time_limit      DOUBLE NOT NULL,                    -- seconds of CPU per test
  memory_limit    INT NOT NULL,                       -- MiB
  output_limit    INT NOT NULL,                       -- MiB
  validator_flags TEXT NULL,                          -- JSON array: arguments for every output validator
  validator_kind  VARCHAR(16) NOT NULL DEFAULT 'default', -- default, kattis or testlib
  validator_lang  VARCHAR(16) NULL,
  validator_path  VARCHAR(700) NULL,                  -- the validator's directory or file in the package
  statement       MEDIUMTEXT NULL,                    -- Markdown (or text) source
  statement_html  MEDIUMTEXT NULL,
  statement_file  VARCHAR(700) NULL,                  -- what could not be rendered: .tex, .pdf
  difficulty      VARCHAR(16) NULL,
  tags            TEXT NULL,                          -- JSON array
  run_all_tests   BOOLEAN NOT NULL DEFAULT FALSE,
  package_version INT NOT NULL DEFAULT 1,
  created_at      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The package exactly as imported: export zips these back.
CREATE TABLE problem_files (
  problem_id VARCHAR(64) NOT NULL,
  path       VARCHAR(700) NOT NULL,
  sha256     CHAR(64) NOT NULL,
  mode       INT NOT NULL DEFAULT 420,
  PRIMARY KEY (problem_id, path),
  CONSTRAINT problem_files_fk FOREIGN KEY (problem_id) REFERENCES problems (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Test groups: data/sample, data/secret and nested groups, with their
-- grading settings (testdata.yaml or test_group.yaml) as JSON.
CREATE TABLE test_groups (
  problem_id VARCHAR(64) NOT NULL,
  name       VARCHAR(500) NOT NULL,                   -- "sample", "secret", "secret/group1"
  ord        INT NOT NULL,
  settings   TEXT NOT NULL,
  PRIMARY KEY (problem_id, name),
  CONSTRAINT test_groups_fk FOREIGN KEY (problem_id) REFERENCES problems (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE testcases (
  problem_id    VARCHAR(64) NOT NULL,
  ord           INT NOT NULL,                         -- judging order: samples first, then by path
  name          VARCHAR(500) NOT NULL,                -- path under data/ without extension
  group_name    VARCHAR(500) NOT NULL,
  sample        BOOLEAN NOT NULL,
  input_sha256  CHAR(64) NOT NULL,
  answer_sha256 CHAR(64) NOT NULL,
  validator_args TEXT NULL,                           -- JSON array, the group's and the case's
  PRIMARY KEY (problem_id, ord),
  CONSTRAINT testcases_fk FOREIGN KEY (problem_id) REFERENCES problems (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE submissions (
  id             VARCHAR(16) NOT NULL PRIMARY KEY,
  user_id        BIGINT UNSIGNED NULL,
  problem_id     VARCHAR(64) NOT NULL,
  language       VARCHAR(32) NOT NULL,
  code           MEDIUMBLOB NOT NULL,
  status         ENUM('queued','judging','done') NOT NULL DEFAULT 'queued',
  attempt        INT NOT NULL DEFAULT 1,
  package_version INT NOT NULL DEFAULT 1,
  verdict        VARCHAR(8) NULL,
  score          DOUBLE NULL,
  max_score      DOUBLE NULL,
  time_ms        INT NULL,
  memory_kb      INT NULL,
  compile_output MEDIUMBLOB NULL,
  message        VARCHAR(512) NULL,
  judge          VARCHAR(128) NULL,
  created_at     DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  queued_at      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  started_at     DATETIME(3) NULL,
  finished_at    DATETIME(3) NULL,
  KEY submissions_user (user_id, created_at),
  KEY submissions_problem (problem_id, created_at),
  KEY submissions_status (status, queued_at)
) ENGINE=InnoDB;

CREATE TABLE submission_tests (
  submission_id VARCHAR(16) NOT NULL,
  ord           INT NOT NULL,
  name          VARCHAR(500) NOT NULL,
  group_name    VARCHAR(500) NOT NULL,
  verdict       VARCHAR(8) NOT NULL,
  time_ms       INT NOT NULL DEFAULT 0,
  memory_kb     INT NOT NULL DEFAULT 0,
  score         DOUBLE NULL,
  judge_message TEXT NULL,                            -- the validator's judgemessage.txt: admins only
  PRIMARY KEY (submission_id, ord),
  CONSTRAINT submission_tests_fk FOREIGN KEY (submission_id) REFERENCES submissions (id) ON DELETE CASCADE
) ENGINE=InnoDB;
