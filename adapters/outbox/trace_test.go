package outbox_test

import (
	"context"
	"testing"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"go.opentelemetry.io/otel/trace"

	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/platform/tracing"
	"github.com/taskstream/taskstream/platform/tracing/tracingtest"
)

// The outbox rows store the context of the span that wrote them, and the relay's publish of
// each is a producer span, the child of that stored context, whose own context the published
// message carries on to the consumer.
func TestOutboxRowsCarryTheirTraceThroughTheRelay(t *testing.T) {
	t.Parallel()
	tracingtest.Install()
	db := pgtest.NewDB(t)
	w, err := outbox.NewWriter(outbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, change := tracing.Tracer().Start(context.Background(), "UPDATE tasks")
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	msg := message.NewMessage(watermill.NewUUID(), []byte(`{}`))
	msg.Metadata.Set(envelope.KeyPartitionKey, "user-1")
	if err := w.Write(ctx, tx, []envelope.Routed{{Topic: "task-events", Message: msg}}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	change.End()
	id := change.SpanContext().TraceID()

	pub := &recorder{}
	forward(t, newRelay(t, db, pub, nil), 1)

	writes := tracingtest.Named(id, "INSERT watermill_outbox")
	sends := tracingtest.Named(id, "send task-events")
	if len(writes) != 1 || len(sends) != 1 {
		t.Fatalf("%d outbox write spans and %d send spans in the trace, want 1 each", len(writes), len(sends))
	}
	if writes[0].Parent().SpanID() != change.SpanContext().SpanID() {
		t.Error("the outbox write is not the child of the transaction's span")
	}
	send := sends[0]
	if send.Parent().SpanID() != writes[0].SpanContext().SpanID() || send.SpanKind() != trace.SpanKindProducer {
		t.Errorf("send span: parent %s, kind %s; want the outbox write %s, producer", send.Parent().SpanID(), send.SpanKind(), writes[0].SpanContext().SpanID())
	}
	published := tracing.FromMessage(pub.got[0].Message)
	if published.SpanID() != send.SpanContext().SpanID() || published.TraceID() != id {
		t.Errorf("the published message carries %s/%s, want the send span %s", published.TraceID(), published.SpanID(), send.SpanContext().SpanID())
	}
}
