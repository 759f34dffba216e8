package testresult

import (
	"context"

	"github.com/taskstream/taskstream/domain/shared"
)

// QuizRepository keeps quizzes and their submissions. It writes a submission and its submitted
// event in one transaction, and a decided submission and its scored event in one transaction
// (the transactional outbox). Implementations are safe for concurrent use.
type QuizRepository interface {
	// AddQuiz stores a quiz. It reports false, writing nothing, when a quiz with that id
	// exists (a retried create with the same idempotency key).
	AddQuiz(ctx context.Context, q *Quiz) (bool, error)
	// GetQuiz returns the quiz, answer key included, or a shared.KindNotFound error.
	GetQuiz(ctx context.Context, id string) (*Quiz, error)
	// AddSubmission stores a pending submission and its submitted event, as its user's next
	// attempt at its quiz: it counts the user's attempts at the quiz, calls admit with the
	// number this one would have (1 for the first), and stores nothing when admit fails, returning
	// its error. The count and the check take turns per quiz and user (a row lock, a mutex), so
	// two submissions at once cannot both take the last attempt allowed. It reports false,
	// writing nothing, when a submission with that id exists (a retry), even past the limit.
	AddSubmission(ctx context.Context, s *Submission, admit func(attempt int) error, meta shared.EventMeta) (bool, error)
	// GetSubmission returns the user's submission, or a shared.KindNotFound error.
	GetSubmission(ctx context.Context, user shared.UserID, id string) (*Submission, error)
	// Score loads the submissions of targets holding their locks, and their quizzes, in one
	// transaction, and calls decide for each. It stores every submission decide reports true
	// for as decide left it (scored or failed), with the scored event of each scored one, and
	// commits. It returns how many it stored and the ids of targets that name no stored
	// submission. decide's errors are returned, and nothing is written. The locks make
	// deliveries of the same submission's event take turns, so decide sees the outcome of the
	// one before.
	Score(ctx context.Context, targets []ScoreTarget, decide func(*Quiz, *Submission) (bool, error)) (stored int, missing []string, err error)
}

// ScoreTarget is a submission to score and the event metadata its scored event carries on.
type ScoreTarget struct {
	SubmissionID string
	Meta         shared.EventMeta
}

// ScoreLog keeps the scores of each quiz for its statistics (the analytics consumer group).
type ScoreLog interface {
	// Record stores the score of a scored submission once; it reports false, writing nothing,
	// when the submission was recorded before (by this event or another).
	Record(ctx context.Context, e Scored) (bool, error)
}
