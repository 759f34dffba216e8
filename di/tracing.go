package di

import (
	"context"
	"log/slog"
	"time"

	"github.com/taskstream/taskstream/adapters/metrics"
	"github.com/taskstream/taskstream/adapters/tracing"
	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/config"
)

// tracingFlushTimeout bounds the export of the spans still buffered when the process stops.
const tracingFlushTimeout = 5 * time.Second

// withTracing sets up OpenTelemetry (adapters/tracing: exported only with
// OTEL_EXPORTER_OTLP_ENDPOINT) before assemble builds the process, and flushes the spans left
// after the process's own cleanup, so the spans of the work finished during shutdown are sent.
func withTracing(ctx context.Context, part string, cfg config.Config, logger *slog.Logger,
	assemble func(context.Context, config.Config, *slog.Logger) (*Service, func(), error),
) (*Service, func(), error) {
	return withTracingOf(ctx, part, logger, func() (*Service, func(), error) { return assemble(ctx, cfg, logger) })
}

// withTracingOf is withTracing for anything build assembles.
func withTracingOf[T any](ctx context.Context, part string, logger *slog.Logger, build func() (T, func(), error)) (T, func(), error) {
	var zero T
	tp, err := tracing.Setup(ctx, part)
	if err != nil {
		return zero, nil, err
	}
	flush := func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), tracingFlushTimeout)
		defer cancel()
		if err := tp.Shutdown(ctx); err != nil {
			logger.Warn("spans not exported at shutdown", "error", err)
		}
	}
	built, cleanup, err := build()
	if err != nil {
		flush()
		return zero, nil, err
	}
	if tp.Enabled() {
		logger.Info("tracing on: exporting spans over OTLP/HTTP")
	}
	return built, func() { cleanup(); flush() }, nil
}

// useCaseObserver measures every use-case call (Prometheus) and makes it a span
// (decorator.Tracer): the decorator's Metrics.
type useCaseObserver struct {
	*metrics.Prometheus
	tracing.UseCases
}

// provideUseCaseObserver is the decorator's metrics, with a span per call.
func provideUseCaseObserver(m *metrics.Prometheus) decorator.Metrics {
	return useCaseObserver{Prometheus: m}
}
