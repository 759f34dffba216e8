package query

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

// GetTodo reads one of the user's to-dos.
type GetTodo struct {
	UserID shared.UserID
	ID     string
}

// GetTodoHandler handles GetTodo.
type GetTodoHandler decorator.Handler[GetTodo, *todo.Todo]

type getTodoHandler struct {
	repo todo.Repository
}

// NewGetTodoHandler returns the GetTodo query. It panics on a nil repository.
func NewGetTodoHandler(repo todo.Repository) decorator.Handler[GetTodo, *todo.Todo] {
	if repo == nil {
		panic("query: nil repository for GetTodo")
	}
	return getTodoHandler{repo: repo}
}

func (h getTodoHandler) Handle(ctx context.Context, q GetTodo) (*todo.Todo, error) {
	return h.repo.Get(ctx, q.UserID, q.ID)
}
