// Package tracing carries OpenTelemetry trace context across Taskstream's hops: from a context
// into an event's ce_traceparent header and back, and the attributes of OpenTelemetry's
// messaging conventions. It starts spans on the global tracer provider, which
// adapters/tracing sets when OTEL_EXPORTER_OTLP_ENDPOINT names a collector; without one the
// global provider records nothing, and a span only passes its parent's context on, so the
// caller's traceparent still reaches the events unchanged.
package tracing

import (
	"context"

	"github.com/ThreeDotsLabs/watermill/message"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/taskstream/taskstream/platform/envelope"
)

// InstrumentationName names the tracer of every span Taskstream starts.
const InstrumentationName = "github.com/taskstream/taskstream"

// tracer is taken from the global provider once: OpenTelemetry's global tracers delegate to the
// provider set later (adapters/tracing sets it at start, tests set their own), and looking it up
// at each span took a lock and a map lookup per request even with tracing off.
var tracer = otel.Tracer(InstrumentationName)

// Tracer is the tracer of every span Taskstream starts, on the global provider (whichever is
// set, also after this package was loaded).
func Tracer() trace.Tracer { return tracer }

// w3c reads and writes the W3C traceparent (and tracestate) headers.
var w3c = propagation.TraceContext{}

// headerCarrier maps the W3C names onto a message's CloudEvents headers (ce_traceparent).
type headerCarrier message.Metadata

func (h headerCarrier) Get(key string) string {
	if key == "traceparent" {
		return h[envelope.KeyTraceParent]
	}
	return ""
}

func (h headerCarrier) Set(key, value string) {
	if key == "traceparent" {
		h[envelope.KeyTraceParent] = value
	}
}

func (h headerCarrier) Keys() []string { return []string{"traceparent"} }

// FromMessage returns the span context stored in msg's ce_traceparent header; it is not valid
// when the header is missing or malformed.
func FromMessage(msg *message.Message) trace.SpanContext {
	ctx := w3c.Extract(context.Background(), headerCarrier(msg.Metadata))
	return trace.SpanContextFromContext(ctx)
}

// ToMessage stores the span context of ctx in msg's ce_traceparent header, so the next hop
// continues the trace from there. A context without a valid span leaves the header as it is.
func ToMessage(ctx context.Context, msg *message.Message) {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return
	}
	if msg.Metadata == nil {
		msg.Metadata = message.Metadata{}
	}
	w3c.Inject(ctx, headerCarrier(msg.Metadata))
}

// TraceParent is the W3C traceparent of ctx's span, or "" when it has none.
func TraceParent(ctx context.Context) string {
	carrier := propagation.MapCarrier{}
	w3c.Inject(ctx, carrier)
	return carrier.Get("traceparent")
}

// WithParent returns ctx with sc as the remote parent of the spans started on it (ctx itself
// when sc is not valid).
func WithParent(ctx context.Context, sc trace.SpanContext) context.Context {
	if !sc.IsValid() {
		return ctx
	}
	return trace.ContextWithRemoteSpanContext(ctx, sc)
}
