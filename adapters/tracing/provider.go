// Package tracing sets up OpenTelemetry's SDK from the standard environment variables and
// exports spans over OTLP/HTTP. Without OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) it sets nothing up, so spans cost what the API's no-op
// costs and nothing leaves the process.
package tracing

import (
	"context"
	"fmt"
	"os"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// DefaultServiceName is service.name when neither OTEL_SERVICE_NAME nor
// OTEL_RESOURCE_ATTRIBUTES names the service.
const DefaultServiceName = "taskstream"

// Provider is the process's tracer provider. Shutdown flushes the spans not exported yet; the
// zero value (tracing off) has nothing to flush.
type Provider struct {
	sdk *sdktrace.TracerProvider
}

// Enabled reports whether spans are exported.
func (p *Provider) Enabled() bool { return p != nil && p.sdk != nil }

// Shutdown exports what is left and stops the exporter, within ctx.
func (p *Provider) Shutdown(ctx context.Context) error {
	if !p.Enabled() {
		return nil
	}
	if err := p.sdk.Shutdown(ctx); err != nil {
		return fmt.Errorf("tracing: shutdown: %w", err)
	}
	return nil
}

// Setup returns the process's provider and makes it the global one, with the W3C trace-context
// propagator. It exports only when an OTLP endpoint is set and OTEL_SDK_DISABLED is not true;
// the exporter reads the OTEL_EXPORTER_OTLP_* variables, the sampler OTEL_TRACES_SAMPLER and
// OTEL_TRACES_SAMPLER_ARG, the resource OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
func Setup(ctx context.Context, process string) (*Provider, error) {
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	if !exportWanted() {
		return &Provider{}, nil
	}
	exporter, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("tracing: OTLP exporter (OTEL_EXPORTER_OTLP_ENDPOINT): %w", err)
	}
	res, err := newResource(ctx, process)
	if err != nil {
		return nil, err
	}
	// No sampler is given: the SDK takes OTEL_TRACES_SAMPLER and _ARG (default parentbased_always_on).
	sdk := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
	otel.SetTracerProvider(sdk)
	return &Provider{sdk: sdk}, nil
}

// exportWanted reports whether an OTLP endpoint is configured and the SDK is not disabled.
func exportWanted() bool {
	if strings.EqualFold(strings.TrimSpace(os.Getenv("OTEL_SDK_DISABLED")), "true") {
		return false
	}
	if strings.EqualFold(strings.TrimSpace(os.Getenv("OTEL_TRACES_EXPORTER")), "none") {
		return false
	}
	return os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// newResource describes the process: service.name (default taskstream; OTEL_SERVICE_NAME and
// OTEL_RESOURCE_ATTRIBUTES override it), the part it runs (taskstream.process: api, worker,
// relay, all) and the SDK's own attributes.
func newResource(ctx context.Context, process string) (*resource.Resource, error) {
	base := resource.NewSchemaless(semconv.ServiceName(DefaultServiceName), semconv.ServiceInstanceID(instanceID()),
		attribute.String("taskstream.process", process))
	env, err := resource.New(ctx, resource.WithFromEnv(), resource.WithTelemetrySDK())
	if err != nil {
		return nil, fmt.Errorf("tracing: resource (OTEL_RESOURCE_ATTRIBUTES): %w", err)
	}
	res, err := resource.Merge(base, env)
	if err != nil {
		return nil, fmt.Errorf("tracing: resource: %w", err)
	}
	return res, nil
}

// instanceID tells processes of one service apart: the host name and the process id.
func instanceID() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d", host, os.Getpid())
}
