package poison_test

import (
	"testing"

	"go.opentelemetry.io/otel/trace"

	"github.com/taskstream/taskstream/adapters/poison"
	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/platform/tracing"
	"github.com/taskstream/taskstream/platform/tracing/tracingtest"
)

// A parked message keeps its trace context; its replay is a producer span of a new trace linked
// to that context, and the copy carries the replay's context.
func TestReplayLinksBackToTheParkedTrace(t *testing.T) {
	t.Parallel()
	tracingtest.Install()
	const parkedTP = "00-6bf92f3577b34da6a3ce929d0e0e4736-20f067aa0ba902b7-01"
	pub := &published{}
	p := newParking(t, shelf{parkedMessage(map[string]string{envelope.KeyTraceParent: parkedTP})}, pub)
	selected, err := p.Select(t.Context(), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := selected[0].Message.Metadata.Get(envelope.KeyTraceParent); got != parkedTP {
		t.Fatalf("the parked message's context is %q, want %q", got, parkedTP)
	}
	if err := p.Replay(t.Context(), selected, false, func(poison.Outcome) {}); err != nil {
		t.Fatal(err)
	}
	copySC := tracing.FromMessage(pub.msgs[0])
	if !copySC.IsValid() || copySC.TraceID().String() == parkedTP[3:35] {
		t.Fatalf("the copy carries %v, want a new trace", copySC)
	}
	spans := tracingtest.Named(copySC.TraceID(), "send task-events")
	if len(spans) != 1 || spans[0].SpanContext().SpanID() != copySC.SpanID() || spans[0].SpanKind() != trace.SpanKindProducer {
		t.Fatalf("%d replay spans, want 1 producer span whose context the copy carries", len(spans))
	}
	links := spans[0].Links()
	if len(links) != 1 || links[0].SpanContext.TraceID().String() != parkedTP[3:35] || links[0].SpanContext.SpanID().String() != parkedTP[36:52] {
		t.Errorf("the replay's links = %v, want the parked context %s", links, parkedTP)
	}
}
