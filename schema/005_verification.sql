-- Multi-pass problems: how many times the submission may run on one test,
-- each pass on the input the validator wrote (0: not multi-pass).
ALTER TABLE problems ADD COLUMN validation_passes INT NOT NULL DEFAULT 0 AFTER scoring;

-- A submission judged on every test, not only up to the first failure
-- (package verification checks what each test gives).
ALTER TABLE submissions ADD COLUMN run_all_tests BOOLEAN NOT NULL DEFAULT FALSE;

-- Package verification: the package's own submissions/, what their authors
-- expect (the folder, submissions.yaml, @EXPECTED_RESULTS@) and the
-- submission that judges each. Written by server/api_verification.c only.
CREATE TABLE problem_verifications (
  problem_id      VARCHAR(64) NOT NULL,
  file            VARCHAR(512) NOT NULL,               -- under submissions/: "accepted/sol.py"
  language        VARCHAR(32) NOT NULL,                -- '' when not known
  expected        TEXT NOT NULL,                       -- JSON: permitted, required, final, score, groups
  submission_id   VARCHAR(16) NULL,                    -- NULL when it cannot be judged here (see note)
  note            VARCHAR(255) NULL,
  package_version INT NOT NULL,
  created_at      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (problem_id, file),
  CONSTRAINT problem_verifications_fk FOREIGN KEY (problem_id) REFERENCES problems (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
