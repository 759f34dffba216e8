package command

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

// UpdateTodo changes the fields that are set; nil fields stay as they are.
type UpdateTodo struct {
	UserID      shared.UserID
	ID          string
	Title       *string
	Description *string
	Completed   *bool
}

// UpdateTodoHandler handles UpdateTodo.
type UpdateTodoHandler decorator.Handler[UpdateTodo, *todo.Todo]

type updateTodoHandler struct {
	repo todo.Repository
	now  Clock
}

// NewUpdateTodoHandler returns the UpdateTodo use case. It panics on a nil dependency.
func NewUpdateTodoHandler(repo todo.Repository, now Clock) decorator.Handler[UpdateTodo, *todo.Todo] {
	if repo == nil || now == nil {
		panic("command: nil dependency for UpdateTodo")
	}
	return updateTodoHandler{repo: repo, now: now}
}

func (h updateTodoHandler) Handle(ctx context.Context, cmd UpdateTodo) (*todo.Todo, error) {
	return h.repo.Update(ctx, cmd.UserID, cmd.ID, func(t *todo.Todo) error {
		if cmd.Title != nil {
			if err := t.Rename(*cmd.Title); err != nil {
				return err
			}
		}
		if cmd.Description != nil {
			if err := t.Describe(*cmd.Description); err != nil {
				return err
			}
		}
		if cmd.Completed != nil {
			t.SetCompleted(*cmd.Completed)
		}
		t.Touch(h.now())
		return nil
	})
}
