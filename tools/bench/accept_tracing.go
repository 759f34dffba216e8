package main

import (
	"context"
	"fmt"
	"io"
	"math"
)

// targetTracedAccept is issue 11's bound on tracing's cost: with every request traced into
// Jaeger, the API accepts at least this share of what it accepts with tracing off.
const targetTracedAccept = 0.90

// acceptTracing is the API measured again with tracing on, then once more off: the on figure
// is set against the mean of the two off runs, whose difference is the run's noise.
type acceptTracing struct {
	On, Off2 loadResult
	// Arrived reports whether Jaeger received the traced run's spans.
	Arrived bool
}

// measureAcceptTracing runs the API with tracing on at full sampling into the local Jaeger,
// then off again, with the same clients and texts as the first (off) run.
func (e benchEnv) measureAcceptTracing(ctx context.Context, pool texts, tokens []string) (*acceptTracing, error) {
	if err := ensureJaeger(ctx); err != nil {
		return nil, err
	}
	var t acceptTracing
	on := e.traced("api")
	logf("accept: the API again with tracing on (OTEL_EXPORTER_OTLP_ENDPOINT=%s, OTEL_TRACES_SAMPLER=always_on)", jaegerOTLP)
	var err error
	if t.On, _, err = on.loadAPI(ctx, pool, tokens); err != nil {
		return nil, fmt.Errorf("tracing on: %w", err)
	}
	t.Arrived = on.spansArrived(ctx)
	logf("accept: the API again with tracing off, for the run's noise")
	if t.Off2, _, err = e.loadAPI(ctx, pool, tokens); err != nil {
		return nil, fmt.Errorf("tracing off, second run: %w", err)
	}
	return &t, nil
}

// cpuPerRequest is the API's CPU microseconds per accepted request in the window.
func cpuPerRequest(r loadResult) float64 {
	if r.OK == 0 {
		return 0
	}
	return r.CPU[r.CPUGroup] / float64(r.OK) * 1e6
}

func (ac *acceptResult) tracingRows(tw io.Writer) []verdict {
	t := ac.Tracing
	off1, off2, on := ac.API, t.Off2, t.On
	offMean := (off1.Rate() + off2.Rate()) / 2
	ratio := on.Rate() / offMean
	noise := math.Abs(off1.Rate()-off2.Rate()) / offMean
	fmt.Fprintf(tw, "accept, tracing on (full sampling into Jaeger) vs off\t%s 202/s\toff %s and %s/s (differ by %.0f%%)\t%.2f\t\n",
		num(on.Rate()), num(off1.Rate()), num(off2.Rate()), 100*noise, ratio)
	fmt.Fprintf(tw, "  latency p50 / p99\t%s / %s\toff %s / %s, %s / %s\t\t\n", ms(on.Percentile(50)), ms(on.Percentile(99)),
		ms(off1.Percentile(50)), ms(off1.Percentile(99)), ms(off2.Percentile(50)), ms(off2.Percentile(99)))
	fmt.Fprintf(tw, "  API CPU per request\t%.0f µs\toff %.0f, %.0f µs\t%.2f\t\n", cpuPerRequest(on), cpuPerRequest(off1), cpuPerRequest(off2),
		cpuPerRequest(on)/((cpuPerRequest(off1)+cpuPerRequest(off2))/2))
	fmt.Fprintf(tw, "  Jaeger CPU in the traced window\t%.1f s\toff %.1f, %.1f s\t\t\n", on.CPU["jaeger"], off1.CPU["jaeger"], off2.CPU["jaeger"])
	arrived := ""
	if !t.Arrived {
		arrived = "; INVALID: Jaeger received no span of the traced run"
	}
	return []verdict{{
		t.Arrived && ratio >= targetTracedAccept && on.Errors == 0,
		fmt.Sprintf("accept with tracing on >= %.2f x off: %.2f x (%s vs %s/s, the mean of two off runs %.0f%% apart), %d errors%s",
			targetTracedAccept, ratio, num(on.Rate()), num(offMean), 100*noise, on.Errors, arrived),
	}}
}
