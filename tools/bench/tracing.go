package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// The local Jaeger of `bash scripts/services.sh jaeger`: the traced runs export to it over
// OTLP/HTTP, and its query API tells the bench that their spans arrived.
const (
	jaegerOTLP  = "http://127.0.0.1:4318"
	jaegerQuery = "http://127.0.0.1:16686"
)

// tracingFigures reports whether the run measures the cost of tracing: -tracing, and not with
// -profile (the in-process services read OTEL_* from the bench's own environment, not from
// the per-run one, so off and on could not be told apart).
func (e benchEnv) tracingFigures() bool { return e.opts.Tracing && e.opts.ProfileDir == "" }

// traced returns e with tracing on for the services it starts: full sampling into the local
// Jaeger, under a service name of this run, so its spans can be found afterwards.
func (e benchEnv) traced(name string) benchEnv {
	e.otelService = "taskstream-bench-" + name + "-" + randomHex(3)
	return e
}

// otelEnv adds the tracing variables of e to a service's environment. With tracing off it adds
// none, and startChild drops any OTEL_* of the bench's own environment.
func (e benchEnv) otelEnv(env map[string]string) {
	if e.otelService == "" {
		return
	}
	env["OTEL_EXPORTER_OTLP_ENDPOINT"] = jaegerOTLP
	env["OTEL_TRACES_SAMPLER"] = "always_on"
	env["OTEL_SERVICE_NAME"] = e.otelService
}

// withoutOTEL is environ minus the OpenTelemetry variables: an "off" run must not export
// because the shell that started the bench had them set.
func withoutOTEL(environ []string) []string {
	return slices.DeleteFunc(slices.Clone(environ), func(kv string) bool { return strings.HasPrefix(kv, "OTEL_") })
}

// ensureJaeger starts the local Jaeger when it does not answer (it is built once and cached),
// or says how to get the figures without it.
func ensureJaeger(ctx context.Context) error {
	if jaegerUp(ctx) {
		return nil
	}
	logf("tracing: Jaeger does not answer on %s; starting it (bash scripts/services.sh jaeger)", jaegerQuery)
	cmd := exec.CommandContext(ctx, "bash", "scripts/services.sh", "jaeger")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("the tracing figures need the local Jaeger (OTLP %s, query %s) and `bash scripts/services.sh jaeger` failed: %w; start it yourself or run with -tracing=false", jaegerOTLP, jaegerQuery, err)
	}
	if !jaegerUp(ctx) {
		return fmt.Errorf("the local Jaeger still does not answer on %s and %s after `bash scripts/services.sh jaeger`; see its log under ~/.cache/taskstream/services/jaeger, or run with -tracing=false", jaegerOTLP, jaegerQuery)
	}
	return nil
}

// jaegerUp reports whether the OTLP port accepts connections and the query API answers.
func jaegerUp(ctx context.Context) bool {
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(jaegerOTLP, "http://"), 2*time.Second)
	if err != nil {
		return false
	}
	_ = conn.Close()
	_, err = jaegerServices(ctx)
	return err == nil
}

// jaegerServices lists the services Jaeger holds spans of.
func jaegerServices(ctx context.Context) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, jaegerQuery+"/api/services", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("jaeger %s/api/services: %s", jaegerQuery, resp.Status)
	}
	var body struct {
		Data []string `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("jaeger /api/services: %w", err)
	}
	return body.Data, nil
}

// spansArrived reports whether Jaeger received spans of the traced run of e: a traced figure
// whose spans never arrived measured nothing. The exporter flushes at the service's shutdown,
// which the measurement waited for; Jaeger indexes the service name shortly after.
func (e benchEnv) spansArrived(ctx context.Context) bool {
	for range 20 {
		if names, err := jaegerServices(ctx); err == nil && slices.Contains(names, e.otelService) {
			return true
		}
		time.Sleep(250 * time.Millisecond)
	}
	logf("tracing: Jaeger holds no span of %s", e.otelService)
	return false
}
