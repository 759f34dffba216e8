package command

import (
	"context"
	"time"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// CreateTask creates a task. It is stored, with its created events, before the handler returns.
type CreateTask struct {
	UserID      shared.UserID
	Title       string
	Description string
	// Priority is low, medium, high or urgent; nil means the domain's default (medium).
	Priority *string
	// DueAt is the due time; zero means none.
	DueAt time.Time
	// IdempotencyKey, when set, names the task: a retry with the same key returns the task the
	// first attempt created, and creates nothing.
	IdempotencyKey string
	Meta           shared.EventMeta
}

// CreatedTask is the task and whether this call created it (false for a retried key).
type CreatedTask struct {
	Task    *task.Task
	Created bool
}

// CreateTaskHandler handles CreateTask.
type CreateTaskHandler decorator.Handler[CreateTask, CreatedTask]

type createTaskHandler struct {
	store task.Repository
	ids   IDs
	keyed KeyedIDs
	now   Clock
}

// NewCreateTaskHandler returns the CreateTask use case. It panics on a nil dependency.
func NewCreateTaskHandler(store task.Repository, ids IDs, keyed KeyedIDs, now Clock) decorator.Handler[CreateTask, CreatedTask] {
	if store == nil || ids == nil || keyed == nil || now == nil {
		panic("command: nil dependency for CreateTask")
	}
	return createTaskHandler{store: store, ids: ids, keyed: keyed, now: now}
}

func (h createTaskHandler) Handle(ctx context.Context, cmd CreateTask) (CreatedTask, error) {
	var priority task.Priority
	if cmd.Priority != nil {
		p, err := task.ParsePriority(*cmd.Priority)
		if err != nil {
			return CreatedTask{}, err
		}
		priority = p
	}
	id := h.ids()
	if cmd.IdempotencyKey != "" {
		id = h.keyed(cmd.UserID, "task\x00"+cmd.IdempotencyKey)
	}
	t, err := task.New(id, cmd.UserID, cmd.Title, cmd.Description, priority, cmd.DueAt, h.now())
	if err != nil {
		return CreatedTask{}, err
	}
	created, err := h.store.Add(ctx, task.NewChange(task.ActionCreated, t), cmd.Meta)
	if err != nil {
		return CreatedTask{}, err
	}
	if !created {
		// The key was used before: answer with the task it created (the owner is part of the
		// id, so another user's key cannot reach it).
		existing, err := h.store.Get(ctx, cmd.UserID, id)
		if shared.KindOf(err) == shared.KindNotFound {
			return CreatedTask{}, shared.Conflict("the task this idempotency key created has been deleted; use a new key")
		}
		return CreatedTask{Task: existing}, err
	}
	return CreatedTask{Task: t, Created: true}, nil
}
