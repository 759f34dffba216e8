package query_test

import (
	"context"
	"errors"
	"time"

	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// The fakes of this file stand in for the readers of the testresult and notification queries.
// Each keeps what it was asked, so a test can assert on what reached it, and fails when told to.

var errReader = errors.New("reader unavailable")

var fixedNow = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

// fakeQuizReader is a query.QuizReader in maps.
type fakeQuizReader struct {
	quizzes     map[string]*testresult.Quiz
	submissions map[string]*testresult.Submission
	scores      map[string][]float64
	// scoresAsked lists the quizzes Scores was called for.
	scoresAsked []string
	// failScores makes Scores fail with it.
	failScores error
}

func newFakeQuizReader() *fakeQuizReader {
	return &fakeQuizReader{quizzes: map[string]*testresult.Quiz{}, submissions: map[string]*testresult.Submission{}, scores: map[string][]float64{}}
}

func (f *fakeQuizReader) GetQuiz(_ context.Context, id string) (*testresult.Quiz, error) {
	q, ok := f.quizzes[id]
	if !ok {
		return nil, shared.NotFound("test")
	}
	return q, nil
}

func (f *fakeQuizReader) GetSubmission(_ context.Context, user shared.UserID, id string) (*testresult.Submission, error) {
	s, ok := f.submissions[id]
	if !ok || s.UserID() != user {
		return nil, shared.NotFound("submission")
	}
	return s, nil
}

func (f *fakeQuizReader) Scores(_ context.Context, quizID string) ([]float64, error) {
	f.scoresAsked = append(f.scoresAsked, quizID)
	if f.failScores != nil {
		return nil, f.failScores
	}
	return f.scores[quizID], nil
}

// fakeNotificationReader is a query.NotificationReader that returns page and keeps the queries
// it was asked.
type fakeNotificationReader struct {
	page  notification.Page
	asked []notification.ListQuery
	fail  error
}

func (f *fakeNotificationReader) List(_ context.Context, q notification.ListQuery) (notification.Page, error) {
	f.asked = append(f.asked, q)
	return f.page, f.fail
}
