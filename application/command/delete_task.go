package command

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// DeleteTask deletes a task; its history stays.
type DeleteTask struct {
	UserID  shared.UserID
	ID      string
	IfMatch []int64
	Meta    shared.EventMeta
}

// DeleteTaskHandler handles DeleteTask.
type DeleteTaskHandler decorator.Handler[DeleteTask, struct{}]

type deleteTaskHandler struct {
	store task.Repository
	now   Clock
}

// NewDeleteTaskHandler returns the DeleteTask use case. It panics on a nil dependency.
func NewDeleteTaskHandler(store task.Repository, now Clock) decorator.Handler[DeleteTask, struct{}] {
	if store == nil || now == nil {
		panic("command: nil dependency for DeleteTask")
	}
	return deleteTaskHandler{store: store, now: now}
}

func (h deleteTaskHandler) Handle(ctx context.Context, cmd DeleteTask) (struct{}, error) {
	return struct{}{}, h.store.Change(ctx, cmd.UserID, cmd.ID, cmd.Meta, func(t *task.Task) (*task.Change, error) {
		if err := t.CheckVersion(cmd.IfMatch...); err != nil {
			return nil, err
		}
		c := task.Deletion(t, h.now())
		return &c, nil
	})
}
