package query

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// GetTask reads one of the user's tasks.
type GetTask struct {
	UserID shared.UserID
	ID     string
}

// GetTaskHandler handles GetTask.
type GetTaskHandler decorator.Handler[GetTask, *task.Task]

type getTaskHandler struct{ reader TaskReader }

// NewGetTaskHandler returns the GetTask query. It panics on a nil reader.
func NewGetTaskHandler(r TaskReader) decorator.Handler[GetTask, *task.Task] {
	return getTaskHandler{reader: mustTaskReader(r)}
}

func (h getTaskHandler) Handle(ctx context.Context, q GetTask) (*task.Task, error) {
	return h.reader.Get(ctx, q.UserID, q.ID)
}
