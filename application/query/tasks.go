package query

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
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

// GetTask reads one of the user's tasks; TaskHistory reads its audit trail.
type GetTask struct {
	UserID shared.UserID
	ID     string
}

// TaskHistory reads a task's audit trail, oldest first.
type TaskHistory GetTask

// GetTaskHandler handles GetTask.
type GetTaskHandler decorator.Handler[GetTask, *task.Task]

// ListTasksHandler handles task.ListQuery: one page of the user's tasks, newest first.
type ListTasksHandler decorator.Handler[task.ListQuery, task.Page]

// TaskHistoryHandler handles TaskHistory.
type TaskHistoryHandler decorator.Handler[TaskHistory, []task.AuditEntry]

type taskQueries struct {
	reader TaskReader
}

// NewGetTaskHandler returns the GetTask query. It panics on a nil reader.
func NewGetTaskHandler(r TaskReader) decorator.Handler[GetTask, *task.Task] {
	return getTaskHandler{mustReader(r)}
}

// NewListTasksHandler returns the ListTasks query. It panics on a nil reader.
func NewListTasksHandler(r TaskReader) decorator.Handler[task.ListQuery, task.Page] {
	return listTasksHandler{mustReader(r)}
}

// NewTaskHistoryHandler returns the TaskHistory query. It panics on a nil reader.
func NewTaskHistoryHandler(r TaskReader) decorator.Handler[TaskHistory, []task.AuditEntry] {
	return taskHistoryHandler{mustReader(r)}
}

func mustReader(r TaskReader) taskQueries {
	if r == nil {
		panic("query: nil task reader")
	}
	return taskQueries{reader: r}
}

type getTaskHandler struct{ taskQueries }

func (h getTaskHandler) Handle(ctx context.Context, q GetTask) (*task.Task, error) {
	return h.reader.Get(ctx, q.UserID, q.ID)
}

type listTasksHandler struct{ taskQueries }

func (h listTasksHandler) Handle(ctx context.Context, q task.ListQuery) (task.Page, error) {
	if q.Limit == 0 {
		q.Limit = task.DefaultPageSize
	}
	if q.Limit < 1 || q.Limit > task.MaxPageSize {
		return task.Page{}, shared.Invalid("limit", "must be between 1 and %d", task.MaxPageSize)
	}
	return h.reader.List(ctx, q)
}

type taskHistoryHandler struct{ taskQueries }

func (h taskHistoryHandler) Handle(ctx context.Context, q TaskHistory) ([]task.AuditEntry, error) {
	return h.reader.History(ctx, q.UserID, q.ID)
}
