package messaging

import (
	"context"

	"github.com/ThreeDotsLabs/watermill/message"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/taskstream/taskstream/platform/tracing"
)

// startProcessSpan starts the consumer span of one try at msgs ("process task-events"), with
// the messaging conventions' attributes and the consumer group. A single message's span is the
// child of the context it carries (ce_traceparent), so the handling continues the producer's
// trace, and so do the events it emits (the stores write the span's context into them). A
// batch's span starts a trace of its own with a link to each message's context. A retry's span
// (first valid: the first try's) is a new span linked to the first.
func (pl *Pipeline) startProcessSpan(ctx context.Context, msgs []*message.Message, first trace.SpanContext) (context.Context, trace.Span) {
	attrs := []attribute.KeyValue{
		semconv.MessagingOperationTypeProcess, semconv.MessagingOperationName("process"),
		semconv.MessagingConsumerGroupName(pl.policy.Group), semconv.MessagingDestinationName(pl.topic),
	}
	opts := []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindConsumer)}
	if len(msgs) == 1 {
		ctx = tracing.WithParent(ctx, tracing.FromMessage(msgs[0]))
		attrs = append(attrs, tracing.MessageAttributes(pl.topic, msgs[0])...)
	} else {
		opts = append(opts, trace.WithNewRoot())
		attrs = append(attrs, semconv.MessagingBatchMessageCount(len(msgs)))
		for _, m := range msgs {
			if sc := tracing.FromMessage(m); sc.IsValid() {
				opts = append(opts, trace.WithLinks(trace.Link{SpanContext: sc}))
			}
		}
	}
	if first.IsValid() {
		opts = append(opts, trace.WithLinks(trace.Link{SpanContext: first}))
	}
	opts = append(opts, trace.WithAttributes(attrs...))
	return tracing.Tracer().Start(ctx, tracing.SpanName("process", pl.topic), opts...)
}

// rejectedAttr counts the messages of a try that were rejected (to be parked).
const rejectedAttr = attribute.Key("taskstream.messages_rejected")

// endProcessSpan ends a try's span with its outcome.
func endProcessSpan(span trace.Span, rejected int, err error) {
	if rejected > 0 {
		span.SetAttributes(rejectedAttr.Int(rejected))
	}
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}
