package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/taskstream/taskstream/adapters/outbox"
)

// relayResult holds the relay figures: how fast `taskstream relay` empties a full outbox and how
// long an event takes from its commit to Kafka at a steady rate, each beside Watermill's stock
// Forwarder (stock.go) measured the same way in the same run.
type relayResult struct {
	Relay, Stock          drain
	Latency, StockLatency latencyResult
	// Tracing is the relay's latency again with tracing on and off (relay_tracing.go), nil
	// without -tracing.
	Tracing *relayTracing
}

// drain is one forwarder emptying a pre-filled outbox.
type drain struct {
	// N is the number of events in the outbox; Forwarded how many were forwarded when the
	// measurement ended (N, or fewer when it was bounded in time).
	N, Forwarded int
	// FirstSeen is the count at the first poll that saw any forwarded; Elapsed runs from that
	// poll to the last, WithStartup from the forwarder's start.
	FirstSeen            int
	Elapsed, WithStartup time.Duration
	// InKafka is the number of records in the two task topics afterwards; Poison in the poison
	// topic.
	InKafka, Poison int64
	// Published is how many events the forwarder reported as sent in all (the stock one only).
	Published int64
	// CPU is what each group of processes spent in Elapsed; CPUGroup is the forwarder's group.
	CPU      cpuTimes
	CPUGroup string
	// Rounds is the relay's own account of its rounds (not the stock Forwarder's).
	Rounds roundStats
}

// Rate is the events forwarded per second after the first poll that saw some.
func (d drain) Rate() float64 { return float64(d.Forwarded-d.FirstSeen) / d.Elapsed.Seconds() }

// RateWithStartup counts from the forwarder's start.
func (d drain) RateWithStartup() float64 { return float64(d.Forwarded) / d.WithStartup.Seconds() }

// Valid reports whether Kafka holds exactly the events forwarded and nothing went to poison.
func (d drain) Valid() bool {
	want := int64(d.N)
	if d.Published > 0 {
		want = d.Published
	}
	return d.InKafka == want && d.Poison == 0
}

// measureRelay measures the relay and the stock Forwarder: the throughput over a pre-filled
// outbox, then the latency at a steady rate, each on a fresh database and fresh topics.
func measureRelay(ctx context.Context, e benchEnv) (relayResult, error) {
	var res relayResult
	var err error
	n := e.opts.RelayN / 2 * 2 // whole changes
	if res.Relay, err = e.drainOutbox(ctx, "relay", n, 0, e.startRelay); err != nil {
		return res, fmt.Errorf("relay throughput: %w", err)
	}
	logf("relay: forwarded %d events in %s after the first (%.0f/s)", n, res.Relay.Elapsed.Round(time.Millisecond), res.Relay.Rate())
	stockN := min(e.opts.RelayStockN, n) / 2 * 2
	if res.Stock, err = e.drainOutbox(ctx, "stock", stockN, e.opts.RelayStockTime, e.startStock); err != nil {
		return res, fmt.Errorf("stock Forwarder throughput: %w", err)
	}
	logf("relay: the stock Forwarder forwarded %d events in %s (%.0f/s)", res.Stock.Forwarded, res.Stock.Elapsed.Round(time.Millisecond), res.Stock.Rate())
	if res.Latency, err = e.measureLatency(ctx, "relay", e.startRelay); err != nil {
		return res, fmt.Errorf("relay latency: %w", err)
	}
	if res.StockLatency, err = e.measureLatency(ctx, "stock", e.startStock); err != nil {
		return res, fmt.Errorf("stock Forwarder latency: %w", err)
	}
	if e.tracingFigures() {
		if res.Tracing, err = e.measureRelayTracing(ctx); err != nil {
			return res, fmt.Errorf("relay latency with tracing: %w", err)
		}
	}
	return res, nil
}

// forwarderRun is a forwarder under test running on a scene.
type forwarderRun struct {
	service
	// group is its row in watermill_offsets_outbox, there once it has subscribed.
	group string
	// forwarded reports how many events it has forwarded so far.
	forwarded func(ctx context.Context) (int64, error)
	// published, when set, reports how many events it sent in all, after it stopped.
	published func() int64
	// metrics is the URL of its /metrics, "" when it has none.
	metrics string
}

// rounds reads the relay's round statistics, if it serves them.
func (f *forwarderRun) rounds(ctx context.Context) roundStats {
	if f.metrics == "" {
		return roundStats{}
	}
	r, err := scrapeRounds(ctx, f.metrics)
	if err != nil {
		logf("relay: reading %s: %v", f.metrics, err)
	}
	return r
}

// startForwarder starts a forwarder on s; label names its log.
type startForwarder func(ctx context.Context, s *scene, label string) (*forwarderRun, error)

// startRelay starts `taskstream relay` on s with its default settings. Its progress is its
// acknowledged position: the outbox's offsets run from 1 in commit order (fillOutbox), so the
// offset acknowledged is the number of rows forwarded.
func (e benchEnv) startRelay(ctx context.Context, s *scene, label string) (*forwarderRun, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	env := e.serviceEnv(s.db.URL, s.todo)
	env["HTTP_ADDR"] = addr
	env["MIGRATE_ON_START"] = "true"
	env["KAFKA_TOPIC_TASK_EVENTS"] = s.topics.Events
	env["KAFKA_TOPIC_TASK_UPDATES"] = s.topics.Updates
	env["KAFKA_TOPIC_POISON"] = s.poison
	svc, err := e.startService(ctx, "relay", label, env)
	if err != nil {
		return nil, err
	}
	f := &forwarderRun{service: svc, group: outbox.RelayGroup, forwarded: func(ctx context.Context) (int64, error) {
		return ackedOffset(ctx, s.db.DB, outbox.RelayGroup)
	}}
	if svc.pid() != 0 {
		f.metrics = "http://" + addr + "/metrics"
	}
	return f, nil
}

// drainOutbox fills a fresh outbox with n events, starts a forwarder (name: relay or stock) and
// times it until it has forwarded them all, or for bound after the first when bound is not 0.
func (e benchEnv) drainOutbox(ctx context.Context, name string, n int, bound time.Duration, start startForwarder) (drain, error) {
	s, err := e.newScene(ctx)
	if err != nil {
		return drain{}, err
	}
	defer s.close()
	began := time.Now()
	if err := fillOutbox(ctx, s.db.DB, newChangeGen(e.opts.Users, s.topics, 4), n); err != nil {
		return drain{}, fmt.Errorf("fill the outbox: %w", err)
	}
	logf("relay: committed %d events to the outbox of %s in %s for the %s", n, s.db.Name, time.Since(began).Round(time.Millisecond), name)
	f, err := start(ctx, s, "throughput-"+name)
	if err != nil {
		return drain{}, err
	}
	d, err := e.timeDrain(ctx, f, n, bound)
	d.Rounds = f.rounds(ctx)
	if stopErr := f.stop(); err == nil {
		err = stopErr
	}
	if err != nil {
		return d, err
	}
	if d.InKafka, d.Poison, err = s.records(e); err != nil {
		return d, err
	}
	if f.published != nil {
		d.Published = f.published()
	} else if rows, _, err := outbox.Backlog(ctx, s.db.DB); err != nil || rows != 0 {
		return d, errors.Join(err, fmt.Errorf("the relay left %d rows of the outbox behind", rows))
	}
	return d, nil
}

// timeDrain polls f's progress every 10 ms until it reaches n, or until bound has passed since
// the first poll that saw progress.
func (e benchEnv) timeDrain(ctx context.Context, f *forwarderRun, n int, bound time.Duration) (drain, error) {
	d := drain{N: n, CPUGroup: f.cpuGroup()}
	deadline := time.After(e.opts.RelayTimeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	var first time.Time
	var before cpuTimes
	for {
		select {
		case <-ctx.Done():
			return d, ctx.Err()
		case <-deadline:
			return d, fmt.Errorf("forwarded %d of %d events in %s; log: %s", d.Forwarded, n, e.opts.RelayTimeout, f.logTail())
		case <-tick.C:
		}
		if err := f.failed(); err != nil {
			return d, err
		}
		got, err := f.forwarded(ctx)
		if err != nil {
			return d, err
		}
		now := time.Now()
		d.Forwarded = int(got)
		if got > 0 && first.IsZero() {
			first, d.FirstSeen, before = now, int(got), sampleCPU(f.pid())
		}
		if d.Forwarded >= n || (bound > 0 && !first.IsZero() && now.Sub(first) >= bound) {
			d.Elapsed, d.WithStartup = now.Sub(first), now.Sub(f.startedAt())
			d.CPU = sampleCPU(f.pid()).sub(before)
			return d, nil
		}
	}
}
