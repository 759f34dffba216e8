package command

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

// CreateTodo asks for a new to-do. It is accepted once the broker holds the create event; the
// to-do worker stores it shortly after.
type CreateTodo struct {
	UserID      shared.UserID
	Title       string
	Description string
	// IdempotencyKey, when set, names the to-do: a retry with the same key (after a timeout or
	// a 503) gets the same id, and the worker stores the to-do once.
	IdempotencyKey string
	Meta           shared.EventMeta
}

// CreatedTodo is what the caller learns about an accepted to-do.
type CreatedTodo struct {
	ID   string
	Todo *todo.Todo
}

// CreateTodoHandler handles CreateTodo.
type CreateTodoHandler decorator.Handler[CreateTodo, CreatedTodo]

type createTodoHandler struct {
	events TodoEvents
	ids    IDs
	keyed  KeyedIDs
	now    Clock
}

// NewCreateTodoHandler returns the CreateTodo use case. It panics on a nil dependency.
func NewCreateTodoHandler(events TodoEvents, ids IDs, keyed KeyedIDs, now Clock) decorator.Handler[CreateTodo, CreatedTodo] {
	if events == nil || ids == nil || keyed == nil || now == nil {
		panic("command: nil dependency for CreateTodo")
	}
	return createTodoHandler{events: events, ids: ids, keyed: keyed, now: now}
}

func (h createTodoHandler) Handle(ctx context.Context, cmd CreateTodo) (CreatedTodo, error) {
	id := h.ids()
	if cmd.IdempotencyKey != "" {
		id = h.keyed(cmd.UserID, cmd.IdempotencyKey)
	}
	t, err := todo.New(id, cmd.UserID, cmd.Title, cmd.Description, h.now())
	if err != nil {
		return CreatedTodo{}, err
	}
	if err := h.events.CreateRequested(ctx, t, cmd.Meta); err != nil {
		return CreatedTodo{}, shared.Unavailable("the to-do could not be accepted, try again", err)
	}
	return CreatedTodo{ID: t.ID(), Todo: t}, nil
}

// TodoEvents publishes the to-do context's events. Implementations return only after the broker
// has acknowledged the event durably (for Kafka: all in-sync replicas).
type TodoEvents interface {
	CreateRequested(ctx context.Context, t *todo.Todo, meta shared.EventMeta) error
}
