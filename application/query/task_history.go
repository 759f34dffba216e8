package query

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/task"
)

// TaskHistory reads a task's audit trail, oldest first.
type TaskHistory GetTask

// TaskHistoryHandler handles TaskHistory.
type TaskHistoryHandler decorator.Handler[TaskHistory, []task.AuditEntry]

type taskHistoryHandler struct{ reader TaskReader }

// NewTaskHistoryHandler returns the TaskHistory query. It panics on a nil reader.
func NewTaskHistoryHandler(r TaskReader) decorator.Handler[TaskHistory, []task.AuditEntry] {
	return taskHistoryHandler{reader: mustTaskReader(r)}
}

func (h taskHistoryHandler) Handle(ctx context.Context, q TaskHistory) ([]task.AuditEntry, error) {
	return h.reader.History(ctx, q.UserID, q.ID)
}
