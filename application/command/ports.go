package command

import (
	"context"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

// TodoEvents publishes the to-do context's events. Implementations return only after the broker
// has acknowledged the event durably (for Kafka: all in-sync replicas).
type TodoEvents interface {
	CreateRequested(ctx context.Context, t *todo.Todo, meta EventMeta) error
}

// EventMeta is what every event carries besides its payload: the request's correlation id and
// W3C trace context, so one request can be followed through the broker and the consumers.
type EventMeta struct {
	CorrelationID string
	TraceParent   string
}

// Clock tells the time; tests pass a fixed one.
type Clock func() time.Time

// IDs makes new entity ids (UUIDv7, so ids sort by creation time).
type IDs func() string

// KeyedIDs derives the id of the entity a client's idempotency key names: the same user and key
// always give the same id, different users never share one. A retried request thereby names the
// entity of its first attempt, and consumers that store by id apply it once.
type KeyedIDs func(user shared.UserID, key string) string
