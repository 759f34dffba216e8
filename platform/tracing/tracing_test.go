package tracing_test

import (
	"context"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	"go.opentelemetry.io/otel/trace"

	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/platform/tracing"
)

const stored = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

// A message's ce_traceparent is read back as the span context it names, and a context's span
// is written into it; a context without a span leaves the header as it was.
func TestTraceContextThroughTheHeader(t *testing.T) {
	t.Parallel()
	msg := message.NewMessage("1", nil)
	msg.Metadata.Set(envelope.KeyTraceParent, stored)
	sc := tracing.FromMessage(msg)
	if !sc.IsValid() || sc.TraceID().String() != stored[3:35] || sc.SpanID().String() != stored[36:52] || !sc.IsSampled() {
		t.Fatalf("read %v from %s", sc, stored)
	}
	tracing.ToMessage(context.Background(), msg)
	if got := msg.Metadata.Get(envelope.KeyTraceParent); got != stored {
		t.Errorf("no span: header %q, want it untouched", got)
	}
	other, _ := trace.SpanIDFromHex("1111111111111111")
	ctx := trace.ContextWithSpanContext(context.Background(), sc.WithSpanID(other))
	tracing.ToMessage(ctx, msg)
	if got, want := msg.Metadata.Get(envelope.KeyTraceParent), stored[:36]+"1111111111111111-01"; got != want {
		t.Errorf("header %q, want %q", got, want)
	}
	if got := tracing.TraceParent(ctx); got != stored[:36]+"1111111111111111-01" {
		t.Errorf("TraceParent = %q", got)
	}
	for _, bad := range []string{"", "garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"} {
		m := message.NewMessage("2", nil)
		m.Metadata.Set(envelope.KeyTraceParent, bad)
		if tracing.FromMessage(m).IsValid() {
			t.Errorf("%q read as a valid context", bad)
		}
	}
}
