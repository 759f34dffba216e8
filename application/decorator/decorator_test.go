package decorator_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/taskstream/taskstream/application/decorator"
)

type spanKey struct{}

// tracingMetrics is Metrics that also traces: it records the spans it was asked for.
type tracingMetrics struct {
	decorator.NopMetrics
	started []string
	ended   []error
}

func (m *tracingMetrics) StartUseCase(ctx context.Context, name string) (context.Context, func(error)) {
	m.started = append(m.started, name)
	return context.WithValue(ctx, spanKey{}, name), func(err error) { m.ended = append(m.ended, err) }
}

type handlerFunc func(ctx context.Context, in string) (string, error)

func (f handlerFunc) Handle(ctx context.Context, in string) (string, error) { return f(ctx, in) }

// Metrics that also trace get a span around each call: the handler runs within it, and the span
// ends with the call's error.
func TestApplyTracesWhenTheMetricsTrace(t *testing.T) {
	t.Parallel()
	m := &tracingMetrics{}
	failure := errors.New("boom")
	var inSpan any
	h := decorator.Apply("UpdateTask", handlerFunc(func(ctx context.Context, _ string) (string, error) {
		inSpan = ctx.Value(spanKey{})
		return "", failure
	}), slog.New(slog.DiscardHandler), m)
	if _, err := h.Handle(context.Background(), "x"); !errors.Is(err, failure) {
		t.Fatalf("err = %v", err)
	}
	if len(m.started) != 1 || m.started[0] != "UpdateTask" || inSpan != "UpdateTask" {
		t.Errorf("spans started %v, handler ran in %v", m.started, inSpan)
	}
	if len(m.ended) != 1 || !errors.Is(m.ended[0], failure) {
		t.Errorf("spans ended with %v", m.ended)
	}
}

// Metrics that do not trace get no span, and the handler its caller's context.
func TestApplyWithoutTracing(t *testing.T) {
	t.Parallel()
	ctx := context.WithValue(context.Background(), spanKey{}, "caller")
	var got any
	h := decorator.Apply("GetTask", handlerFunc(func(ctx context.Context, _ string) (string, error) {
		got = ctx.Value(spanKey{})
		return "", nil
	}), slog.New(slog.DiscardHandler), decorator.NopMetrics{})
	if _, err := h.Handle(ctx, "x"); err != nil || got != "caller" {
		t.Errorf("err %v, context %v", err, got)
	}
}
