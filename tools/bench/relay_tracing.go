package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// relayTracing is the relay's latency at the steady rate measured again with tracing on, then
// once more off: the two off runs' difference is the run's noise.
type relayTracing struct {
	On, Off2 latencyResult
	Arrived  bool // Jaeger received the traced run's spans
}

// measureRelayTracing measures the relay's latency with tracing on at full sampling into the
// local Jaeger, the changes committed within traces of their own (withSampledTrace), then off
// again.
func (e benchEnv) measureRelayTracing(ctx context.Context) (*relayTracing, error) {
	if err := ensureJaeger(ctx); err != nil {
		return nil, err
	}
	var t relayTracing
	var err error
	on := e.traced("relay")
	if t.On, err = on.measureLatency(ctx, "relay-traced", on.startRelay); err != nil {
		return nil, fmt.Errorf("tracing on: %w", err)
	}
	t.Arrived = on.spansArrived(ctx)
	if t.Off2, err = e.measureLatency(ctx, "relay-again", e.startRelay); err != nil {
		return nil, fmt.Errorf("tracing off, second run: %w", err)
	}
	return &t, nil
}

// withSampledTrace returns ctx within a new sampled trace, as a request traced by the API
// would be: the task store writes its context into the outbox rows (ce_traceparent), and the
// relay, which starts its publish spans only for rows that carry one, traces them. In the off
// runs the rows carry none, as when the API does not trace either.
func withSampledTrace(ctx context.Context) context.Context {
	var cfg trace.SpanContextConfig
	_, _ = rand.Read(cfg.TraceID[:])
	_, _ = rand.Read(cfg.SpanID[:])
	cfg.TraceFlags, cfg.Remote = trace.FlagsSampled, true
	return trace.ContextWithRemoteSpanContext(ctx, trace.NewSpanContext(cfg))
}

// within reports whether on's p99 is no further above the two off runs than they are apart:
// on <= max(off) + |off1 - off2|. Two runs are a thin estimate of the noise, so the line
// prints the three figures for a reader to judge as well.
func (t *relayTracing) within(off1 latencyResult) (bool, time.Duration) {
	a, b := off1.Percentile(99), t.Off2.Percentile(99)
	noise := (a - b).Abs()
	return t.On.Percentile(99) <= max(a, b)+noise, noise
}

func (r *relayResult) tracingRows(tw io.Writer) []verdict {
	t := r.Tracing
	off1, on := r.Latency, t.On
	ok, noise := t.within(off1)
	fmt.Fprintf(tw, "relay latency, tracing on (full sampling into Jaeger) vs off\t\t\t\t\n")
	fmt.Fprintf(tw, "  commit to Kafka p50 / p99 / max\t%s\toff %s; off again %s\t\t\n", latencyText(on), latencyText(off1), latencyText(t.Off2))
	fmt.Fprintf(tw, "  events received / committed\t%s / %s\toff %s / %s, %s / %s\t\t\n",
		num(float64(on.Received)), num(float64(on.Committed)), num(float64(off1.Received)), num(float64(off1.Committed)),
		num(float64(t.Off2.Received)), num(float64(t.Off2.Committed)))
	// How busy the machine was in each run (the writers' commits) and what the relay itself
	// took per round: the p99 follows the first as much as tracing.
	fmt.Fprintf(tw, "  writers' TaskStore.Change p99\t%s\toff %s, %s\t\t\n",
		ms(percentile(on.Commit, 99)), ms(percentile(off1.Commit, 99)), ms(percentile(t.Off2.Commit, 99)))
	fmt.Fprintf(tw, "  relay rounds (its /metrics)\t%s\toff %s; %s\t\t\n", on.Rounds, off1.Rounds, t.Off2.Rounds)
	arrived := ""
	if !t.Arrived {
		arrived = "; INVALID: Jaeger received no span of the traced run"
	}
	return []verdict{{
		t.Arrived && ok && on.KeptUp() && on.Missing == 0,
		fmt.Sprintf("relay p99 with tracing on within the run's noise (<= the higher off p99 + the two off runs' difference): on %s, off %s and %s, noise %s%s",
			ms(on.Percentile(99)), ms(off1.Percentile(99)), ms(t.Off2.Percentile(99)), ms(noise), arrived),
	}}
}
