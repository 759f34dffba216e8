package poison

import (
	"context"

	"github.com/ThreeDotsLabs/watermill/message"
	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/taskstream/taskstream/platform/tracing"
)

// startReplaySpan starts the producer span of replaying a parked message to topic: a trace of
// its own (the replay is an operator's act, not part of the original request) with a link to
// the context the message kept when it was parked. The copy carries the replay's context, so
// its new handling continues from the replay and leads back to the original trace.
func startReplaySpan(ctx context.Context, topic, ref string, copy *message.Message) trace.Span {
	opts := []trace.SpanStartOption{trace.WithNewRoot(), trace.WithSpanKind(trace.SpanKindProducer),
		trace.WithAttributes(append(tracing.MessageAttributes(topic, copy),
			semconv.MessagingOperationTypeSend, semconv.MessagingOperationName("send"),
			attribute.String("taskstream.replayed_from", ref))...)}
	if parked := tracing.FromMessage(copy); parked.IsValid() {
		opts = append(opts, trace.WithLinks(trace.Link{SpanContext: parked}))
	}
	ctx, span := tracing.Tracer().Start(ctx, tracing.SpanName("send", topic), opts...)
	tracing.ToMessage(ctx, copy)
	return span
}
