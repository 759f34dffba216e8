package outbox

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/platform/tracing"
)

// startWriteSpan starts the span of writing msgs to table in the change's transaction. The
// messages store its context (ce_traceparent), so the relay's publish of each is its child.
func startWriteSpan(ctx context.Context, table string, msgs []envelope.Routed) (context.Context, trace.Span) {
	topics := make([]string, 0, 2)
	for _, m := range msgs {
		if len(topics) == 0 || topics[len(topics)-1] != m.Topic {
			topics = append(topics, m.Topic)
		}
	}
	return tracing.Tracer().Start(ctx, "INSERT "+table, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(semconv.DBSystemNamePostgreSQL, semconv.DBOperationName("INSERT"),
			semconv.DBCollectionName(table), semconv.MessagingBatchMessageCount(len(msgs)),
			attribute.StringSlice("taskstream.outbox.topics", topics)))
}

// startPublishSpans starts the producer span of each forwarded row ("send task-events") as the
// child of the context its row stored, and stores the span's context in the message in its
// place, so that the consumer's span is the child of the publish. A row without a stored
// context (written with tracing off) gets no span. end ends them all with the publish's error.
func startPublishSpans(ctx context.Context, rows []envelope.Routed) (end func(error)) {
	spans := make([]trace.Span, 0, len(rows))
	for _, row := range rows {
		parent := tracing.FromMessage(row.Message)
		if !parent.IsValid() {
			continue
		}
		attrs := append(tracing.MessageAttributes(row.Topic, row.Message),
			semconv.MessagingOperationTypeSend, semconv.MessagingOperationName("send"),
			semconv.MessagingBatchMessageCount(len(rows)))
		spanCtx, span := tracing.Tracer().Start(tracing.WithParent(ctx, parent), tracing.SpanName("send", row.Topic),
			trace.WithSpanKind(trace.SpanKindProducer), trace.WithAttributes(attrs...))
		tracing.ToMessage(spanCtx, row.Message)
		spans = append(spans, span)
	}
	return func(err error) {
		for _, s := range spans {
			if err != nil {
				s.RecordError(err)
				s.SetStatus(codes.Error, err.Error())
			}
			s.End()
		}
	}
}
