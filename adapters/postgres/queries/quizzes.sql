-- Quizzes are kept in the table tests, as the API names them.

-- name: InsertQuiz :execrows
-- InsertQuiz stores a quiz unless its id exists (a retried create).
INSERT INTO tests (id, owner_id, title, questions, created_at)
VALUES (@id, @owner_id, @title, @questions, @created_at)
ON CONFLICT (id) DO NOTHING;

-- name: GetQuiz :one
SELECT id, owner_id, title, questions, created_at FROM tests WHERE id = @id;

-- name: InsertSubmission :execrows
-- InsertSubmission stores a pending submission unless its id exists (a retried submit).
INSERT INTO test_submissions (id, test_id, user_id, answers, status, submitted_at)
VALUES (@id, @test_id, @user_id, @answers, 'pending', @submitted_at)
ON CONFLICT (id) DO NOTHING;

-- name: GetSubmission :one
-- GetSubmission returns the user's submission; another user's is not found.
SELECT id, test_id, user_id, answers, status, reason, result, submitted_at, scored_at
FROM test_submissions
WHERE user_id = @user_id AND id = @id;

-- name: DecideSubmission :execrows
-- DecideSubmission records the outcome of a pending submission.
UPDATE test_submissions
SET status = @status, reason = @reason, result = @result, scored_at = @scored_at
WHERE id = @id AND status = 'pending';

-- name: InsertQuizScore :execrows
-- InsertQuizScore counts a scored submission in its quiz's statistics once.
INSERT INTO test_scores (submission_id, test_id, percentage, scored_at)
VALUES (@submission_id, @test_id, @percentage, @scored_at)
ON CONFLICT (submission_id) DO NOTHING;

-- name: QuizScores :many
SELECT percentage FROM test_scores WHERE test_id = @test_id;

-- name: GetSubmissionsForUpdate :many
-- GetSubmissionsForUpdate reads submissions and locks them until the transaction ends, in id
-- order, so two batches that share a submission (a redelivery) lock in the same order.
SELECT id, test_id, user_id, answers, status, reason, result, submitted_at, scored_at
FROM test_submissions
WHERE id = ANY(@ids::uuid[])
ORDER BY id
FOR UPDATE;
