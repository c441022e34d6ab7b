-- Where a problem's time limit comes from: the package states it
-- ('package'); the package leaves it to its own submissions ('inferring'
-- until those that bound it from below are judged, then 'inferred', or
-- 'failed' when they give none); the package gives neither ('default': the
-- system's); an admin set it ('admin'). While 'inferring' or 'failed' the
-- problem takes no submissions. time_limit_note says how it was found or
-- why not; time_multipliers is the package's rule (JSON: ac_to_time_limit,
-- time_limit_to_tle, time_resolution).
ALTER TABLE problems
  ADD COLUMN time_limit_from VARCHAR(16) NOT NULL DEFAULT 'package' AFTER time_limit,
  ADD COLUMN time_limit_note VARCHAR(512) NULL AFTER time_limit_from,
  ADD COLUMN time_multipliers VARCHAR(255) NULL AFTER time_limit_note,
  -- limits.code in KiB; 0: the system's max_code_kb.
  ADD COLUMN code_limit_kb INT NOT NULL DEFAULT 0 AFTER output_limit;

-- 'held': a package's own submission waiting for the time limit that the
-- package's lower-bound submissions give; the sweeper leaves it alone.
ALTER TABLE submissions MODIFY status ENUM('held','queued','judging','done') NOT NULL DEFAULT 'queued';

-- A recorded result finds its verification.
ALTER TABLE problem_verifications ADD KEY problem_verifications_submission (submission_id);
