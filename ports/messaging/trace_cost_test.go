package messaging

import (
	"context"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	"go.opentelemetry.io/otel/trace"

	"github.com/taskstream/taskstream/platform/envelope"
)

// BenchmarkProcessSpanOff is the consumer span of one message's try when tracing is off (the
// global tracer provider is OpenTelemetry's no-op): read the message's ce_traceparent, start
// the span with the messaging attributes, end it. docs/performance.md records it. Run it alone
// (go test -run '^$' -bench ProcessSpanOff ./ports/messaging/): the tests install a recording
// provider.
func BenchmarkProcessSpanOff(b *testing.B) {
	pl := &Pipeline{name: "task-audit", topic: "task-events", policy: Policy{Group: "taskstream-task-audit"}}
	msg := message.NewMessage("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", []byte(`{}`))
	msg.Metadata.Set(envelope.KeyTraceParent, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	msg.Metadata.Set(envelope.KeyPartitionKey, "alice")
	msg.Metadata.Set(envelope.KeyKafkaPartition, "3")
	msg.Metadata.Set(envelope.KeyKafkaOffset, "42")
	msgs := []*message.Message{msg}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_, span := pl.startProcessSpan(ctx, msgs, trace.SpanContext{})
		if span.IsRecording() {
			b.Fatal("the global tracer provider records: this benchmark measures tracing off")
		}
		endProcessSpan(span, 0, nil)
	}
}
