package query

import (
	"context"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// QuizReader reads quizzes, submissions and the scores the analytics group keeps, for GetQuiz,
// GetSubmission and QuizStats. Implementations are safe for concurrent use.
type QuizReader interface {
	// GetQuiz returns the quiz, answer key included, or a shared.KindNotFound error.
	GetQuiz(ctx context.Context, id string) (*testresult.Quiz, error)
	// GetSubmission returns the user's submission, or a shared.KindNotFound error.
	GetSubmission(ctx context.Context, user shared.UserID, id string) (*testresult.Submission, error)
	// Scores returns the quiz's scored submissions the analytics group has recorded, each with
	// its user and submission time (Quiz.Stats counts the first of each user from them).
	Scores(ctx context.Context, quizID string) ([]testresult.RecordedScore, error)
}

// mustQuizReader returns r, and panics when it is nil: the queries' constructors reject a
// missing dependency at wiring time rather than on the first request.
func mustQuizReader(r QuizReader) QuizReader {
	if r == nil {
		panic("query: nil quiz reader")
	}
	return r
}
