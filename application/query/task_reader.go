package query

import (
	"context"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
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

// mustTaskReader returns r, and panics when it is nil: the queries' constructors reject a
// missing dependency at wiring time rather than on the first request.
func mustTaskReader(r TaskReader) TaskReader {
	if r == nil {
		panic("query: nil task reader")
	}
	return r
}
