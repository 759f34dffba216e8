package messaging_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	"go.opentelemetry.io/otel/trace"

	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/platform/tracing/tracingtest"
	"github.com/taskstream/taskstream/ports/messaging"
)

// traced gives msg a ce_traceparent of a new trace and returns its context.
func traced(t *testing.T, msg *message.Message) trace.SpanContext {
	t.Helper()
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	tp := "00-" + hex.EncodeToString(b[:16]) + "-" + hex.EncodeToString(b[16:]) + "-01"
	msg.Metadata.Set(envelope.KeyTraceParent, tp)
	msg.Metadata.Set(envelope.KeyPartitionKey, "alice")
	msg.Metadata.Set(envelope.KeyKafkaPartition, "3")
	msg.Metadata.Set(envelope.KeyKafkaOffset, "42")
	tid, _ := trace.TraceIDFromHex(hex.EncodeToString(b[:16]))
	sid, _ := trace.SpanIDFromHex(hex.EncodeToString(b[16:]))
	return trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled, Remote: true})
}

// A message's handling is a consumer span, the child of the context the message carries, with
// the messaging attributes; the handler runs within it; a retry is a new span of the same
// parent, linked to the first try's span.
func TestHandlingIsTheChildOfTheMessagesTraceAndARetryLinksTheFirstTry(t *testing.T) {
	t.Parallel()
	tracingtest.Install()
	msg := someMessages(1)[0]
	stored := traced(t, msg)
	var (
		mu   sync.Mutex
		seen []trace.SpanContext
	)
	h := func(ctx context.Context, _ []*message.Message) ([]messaging.Rejected, error) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, trace.SpanContextFromContext(ctx))
		if len(seen) == 1 {
			return nil, errors.New("first try fails")
		}
		return nil, nil
	}
	p, _, _ := newPipeline(t, h, &poisonBox{}, func(p *messaging.Policy) { p.MaxRetries = 3 })
	if err := process(t, t.Context(), p, []*message.Message{msg}); err != nil {
		t.Fatal(err)
	}
	spans := tracingtest.Named(stored.TraceID(), "process todo-create")
	if len(spans) != 2 || len(seen) != 2 {
		t.Fatalf("%d process spans, %d tries, want 2 each", len(spans), len(seen))
	}
	first, retry := spans[0], spans[1]
	for i, s := range spans {
		if s.Parent().SpanID() != stored.SpanID() || s.SpanKind() != trace.SpanKindConsumer {
			t.Errorf("try %d: parent %s kind %s, want the stored %s, consumer", i+1, s.Parent().SpanID(), s.SpanKind(), stored.SpanID())
		}
		if seen[i].SpanID() != s.SpanContext().SpanID() {
			t.Errorf("try %d: the handler did not run within its span", i+1)
		}
	}
	if len(retry.Links()) != 1 || retry.Links()[0].SpanContext.SpanID() != first.SpanContext().SpanID() {
		t.Errorf("the retry's links = %v, want the first try's span", retry.Links())
	}
	attrs := map[string]string{}
	for _, kv := range first.Attributes() {
		attrs[string(kv.Key)] = kv.Value.String()
	}
	for k, want := range map[string]string{
		"messaging.system": "kafka", "messaging.destination.name": "todo-create", "messaging.consumer.group.name": "todo",
		"messaging.kafka.message.key": "alice", "messaging.destination.partition.id": "3", "messaging.kafka.offset": "42",
		"messaging.operation.type": "process",
	} {
		if attrs[k] != want {
			t.Errorf("%s = %q, want %q", k, attrs[k], want)
		}
	}
}

// A batch's span starts a trace of its own and links to every message's context.
func TestBatchSpanLinksEveryMessage(t *testing.T) {
	t.Parallel()
	tracingtest.Install()
	msgs := someMessages(3)
	var stored []trace.SpanContext
	for _, m := range msgs {
		stored = append(stored, traced(t, m))
	}
	var batchSpan trace.SpanContext
	h := func(ctx context.Context, _ []*message.Message) ([]messaging.Rejected, error) {
		batchSpan = trace.SpanContextFromContext(ctx)
		return nil, nil
	}
	p, _, _ := newPipeline(t, h, &poisonBox{})
	if err := process(t, t.Context(), p, msgs); err != nil {
		t.Fatal(err)
	}
	spans := tracingtest.Named(batchSpan.TraceID(), "process todo-create")
	if len(spans) != 1 {
		t.Fatalf("%d batch spans, want 1", len(spans))
	}
	links := map[trace.SpanID]bool{}
	for _, l := range spans[0].Links() {
		links[l.SpanContext.SpanID()] = true
	}
	for i, sc := range stored {
		if sc.TraceID() == batchSpan.TraceID() || !links[sc.SpanID()] {
			t.Errorf("message %d: linked %v, same trace %v; want a link from a trace of the batch's own", i, links[sc.SpanID()], sc.TraceID() == batchSpan.TraceID())
		}
	}
}
