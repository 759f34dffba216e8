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

// GetSubmissionHandler handles GetSubmission.
type GetSubmissionHandler decorator.Handler[GetSubmission, *testresult.Submission]

type getSubmissionHandler struct{ reader QuizReader }

// NewGetSubmissionHandler returns the GetSubmission query. It panics on a nil reader.
func NewGetSubmissionHandler(r QuizReader) decorator.Handler[GetSubmission, *testresult.Submission] {
	return getSubmissionHandler{reader: mustQuizReader(r)}
}

func (h getSubmissionHandler) Handle(ctx context.Context, q GetSubmission) (*testresult.Submission, error) {
	return h.reader.GetSubmission(ctx, q.UserID, q.ID)
}
