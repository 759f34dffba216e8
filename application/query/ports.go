package query

import (
	"context"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/domain/testresult"
)

// TaskReader reads tasks and their history. A user only ever sees their own (another user's
// task is not found). Implementations are safe for concurrent use.
type TaskReader interface {
	// Get returns the user's task, or a shared.KindNotFound error.
	Get(ctx context.Context, userID shared.UserID, id string) (*task.Task, error)
	// List returns one page of the user's tasks, newest first.
	List(ctx context.Context, q task.ListQuery) (task.Page, error)
	// History returns the task's audit entries in version order, also after the task was
	// deleted; a shared.KindNotFound error when the user has no entry for it.
	History(ctx context.Context, userID shared.UserID, id string) ([]task.AuditEntry, error)
}

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
