package tracing

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	ptracing "github.com/taskstream/taskstream/platform/tracing"
)

// UseCases starts the span of each use-case call (decorator.Tracer), named by the use case
// ("UpdateTask"), on the global tracer provider.
type UseCases struct{}

var _ decorator.Tracer = UseCases{}

// StartUseCase starts the span of the use case name; end records a failure of the service
// itself (internal, unavailable) as the span's error, while a refused request (invalid, not
// found, conflict) is recorded as its kind alone.
func (UseCases) StartUseCase(ctx context.Context, name string) (context.Context, func(error)) {
	ctx, span := ptracing.Tracer().Start(ctx, name, trace.WithAttributes(attribute.String("taskstream.use_case", name)))
	return ctx, func(err error) {
		if err != nil {
			kind := shared.KindOf(err)
			span.SetAttributes(attribute.String("error.type", kind.String()))
			if kind == shared.KindInternal || kind == shared.KindUnavailable {
				span.RecordError(err)
				span.SetStatus(codes.Error, err.Error())
			}
		}
		span.End()
	}
}
