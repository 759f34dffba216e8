package command

import (
	"context"
	"time"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// UpdateTask changes the fields that are set; nil fields stay as they are.
type UpdateTask struct {
	UserID shared.UserID
	ID     string
	// IfMatch, when set, lists the versions the caller accepts (the one it last read): the
	// update fails with a precondition-failed error when the task has moved on since.
	IfMatch     []int64
	Title       *string
	Description *string
	Status      *string
	Priority    *string
	// DueAt sets the due time when set; a set zero time removes it.
	DueAt *time.Time
	Meta  shared.EventMeta
}

// UpdateTaskHandler handles UpdateTask.
type UpdateTaskHandler decorator.Handler[UpdateTask, *task.Task]

type updateTaskHandler struct {
	store task.Repository
	now   Clock
}

// NewUpdateTaskHandler returns the UpdateTask use case. It panics on a nil dependency.
func NewUpdateTaskHandler(store task.Repository, now Clock) decorator.Handler[UpdateTask, *task.Task] {
	if store == nil || now == nil {
		panic("command: nil dependency for UpdateTask")
	}
	return updateTaskHandler{store: store, now: now}
}

func (h updateTaskHandler) Handle(ctx context.Context, cmd UpdateTask) (*task.Task, error) {
	return changeTask(ctx, h.store, h.now, cmd.UserID, cmd.ID, cmd.IfMatch, cmd.Meta, func(t *task.Task) (task.Action, error) {
		return task.ActionUpdated, applyUpdate(t, cmd)
	})
}

func applyUpdate(t *task.Task, cmd UpdateTask) error {
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
	if cmd.Priority != nil {
		p, err := task.ParsePriority(*cmd.Priority)
		if err != nil {
			return err
		}
		if err := t.Prioritize(p); err != nil {
			return err
		}
	}
	if cmd.DueAt != nil {
		if err := t.SetDue(*cmd.DueAt); err != nil {
			return err
		}
	}
	if cmd.Status != nil {
		s, err := task.ParseStatus(*cmd.Status)
		if err != nil {
			return err
		}
		return t.MoveTo(s)
	}
	return nil
}

// changeTask runs one change of a task in the store: check the version, apply edit, and when
// anything changed, record it as the action edit returns.
func changeTask(ctx context.Context, store task.Repository, now Clock, user shared.UserID, id string, ifMatch []int64,
	meta shared.EventMeta, edit func(*task.Task) (task.Action, error),
) (*task.Task, error) {
	var out *task.Task
	err := store.Change(ctx, user, id, meta, func(t *task.Task) (*task.Change, error) {
		if err := t.CheckVersion(ifMatch...); err != nil {
			return nil, err
		}
		action, err := edit(t)
		if err != nil {
			return nil, err
		}
		out = t
		if !t.Touch(now()) {
			return nil, nil
		}
		c := task.NewChange(action, t)
		return &c, nil
	})
	return out, err
}
