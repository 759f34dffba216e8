package command

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// CompleteTask marks a task done; ReopenTask moves a done task back to todo.
type CompleteTask struct {
	UserID  shared.UserID
	ID      string
	IfMatch []int64
	Meta    shared.EventMeta
}

// ReopenTask moves a done task back to todo.
type ReopenTask CompleteTask

// CompleteTaskHandler handles CompleteTask.
type CompleteTaskHandler decorator.Handler[CompleteTask, *task.Task]

// ReopenTaskHandler handles ReopenTask.
type ReopenTaskHandler decorator.Handler[ReopenTask, *task.Task]

type completeTaskHandler struct {
	store task.Repository
	now   Clock
}

// NewCompleteTaskHandler returns the CompleteTask use case. It panics on a nil dependency.
func NewCompleteTaskHandler(store task.Repository, now Clock) decorator.Handler[CompleteTask, *task.Task] {
	if store == nil || now == nil {
		panic("command: nil dependency for CompleteTask")
	}
	return completeTaskHandler{store: store, now: now}
}

func (h completeTaskHandler) Handle(ctx context.Context, cmd CompleteTask) (*task.Task, error) {
	return changeTask(ctx, h.store, h.now, cmd.UserID, cmd.ID, cmd.IfMatch, cmd.Meta, func(t *task.Task) (task.Action, error) {
		return task.ActionCompleted, t.Complete()
	})
}

type reopenTaskHandler completeTaskHandler

// NewReopenTaskHandler returns the ReopenTask use case. It panics on a nil dependency.
func NewReopenTaskHandler(store task.Repository, now Clock) decorator.Handler[ReopenTask, *task.Task] {
	if store == nil || now == nil {
		panic("command: nil dependency for ReopenTask")
	}
	return reopenTaskHandler{store: store, now: now}
}

func (h reopenTaskHandler) Handle(ctx context.Context, cmd ReopenTask) (*task.Task, error) {
	return changeTask(ctx, h.store, h.now, cmd.UserID, cmd.ID, cmd.IfMatch, cmd.Meta, func(t *task.Task) (task.Action, error) {
		return task.ActionReopened, t.Reopen()
	})
}
