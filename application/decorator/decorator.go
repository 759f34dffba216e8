// Package decorator wraps use-case handlers with the cross-cutting concerns every handler gets
// (logging, metrics and, when the metrics also trace, a span), so that handlers hold only their
// use case.
package decorator

import (
	"context"
	"log/slog"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// Handler is a use case: a command or a query that takes In and returns Out.
type Handler[In, Out any] interface {
	Handle(ctx context.Context, in In) (Out, error)
}

// Metrics records the outcome of a handler call. Implementations must be safe for concurrent use.
type Metrics interface {
	ObserveHandler(name string, took time.Duration, err error)
}

// Tracer starts the span of one use-case call; end is called with the call's error. Metrics
// that also implement Tracer (di's use-case observer) get a span around every call, so the
// spans the stores and publishers start within it are its children. Implementations must be
// safe for concurrent use.
type Tracer interface {
	StartUseCase(ctx context.Context, name string) (_ context.Context, end func(err error))
}

// Apply wraps h so that every call is measured and logged: at warn when the service itself
// failed (internal or unavailable), at debug otherwise, refused requests included. When metrics
// is also a Tracer, every call is a span too.
func Apply[In, Out any](name string, h Handler[In, Out], logger *slog.Logger, metrics Metrics) Handler[In, Out] {
	if h == nil || logger == nil || metrics == nil {
		panic("decorator: nil handler, logger or metrics")
	}
	tracer, _ := metrics.(Tracer)
	return observed[In, Out]{name: name, base: h, logger: logger, metrics: metrics, tracer: tracer}
}

type observed[In, Out any] struct {
	name    string
	base    Handler[In, Out]
	logger  *slog.Logger
	metrics Metrics
	tracer  Tracer
}

func (o observed[In, Out]) Handle(ctx context.Context, in In) (Out, error) {
	start := time.Now()
	var end func(error)
	if o.tracer != nil {
		ctx, end = o.tracer.StartUseCase(ctx, o.name)
	}
	out, err := o.base.Handle(ctx, in)
	if end != nil {
		end(err)
	}
	took := time.Since(start)
	o.metrics.ObserveHandler(o.name, took, err)
	switch {
	case err != nil && failedItself(err):
		o.logger.WarnContext(ctx, "use case failed", "handler", o.name, "took", took, "error", err)
	case o.logger.Enabled(ctx, slog.LevelDebug):
		o.logger.DebugContext(ctx, "use case done", "handler", o.name, "took", took, "error", err)
	}
	return out, err
}

// failedItself tells a failure of the service (worth a warning) from a refused request.
func failedItself(err error) bool {
	k := shared.KindOf(err)
	return k == shared.KindInternal || k == shared.KindUnavailable
}

// NopMetrics discards measurements; for tests and tools.
type NopMetrics struct{}

// ObserveHandler does nothing.
func (NopMetrics) ObserveHandler(string, time.Duration, error) {}
