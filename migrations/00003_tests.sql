-- +goose Up
-- Tests: questions with their answer key, as JSON (a test never changes once created).
CREATE TABLE tests (
    id         uuid PRIMARY KEY,
    owner_id   text NOT NULL,
    title      text NOT NULL,
    questions  jsonb NOT NULL,
    created_at timestamptz NOT NULL
);

-- Submissions: a user's answers, pending until the result calculator scores them (scored, with
-- the result) or cannot (failed, with the reason). Written with the submitted event in one
-- transaction. test_id has no foreign key on purpose: tests are never deleted and the API reads
-- the test before it stores a submission, while a foreign key would take a share lock on the
-- test's row for every submission, making a popular test one hot row.
CREATE TABLE test_submissions (
    id           uuid PRIMARY KEY,
    test_id      uuid NOT NULL,
    user_id      text NOT NULL,
    answers      jsonb NOT NULL,
    status       text NOT NULL CHECK (status IN ('pending', 'scored', 'failed')),
    reason       text NOT NULL DEFAULT '',
    result       jsonb,
    submitted_at timestamptz NOT NULL,
    scored_at    timestamptz,
    CHECK ((status = 'scored') = (result IS NOT NULL)),
    CHECK ((status = 'pending') = (scored_at IS NULL))
);
-- The submissions still waiting for their score, oldest first: what an operator looks at when
-- scoring lags, and how the bench knows it is done, without scanning the scored ones.
CREATE INDEX test_submissions_pending ON test_submissions (submitted_at) WHERE status = 'pending';

-- The analytics group's copy of every scored submission's percentage, for the test's
-- statistics. The submission id is the key, so a score is counted once.
CREATE TABLE test_scores (
    submission_id uuid PRIMARY KEY,
    test_id       uuid NOT NULL,
    percentage    double precision NOT NULL CHECK (percentage BETWEEN 0 AND 100),
    scored_at     timestamptz NOT NULL
);
CREATE INDEX test_scores_test ON test_scores (test_id);

-- +goose Down
DROP TABLE test_scores;
DROP TABLE test_submissions;
DROP TABLE tests;
