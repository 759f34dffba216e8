package messages

import (
	"context"
	"errors"

	"github.com/ThreeDotsLabs/watermill/message"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/platform/tracing"
)

// TodoCreateRequested returns the create event of t for topic (todo-create), keyed by its user
// and dated by its creation.
func TodoCreateRequested(t *todo.Todo, meta shared.EventMeta, topic string) (envelope.Routed, error) {
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
		return envelope.Routed{}, err
	}
	return envelope.Routed{Topic: topic, Message: msg}, nil
}

// TodoEvents publishes the to-do context's events straight to the broker: a to-do is accepted
// when the broker holds its create event (the API keeps no database write on this path, so
// there is no outbox to go through).
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
	m, err := TodoCreateRequested(t, meta, e.topic)
	if err != nil {
		return err
	}
	ctx, span := tracing.Tracer().Start(ctx, tracing.SpanName("send", m.Topic), trace.WithSpanKind(trace.SpanKindProducer),
		trace.WithAttributes(append(tracing.MessageAttributes(m.Topic, m.Message),
			semconv.MessagingOperationTypeSend, semconv.MessagingOperationName("send"))...))
	defer span.End()
	tracing.ToMessage(ctx, m.Message) // the worker's ingest links to the produce
	m.Message.SetContext(ctx)
	if err := e.publisher.Publish(m.Topic, m.Message); err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
		return err
	}
	return nil
}
