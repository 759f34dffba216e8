package main

import (
	"slices"
	"testing"
	"time"
)

// An off run gets no OTEL_* variable, even when the shell that started the bench had some; an
// on run gets the local Jaeger's endpoint, full sampling and a service name of its own.
func TestOffRunsGetNoOTELAndOnRunsExportToJaeger(t *testing.T) {
	got := withoutOTEL([]string{"PATH=/bin", "OTEL_EXPORTER_OTLP_ENDPOINT=http://x:4318", "OTEL_TRACES_SAMPLER=always_on", "HOME=/root"})
	if want := []string{"PATH=/bin", "HOME=/root"}; !slices.Equal(got, want) {
		t.Errorf("withoutOTEL = %v, want %v", got, want)
	}
	off := benchEnv{opts: options{Brokers: []string{"127.0.0.1:9092"}}}
	for k := range off.serviceEnv("postgres://db", "topic") {
		if len(k) >= 5 && k[:5] == "OTEL_" {
			t.Errorf("tracing off, yet the service gets %s", k)
		}
	}
	on := off.traced("api")
	env := on.serviceEnv("postgres://db", "topic")
	if env["OTEL_EXPORTER_OTLP_ENDPOINT"] != jaegerOTLP || env["OTEL_TRACES_SAMPLER"] != "always_on" || env["OTEL_SERVICE_NAME"] != on.otelService || on.otelService == "" {
		t.Errorf("tracing on: env %v", env)
	}
}

// The relay's traced p99 passes when it is no further above the off runs than they are apart.
func TestRelayTracedP99IsJudgedAgainstTheOffRunsSpread(t *testing.T) {
	p99 := func(d time.Duration) latencyResult { return latencyResult{Latency: []time.Duration{d}} }
	for _, tc := range []struct {
		on, off1, off2 time.Duration
		want           bool
	}{
		{on: 120 * time.Millisecond, off1: 100 * time.Millisecond, off2: 130 * time.Millisecond, want: true},
		{on: 160 * time.Millisecond, off1: 100 * time.Millisecond, off2: 130 * time.Millisecond, want: true}, // 130 + 30
		{on: 161 * time.Millisecond, off1: 100 * time.Millisecond, off2: 130 * time.Millisecond, want: false},
		{on: 101 * time.Millisecond, off1: 100 * time.Millisecond, off2: 100 * time.Millisecond, want: false},
	} {
		tr := relayTracing{On: p99(tc.on), Off2: p99(tc.off2)}
		if got, _ := tr.within(p99(tc.off1)); got != tc.want {
			t.Errorf("on %s, off %s and %s: within = %v, want %v", tc.on, tc.off1, tc.off2, got, tc.want)
		}
	}
}
