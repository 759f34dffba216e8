// Package tracingtest records the spans a test makes: Install makes an SDK tracer provider that
// keeps every ended span in memory the global one, once per test binary, so that parallel tests
// each find their own spans by trace id.
package tracingtest

import (
	"sync"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

var (
	once     sync.Once
	recorder *tracetest.SpanRecorder
)

// Install makes the recording provider the global one (the first call) and returns its
// recorder.
func Install() *tracetest.SpanRecorder {
	once.Do(func() {
		recorder = tracetest.NewSpanRecorder()
		otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(recorder)))
	})
	return recorder
}

// Ended returns the ended spans of trace id, in the order they ended.
func Ended(id trace.TraceID) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range Install().Ended() {
		if s.SpanContext().TraceID() == id {
			out = append(out, s)
		}
	}
	return out
}

// Named returns the ended spans of trace id called name.
func Named(id trace.TraceID, name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range Ended(id) {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}
