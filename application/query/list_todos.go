package query

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

// ListTodosHandler handles todo.ListQuery: one page of the user's to-dos, newest first.
type ListTodosHandler decorator.Handler[todo.ListQuery, todo.Page]

type listTodosHandler struct {
	repo todo.Repository
}

// NewListTodosHandler returns the ListTodos query. It panics on a nil repository.
func NewListTodosHandler(repo todo.Repository) decorator.Handler[todo.ListQuery, todo.Page] {
	if repo == nil {
		panic("query: nil repository for ListTodos")
	}
	return listTodosHandler{repo: repo}
}

func (h listTodosHandler) Handle(ctx context.Context, q todo.ListQuery) (todo.Page, error) {
	if q.Limit == 0 {
		q.Limit = todo.DefaultPageSize
	}
	if q.Limit < 1 || q.Limit > todo.MaxPageSize {
		return todo.Page{}, shared.Invalid("limit", "must be between 1 and %d", todo.MaxPageSize)
	}
	return h.repo.List(ctx, q)
}
