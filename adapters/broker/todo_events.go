package broker

import (
	"context"
	"errors"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
	"github.com/taskstream/taskstream/platform/envelope"
)

// TodoEvents publishes the to-do context's events straight to the broker: a to-do is accepted
// when the broker holds its create event (the API keeps no database write on this path).
type TodoEvents struct {
	publisher message.Publisher
	topic     string
}

var _ command.TodoEvents = (*TodoEvents)(nil)

// NewTodoEvents returns a publisher of to-do events on topic.
func NewTodoEvents(publisher message.Publisher, topic string) (*TodoEvents, error) {
	if publisher == nil || topic == "" {
		return nil, errors.New("todo events: publisher and topic are required")
	}
	return &TodoEvents{publisher: publisher, topic: topic}, nil
}

// CreateRequested publishes the to-do's create event and returns once the broker acknowledged it.
func (e *TodoEvents) CreateRequested(ctx context.Context, t *todo.Todo, meta shared.EventMeta) error {
	msg, err := envelope.New(envelope.Event{
		Type:          todo.EventCreateRequested,
		SchemaVersion: todo.EventCreateRequestedVersion,
		UserID:        string(t.UserID()),
		CorrelationID: meta.CorrelationID,
		TraceParent:   meta.TraceParent,
		Time:          t.CreatedAt(),
		Payload:       t.CreateRequestedEvent(),
	})
	if err != nil {
		return err
	}
	msg.SetContext(ctx)
	return e.publisher.Publish(e.topic, msg)
}
