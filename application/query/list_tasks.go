package query

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// ListTasksHandler handles task.ListQuery: one page of the user's tasks, newest first.
type ListTasksHandler decorator.Handler[task.ListQuery, task.Page]

type listTasksHandler struct{ reader TaskReader }

// NewListTasksHandler returns the ListTasks query. It panics on a nil reader.
func NewListTasksHandler(r TaskReader) decorator.Handler[task.ListQuery, task.Page] {
	return listTasksHandler{reader: mustTaskReader(r)}
}

func (h listTasksHandler) Handle(ctx context.Context, q task.ListQuery) (task.Page, error) {
	if q.Limit == 0 {
		q.Limit = task.DefaultPageSize
	}
	if q.Limit < 1 || q.Limit > task.MaxPageSize {
		return task.Page{}, shared.Invalid("limit", "must be between 1 and %d", task.MaxPageSize)
	}
	return h.reader.List(ctx, q)
}
