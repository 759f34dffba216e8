package httpport

import (
	"context"
	"log/slog"

	"go.opentelemetry.io/otel/trace"
)

// NewLogHandler wraps next so that every record logged with the context of an HTTP request
// carries that request's request_id, correlation_id and, once authenticated, user, and every
// record logged within a span its trace_id and span_id. Wrap the
// service's root handler with it to get these attributes on the use cases' logs too; wrapping
// twice adds them once. NewHandler wraps Deps.Logger itself.
func NewLogHandler(next slog.Handler) slog.Handler {
	if h, ok := next.(logHandler); ok {
		return h
	}
	return logHandler{next: next}
}

type logHandler struct {
	next slog.Handler
}

func (h logHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h logHandler) Handle(ctx context.Context, r slog.Record) error {
	info, ok := ctx.Value(requestInfoKey{}).(requestInfo)
	sc := trace.SpanContextFromContext(ctx)
	if !ok && !sc.IsValid() {
		return h.next.Handle(ctx, r)
	}
	r = r.Clone()
	if sc.IsValid() {
		// Any record logged within a span, in a request or in a consumer, names the span, so a
		// log line leads to its trace and back.
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	if !ok {
		return h.next.Handle(ctx, r)
	}
	r.AddAttrs(slog.String("request_id", info.requestID), slog.String("correlation_id", info.correlationID))
	if user, ok := userFromContext(ctx); ok {
		r.AddAttrs(slog.String("user", string(user)))
	}
	return h.next.Handle(ctx, r)
}

func (h logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return logHandler{next: h.next.WithAttrs(attrs)}
}

func (h logHandler) WithGroup(name string) slog.Handler {
	return logHandler{next: h.next.WithGroup(name)}
}
