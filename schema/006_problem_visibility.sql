-- A problem in a contest that has not ended is held back from the bank, the
-- problem page and normal submissions; an admin may open it to everyone.
ALTER TABLE problems ADD COLUMN made_public TINYINT(1) NOT NULL DEFAULT 0 AFTER tags;

-- The bank's held-back check and freeze filter look problems up by contest.
ALTER TABLE contest_problems ADD KEY contest_problems_problem (problem_id);
