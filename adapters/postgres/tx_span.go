package postgres

import (
	"context"

	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/taskstream/taskstream/platform/tracing"
)

// startTx starts the span of a transaction that writes state (and, for most, its outbox rows),
// named by the database conventions' query summary ("UPDATE tasks"): the outbox rows written
// in it store its context, so the relay's publish and the consumers continue its trace.
func startTx(ctx context.Context, summary, collection string) (context.Context, trace.Span) {
	return tracing.Tracer().Start(ctx, summary, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(semconv.DBSystemNamePostgreSQL, semconv.DBQuerySummary(summary),
			semconv.DBCollectionName(collection)))
}
