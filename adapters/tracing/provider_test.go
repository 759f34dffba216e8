package tracing_test

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel"

	"github.com/taskstream/taskstream/adapters/tracing"
)

// Without an OTLP endpoint, or with the SDK disabled, nothing is set up: the global provider
// stays the API's no-op and Shutdown has nothing to flush.
func TestNoEndpointExportsNothing(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"no endpoint":  {"OTEL_EXPORTER_OTLP_ENDPOINT": "", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": ""},
		"sdk disabled": {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": "true"},
		"exporter off": {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_TRACES_EXPORTER": "none"},
	} {
		t.Run(name, func(t *testing.T) {
			for k, v := range env {
				t.Setenv(k, v)
			}
			before := otel.GetTracerProvider()
			p, err := tracing.Setup(context.Background(), "api")
			if err != nil {
				t.Fatal(err)
			}
			if p.Enabled() || otel.GetTracerProvider() != before {
				t.Errorf("tracing set up: enabled %v, provider replaced %v", p.Enabled(), otel.GetTracerProvider() != before)
			}
			if err := p.Shutdown(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
}

// With an endpoint the SDK is the global provider, and Shutdown flushes and stops it.
func TestEndpointSetsUpTheSDK(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1") // nothing listens: spans are dropped at the flush
	t.Setenv("OTEL_SDK_DISABLED", "")
	t.Setenv("OTEL_TRACES_EXPORTER", "")
	before := otel.GetTracerProvider()
	t.Cleanup(func() { otel.SetTracerProvider(before) })
	p, err := tracing.Setup(context.Background(), "worker")
	if err != nil {
		t.Fatal(err)
	}
	if !p.Enabled() || otel.GetTracerProvider() == before {
		t.Fatal("the SDK is not the global provider")
	}
	_, span := otel.Tracer("test").Start(context.Background(), "x")
	if !span.IsRecording() {
		t.Error("a span of the SDK does not record")
	}
	span.End()
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // do not wait for the unreachable collector
	_ = p.Shutdown(ctx)
}
