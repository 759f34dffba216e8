-- +goose Up
-- The owner's choices per test (issue 10: a taker recovered a whole answer key from right or
-- wrong per question, submitting again and again). max_attempts is the submissions each taker
-- may make, NULL for no limit; feedback is what a taker sees of a scored submission (their
-- score, or right or wrong per question); stats_count is what the statistics count (each
-- taker's first scored submission, or all).
--
-- Existing tests get the safe defaults, not the old behaviour (unlimited, per question): the
-- old behaviour is exactly what gives their keys away, and a test never changes once created,
-- so an owner who wants more attempts or per-question feedback creates the test again with
-- them. The attempts takers already made count (test_attempts below), so who has taken an
-- existing test once has no attempt left. The defaults stay on the columns so that a binary of
-- the version before, still running during a rolling upgrade, writes safe tests too.
ALTER TABLE tests
    ADD COLUMN max_attempts integer DEFAULT 1 CHECK (max_attempts BETWEEN 1 AND 100),
    ADD COLUMN feedback     text NOT NULL DEFAULT 'score' CHECK (feedback IN ('score', 'per_question')),
    ADD COLUMN stats_count  text NOT NULL DEFAULT 'first' CHECK (stats_count IN ('first', 'all'));

-- Attempts each user made at each test. A submission increments its row in the transaction
-- that stores it, and the row lock the increment takes makes one user's submissions to one
-- test take turns: two at once cannot both take the last attempt allowed. The count is taken
-- before the submission is admitted, and rolled back with it when the limit refuses it.
CREATE TABLE test_attempts (
    test_id  uuid NOT NULL,
    user_id  text NOT NULL,
    attempts integer NOT NULL CHECK (attempts > 0),
    PRIMARY KEY (test_id, user_id)
);
INSERT INTO test_attempts (test_id, user_id, attempts)
SELECT test_id, user_id, count(*) FROM test_submissions GROUP BY test_id, user_id;

-- Each submission's number among its user's attempts at its test, from 1 (numbered here for
-- those stored before; 0 for one a binary of the version before writes during the upgrade).
ALTER TABLE test_submissions ADD COLUMN attempt integer NOT NULL DEFAULT 0;
UPDATE test_submissions s SET attempt = n.attempt
FROM (SELECT id, row_number() OVER (PARTITION BY test_id, user_id ORDER BY submitted_at, id) AS attempt
      FROM test_submissions) n
WHERE s.id = n.id;

-- Who submitted each score and when, from the scored event, so that the statistics can count
-- each taker's first scored submission. Filled here for the scores recorded before; a score a
-- binary of the version before records during the upgrade has no user and counts as its own.
ALTER TABLE test_scores
    ADD COLUMN user_id      text NOT NULL DEFAULT '',
    ADD COLUMN submitted_at timestamptz;
UPDATE test_scores sc SET user_id = s.user_id, submitted_at = s.submitted_at
FROM test_submissions s WHERE s.id = sc.submission_id;

-- +goose Down
ALTER TABLE test_scores DROP COLUMN submitted_at, DROP COLUMN user_id;
ALTER TABLE test_submissions DROP COLUMN attempt;
DROP TABLE test_attempts;
ALTER TABLE tests DROP COLUMN stats_count, DROP COLUMN feedback, DROP COLUMN max_attempts;
