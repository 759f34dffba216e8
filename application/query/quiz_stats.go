package query

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// QuizStats reads a quiz's statistics; only its owner may (Quiz.CheckStatsReader).
type QuizStats struct {
	UserID shared.UserID
	ID     string
}

// QuizStatsHandler handles QuizStats: each taker's first scored submission, or every one, as
// the quiz's owner chose (Quiz.Stats).
type QuizStatsHandler decorator.Handler[QuizStats, testresult.Stats]

type quizStatsHandler struct{ reader QuizReader }

// NewQuizStatsHandler returns the QuizStats query. It panics on a nil reader.
func NewQuizStatsHandler(r QuizReader) decorator.Handler[QuizStats, testresult.Stats] {
	return quizStatsHandler{reader: mustQuizReader(r)}
}

// Handle reads the quiz first: an unknown quiz is not found and another user's is forbidden,
// before any score is read.
func (h quizStatsHandler) Handle(ctx context.Context, q QuizStats) (testresult.Stats, error) {
	quiz, err := h.reader.GetQuiz(ctx, q.ID)
	if err != nil {
		return testresult.Stats{}, err
	}
	if err := quiz.CheckStatsReader(q.UserID); err != nil {
		return testresult.Stats{}, err
	}
	scores, err := h.reader.Scores(ctx, quiz.ID())
	if err != nil {
		return testresult.Stats{}, err
	}
	return quiz.Stats(scores), nil
}
