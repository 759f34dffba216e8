package query

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// GetSubmission reads one of the user's submissions; another user's is not found.
type GetSubmission struct {
	UserID shared.UserID
	ID     string
}

// GetSubmissionHandler handles GetSubmission: the submission as its submitter may see it
// (Submission.AsSeenBy): the whole result only where the quiz gives per-question feedback, or
// to its owner.
type GetSubmissionHandler decorator.Handler[GetSubmission, *testresult.Submission]

type getSubmissionHandler struct{ reader QuizReader }

// NewGetSubmissionHandler returns the GetSubmission query. It panics on a nil reader.
func NewGetSubmissionHandler(r QuizReader) decorator.Handler[GetSubmission, *testresult.Submission] {
	return getSubmissionHandler{reader: mustQuizReader(r)}
}

func (h getSubmissionHandler) Handle(ctx context.Context, q GetSubmission) (*testresult.Submission, error) {
	s, err := h.reader.GetSubmission(ctx, q.UserID, q.ID)
	if err != nil {
		return nil, err
	}
	quiz, err := h.reader.GetQuiz(ctx, s.QuizID())
	if err != nil {
		return nil, err
	}
	return s.AsSeenBy(quiz), nil
}
