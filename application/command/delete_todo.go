package command

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

// DeleteTodo removes one of the user's to-dos.
type DeleteTodo struct {
	UserID shared.UserID
	ID     string
}

// DeleteTodoHandler handles DeleteTodo.
type DeleteTodoHandler decorator.Handler[DeleteTodo, struct{}]

type deleteTodoHandler struct {
	repo todo.Repository
}

// NewDeleteTodoHandler returns the DeleteTodo use case. It panics on a nil repository.
func NewDeleteTodoHandler(repo todo.Repository) decorator.Handler[DeleteTodo, struct{}] {
	if repo == nil {
		panic("command: nil repository for DeleteTodo")
	}
	return deleteTodoHandler{repo: repo}
}

func (h deleteTodoHandler) Handle(ctx context.Context, cmd DeleteTodo) (struct{}, error) {
	return struct{}{}, h.repo.Delete(ctx, cmd.UserID, cmd.ID)
}
