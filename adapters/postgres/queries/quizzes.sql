-- Quizzes are kept in the table tests, as the API names them.

-- name: InsertQuiz :execrows
-- InsertQuiz stores a quiz unless its id exists (a retried create).
INSERT INTO tests (id, owner_id, title, questions, max_attempts, feedback, stats_count, created_at)
VALUES (@id, @owner_id, @title, @questions, @max_attempts, @feedback, @stats_count, @created_at)
ON CONFLICT (id) DO NOTHING;

-- name: GetQuiz :one
SELECT id, owner_id, title, questions, created_at, max_attempts, feedback, stats_count FROM tests WHERE id = @id;

-- name: CountAttempt :one
-- CountAttempt counts one more attempt of the user at the test and returns the count with it.
-- The row stays locked until the transaction ends, so the user's next submission to the test
-- waits for this one to commit or roll back before it counts.
INSERT INTO test_attempts (test_id, user_id, attempts)
VALUES (@test_id, @user_id, 1)
ON CONFLICT (test_id, user_id) DO UPDATE SET attempts = test_attempts.attempts + 1
RETURNING attempts;

-- name: SubmissionExists :one
SELECT EXISTS (SELECT 1 FROM test_submissions WHERE id = @id);

-- name: InsertSubmission :execrows
-- InsertSubmission stores a pending submission unless its id exists (a retried submit).
INSERT INTO test_submissions (id, test_id, user_id, attempt, answers, status, submitted_at)
VALUES (@id, @test_id, @user_id, @attempt, @answers, 'pending', @submitted_at)
ON CONFLICT (id) DO NOTHING;

-- name: GetSubmission :one
-- GetSubmission returns the user's submission; another user's is not found.
SELECT id, test_id, user_id, answers, status, reason, result, submitted_at, scored_at, attempt
FROM test_submissions
WHERE user_id = @user_id AND id = @id;

-- name: DecideSubmission :execrows
-- DecideSubmission records the outcome of a pending submission.
UPDATE test_submissions
SET status = @status, reason = @reason, result = @result, scored_at = @scored_at
WHERE id = @id AND status = 'pending';

-- name: InsertQuizScore :execrows
-- InsertQuizScore counts a scored submission in its quiz's statistics once.
INSERT INTO test_scores (submission_id, test_id, user_id, submitted_at, percentage, scored_at)
VALUES (@submission_id, @test_id, @user_id, @submitted_at, @percentage, @scored_at)
ON CONFLICT (submission_id) DO NOTHING;

-- name: QuizScores :many
-- QuizScores returns the test's scores with who submitted each and when (the scoring time for a
-- score recorded without it, during the upgrade that added it).
SELECT submission_id, user_id, COALESCE(submitted_at, scored_at)::timestamptz AS submitted_at, percentage
FROM test_scores WHERE test_id = @test_id;

-- name: GetSubmissionsForUpdate :many
-- GetSubmissionsForUpdate reads submissions and locks them until the transaction ends, in id
-- order, so two batches that share a submission (a redelivery) lock in the same order.
SELECT id, test_id, user_id, answers, status, reason, result, submitted_at, scored_at, attempt
FROM test_submissions
WHERE id = ANY(@ids::uuid[])
ORDER BY id
FOR UPDATE;
