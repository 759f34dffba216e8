package query

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// GetQuiz reads a quiz. Anyone signed in may read it to take it; only its owner sees the answer
// key.
type GetQuiz struct {
	UserID shared.UserID
	ID     string
}

// GetQuizHandler handles GetQuiz: the quiz as the caller may see it (Quiz.AsSeenBy).
type GetQuizHandler decorator.Handler[GetQuiz, *testresult.Quiz]

type getQuizHandler struct{ reader QuizReader }

// NewGetQuizHandler returns the GetQuiz query. It panics on a nil reader.
func NewGetQuizHandler(r QuizReader) decorator.Handler[GetQuiz, *testresult.Quiz] {
	return getQuizHandler{reader: mustQuizReader(r)}
}

func (h getQuizHandler) Handle(ctx context.Context, q GetQuiz) (*testresult.Quiz, error) {
	quiz, err := h.reader.GetQuiz(ctx, q.ID)
	if err != nil {
		return nil, err
	}
	return quiz.AsSeenBy(q.UserID), nil
}
