package query

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// TestReader reads tests, submissions and the scores the analytics group keeps. Implementations
// are safe for concurrent use.
type TestReader interface {
	// GetTest returns the test, answer key included, or a shared.KindNotFound error.
	GetTest(ctx context.Context, id string) (*testresult.Test, error)
	// GetSubmission returns the user's submission, or a shared.KindNotFound error.
	GetSubmission(ctx context.Context, user shared.UserID, id string) (*testresult.Submission, error)
	// Scores returns the percentages of the test's scored submissions the analytics group has
	// recorded.
	Scores(ctx context.Context, testID string) ([]float64, error)
}

// GetTest reads a test. Anyone signed in may read it to take it; only its owner sees the answer
// key.
type GetTest struct {
	UserID shared.UserID
	ID     string
}

// GetSubmission reads one of the user's submissions.
type GetSubmission struct {
	UserID shared.UserID
	ID     string
}

// TestStats reads a test's statistics; only its owner may.
type TestStats GetTest

// GetTestHandler handles GetTest.
type GetTestHandler decorator.Handler[GetTest, *testresult.Test]

// GetSubmissionHandler handles GetSubmission.
type GetSubmissionHandler decorator.Handler[GetSubmission, *testresult.Submission]

// TestStatsHandler handles TestStats.
type TestStatsHandler decorator.Handler[TestStats, testresult.Stats]

type testQueries struct{ reader TestReader }

func mustTestReader(r TestReader) testQueries {
	if r == nil {
		panic("query: nil test reader")
	}
	return testQueries{reader: r}
}

// NewGetTestHandler returns the GetTest query. It panics on a nil reader.
func NewGetTestHandler(r TestReader) decorator.Handler[GetTest, *testresult.Test] {
	return getTestHandler{mustTestReader(r)}
}

// NewGetSubmissionHandler returns the GetSubmission query. It panics on a nil reader.
func NewGetSubmissionHandler(r TestReader) decorator.Handler[GetSubmission, *testresult.Submission] {
	return getSubmissionHandler{mustTestReader(r)}
}

// NewTestStatsHandler returns the TestStats query. It panics on a nil reader.
func NewTestStatsHandler(r TestReader) decorator.Handler[TestStats, testresult.Stats] {
	return testStatsHandler{mustTestReader(r)}
}

type getTestHandler struct{ testQueries }

// Handle returns the test; for anyone but its owner, without the answer key.
func (h getTestHandler) Handle(ctx context.Context, q GetTest) (*testresult.Test, error) {
	t, err := h.reader.GetTest(ctx, q.ID)
	if err != nil || t.OwnerID == q.UserID {
		return t, err
	}
	hidden := *t
	hidden.Questions = make([]testresult.Question, len(t.Questions))
	for i, question := range t.Questions {
		question.Correct = nil
		hidden.Questions[i] = question
	}
	return &hidden, nil
}

type getSubmissionHandler struct{ testQueries }

func (h getSubmissionHandler) Handle(ctx context.Context, q GetSubmission) (*testresult.Submission, error) {
	return h.reader.GetSubmission(ctx, q.UserID, q.ID)
}

type testStatsHandler struct{ testQueries }

func (h testStatsHandler) Handle(ctx context.Context, q TestStats) (testresult.Stats, error) {
	t, err := h.reader.GetTest(ctx, q.ID)
	if err != nil {
		return testresult.Stats{}, err
	}
	if t.OwnerID != q.UserID {
		return testresult.Stats{}, shared.Forbidden("only the owner of a test may read its statistics")
	}
	scores, err := h.reader.Scores(ctx, q.ID)
	if err != nil {
		return testresult.Stats{}, err
	}
	return testresult.Summarize(q.ID, scores), nil
}
