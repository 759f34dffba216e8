package main

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/taskstream/taskstream/adapters/messages"
)

// latencyResult is the time from commit to Kafka at a steady rate of changes.
type latencyResult struct {
	Rate           int // changes per second (TaskStore.Change), two events each
	Warmup, Window time.Duration
	// Committed counts the events committed over the whole run; Received the distinct ones read
	// back from Kafka.
	Committed, Received int
	// Latency is arrival minus commit of the events of the changes due in the window, sorted;
	// Missing counts those that never arrived.
	Latency []time.Duration
	Missing int
	// Commit is the writers' time from calling TaskStore.Change to its return (lock, read,
	// update, outbox, commit) for the window's changes, sorted: how fast the database answered.
	Commit []time.Duration
	// CommitRate is the changes per second committed in the window.
	CommitRate float64
	// Growth is the slope of the backlog (events committed, not yet in Kafka) over the window,
	// in events per second; MaxBacklog its largest sample.
	Growth     float64
	MaxBacklog int64
	// Drained reports whether every committed event arrived within drainTimeout of the last commit.
	Drained bool
	// Rounds is the relay's own account of its rounds (not the stock Forwarder's).
	Rounds roundStats
	// Horizon is how old the server's oldest writing transaction got while the changes were
	// committed: events wait for it.
	Horizon horizonStats
}

// KeptUp reports whether the forwarder kept pace: everything arrived, and the backlog did not
// grow by more than a tenth of the rate.
func (r latencyResult) KeptUp() bool {
	return r.Drained && r.Received == r.Committed && r.Growth < float64(2*r.Rate)/10
}

func (r latencyResult) Percentile(p float64) time.Duration { return percentile(r.Latency, p) }

// drainTimeout is how long the events may take to arrive after the last commit.
const drainTimeout = 15 * time.Second

// latencyWriters is the number of goroutines committing the changes: enough that a slow commit
// does not hold back the ones due after it.
const latencyWriters = 16

// measureLatency creates a pool of tasks on a fresh scene with the task store, starts a forwarder
// (name: relay or stock), reads the task topics from their start, waits for the pool's events,
// then commits changes of the pool's tasks at a steady rate for the warm-up and the window, each
// with TaskStore.Change (storeWriter): its own transaction, with the task row and two outbox rows.
func (e benchEnv) measureLatency(ctx context.Context, name string, start startForwarder) (latencyResult, error) {
	o := e.opts
	res := latencyResult{Rate: o.RelayRate, Warmup: o.RelayWarmup, Window: o.RelayDuration}
	s, err := e.newScene(ctx)
	if err != nil {
		return res, err
	}
	defer s.close()
	total := int((o.RelayWarmup + o.RelayDuration).Seconds() * float64(o.RelayRate))
	arr, err := e.readArrivals(s.topics.Events, s.topics.Updates)
	if err != nil {
		return res, err
	}
	defer arr.close()
	w, err := newStoreWriter(ctx, s.db.DB, s.topics, o.Users, 5)
	if err != nil {
		return res, fmt.Errorf("create the tasks: %w", err)
	}
	changes := w.plan(total, 6)
	w.traced = e.otelService != "" // the outbox rows carry a trace context, as a traced API writes them
	label := "latency-" + name
	f, err := start(ctx, s, label)
	if err != nil {
		return res, err
	}
	if err := waitSubscribed(ctx, s.db.DB, f); err != nil {
		_ = f.stop()
		return res, err
	}
	if err := waitArrived(ctx, arr, w.poolEvents(), f); err != nil {
		_ = f.stop()
		return res, fmt.Errorf("the events of the %d tasks created first: %w", latencyTasks, err)
	}
	logf("%s latency: committing %d changes/s for %s after a %s warm-up (%s)", name, o.RelayRate, o.RelayDuration, o.RelayWarmup, s.db.Name)
	run, err := e.runSteady(ctx, s.db.DB, w, changes, arr, f)
	res.Rounds = f.rounds(ctx)
	if stopErr := f.stop(); err == nil {
		err = stopErr
	}
	if err != nil {
		return res, err
	}
	at := arr.snapshot()
	res.fill(run, s.topics, w.poolEvents(), at)
	if err := writeLatencies(filepath.Join(e.dir, label+".csv"), run, s.topics, at); err != nil {
		return res, err
	}
	logf("%s latency: %d of %d events arrived, p99 %s, backlog growth %.0f events/s", name, res.Received, res.Committed, ms(res.Percentile(99)), res.Growth)
	return res, nil
}

// waitArrived waits up to a minute until n events have arrived.
func waitArrived(ctx context.Context, arr *arrivals, n int64, f *forwarderRun) error {
	deadline := time.Now().Add(time.Minute)
	for arr.received.Load() < n {
		if err := f.failed(); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d arrived in a minute", arr.received.Load(), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

// steadyRun is what runSteady saw.
type steadyRun struct {
	began   []time.Time       // per change, before TaskStore.Change was called
	commits []time.Time       // per change, after it returned
	done    []committedChange // per change, its task and version
	start   time.Time
	rate    int // changes per second
	backlog []backlogSample
	horizon horizonStats
	drained bool
}

type backlogSample struct {
	at   time.Duration // since start
	rows int64
}

// runSteady commits changes at the rate, samples the backlog every 100 ms, then waits for the
// events to arrive. The pool's events, which arrived before, count as committed.
func (e benchEnv) runSteady(ctx context.Context, db *sql.DB, w *storeWriter, changes []plannedChange, arr *arrivals, f *forwarderRun) (steadyRun, error) {
	run := steadyRun{
		began: make([]time.Time, len(changes)), commits: make([]time.Time, len(changes)),
		done: make([]committedChange, len(changes)), start: time.Now(), rate: e.opts.RelayRate,
	}
	var committed atomic.Int64
	committed.Store(w.poolEvents())
	sampling, stopSampling := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { run.backlog = sampleBacklog(sampling, run.start, &committed, arr) })
	wg.Go(func() { run.horizon = sampleHorizon(sampling, db) })
	err := commitSteady(ctx, w, changes, &run, &committed)
	stopSampling()
	wg.Wait()
	if err != nil {
		return run, err
	}
	deadline := time.Now().Add(drainTimeout)
	for arr.received.Load() < committed.Load() && time.Now().Before(deadline) {
		if err := f.failed(); err != nil {
			return run, err
		}
		time.Sleep(20 * time.Millisecond)
	}
	run.drained = arr.received.Load() == committed.Load()
	return run, nil
}

// commitSteady hands change i to the writers at start + i/rate, from a 1 ms ticker, and records
// when each TaskStore.Change returned, and the version it made.
func commitSteady(ctx context.Context, w *storeWriter, changes []plannedChange, run *steadyRun, committed *atomic.Int64) error {
	jobs := make(chan int, len(changes)) // never full: the ticker is never held back
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range latencyWriters {
		wg.Go(func() {
			for i := range jobs {
				run.began[i] = time.Now()
				done, err := w.commit(ctx, changes[i])
				if err != nil {
					mu.Lock()
					firstErr = cmp.Or(firstErr, fmt.Errorf("commit change %d: %w", i, err))
					mu.Unlock()
					continue
				}
				run.commits[i] = time.Now()
				run.done[i] = done
				committed.Add(2)
			}
		})
	}
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for sent := 0; sent < len(changes) && ctx.Err() == nil; {
		<-tick.C
		due := min(int(time.Since(run.start)*time.Duration(run.rate)/time.Second), len(changes))
		for ; sent < due; sent++ {
			jobs <- sent
		}
	}
	close(jobs)
	wg.Wait()
	return cmp.Or(firstErr, ctx.Err())
}

// sampleBacklog records every 100 ms how many committed events Kafka has not delivered yet.
func sampleBacklog(ctx context.Context, start time.Time, committed *atomic.Int64, arr *arrivals) []backlogSample {
	var out []backlogSample
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return out
		case <-tick.C:
			out = append(out, backlogSample{at: time.Since(start), rows: committed.Load() - arr.received.Load()})
		}
	}
}

// fill computes the figures of the window from run; pool is the number of events of the tasks
// created first, which arrived before the run.
func (r *latencyResult) fill(run steadyRun, topics messages.TaskTopics, pool int64, at map[eventKey]time.Time) {
	from := int(r.Warmup.Seconds() * float64(r.Rate))
	to := min(from+int(r.Window.Seconds()*float64(r.Rate)), len(run.commits))
	windowStart, windowEnd := run.start.Add(r.Warmup), run.start.Add(r.Warmup+r.Window)
	inWindow := 0
	for i, commit := range run.commits {
		if commit.IsZero() {
			continue
		}
		r.Committed += 2
		if !commit.Before(windowStart) && !commit.After(windowEnd) {
			inWindow++
		}
		if i < from || i >= to {
			continue
		}
		r.Commit = append(r.Commit, commit.Sub(run.began[i]))
		for _, k := range run.done[i].keys(topics) {
			if got, ok := at[k]; ok {
				r.Latency = append(r.Latency, got.Sub(commit))
			} else {
				r.Missing++
			}
		}
	}
	slices.Sort(r.Latency)
	slices.Sort(r.Commit)
	r.Received = len(at) - int(pool)
	r.CommitRate = float64(inWindow) / r.Window.Seconds()
	r.Drained = run.drained
	r.Horizon = run.horizon
	r.Growth, r.MaxBacklog = backlogTrend(run.backlog, r.Warmup, r.Warmup+r.Window)
}

// backlogTrend returns the least-squares slope of the samples between from and to, in events per
// second, and the largest sample.
func backlogTrend(samples []backlogSample, from, to time.Duration) (float64, int64) {
	var n, sx, sy, sxx, sxy float64
	var peak int64
	for _, s := range samples {
		if s.at < from || s.at > to {
			continue
		}
		x, y := s.at.Seconds(), float64(s.rows)
		n, sx, sy, sxx, sxy = n+1, sx+x, sy+y, sxx+x*x, sxy+x*y
		peak = max(peak, s.rows)
	}
	if n < 2 || n*sxx == sx*sx {
		return 0, peak
	}
	return (n*sxy - sx*sy) / (n*sxx - sx*sx), peak
}

// waitSubscribed waits up to 30 s for f's row in the offsets table: it reads the outbox from then on.
func waitSubscribed(ctx context.Context, db *sql.DB, f *forwarderRun) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if err := f.failed(); err != nil {
			return err
		}
		var one int
		err := db.QueryRowContext(ctx, `SELECT 1 FROM "watermill_offsets_outbox" WHERE consumer_group = $1`, f.group).Scan(&one)
		if err == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("the forwarder did not read the outbox within 30 s; log: %s", f.logTail())
}

// writeLatencies writes one line per change to path (kept with -keep): the task and version it
// made, and microseconds since the start when it was due, began, committed, and its two events
// arrived (-1: never).
func writeLatencies(path string, run steadyRun, topics messages.TaskTopics, at map[eventKey]time.Time) error {
	var b strings.Builder
	b.WriteString("change,task,version,due_us,began_us,committed_us,events_us,updates_us\n")
	us := func(t time.Time, ok bool) int64 {
		if !ok || t.IsZero() {
			return -1
		}
		return t.Sub(run.start).Microseconds()
	}
	for i, c := range run.done {
		due := time.Duration(i) * time.Second / time.Duration(run.rate)
		fmt.Fprintf(&b, "%d,%s,%d,%d,%d,%d", i, c.task, c.version, due.Microseconds(), us(run.began[i], true), us(run.commits[i], true))
		for _, k := range c.keys(topics) {
			t, ok := at[k]
			fmt.Fprintf(&b, ",%d", us(t, ok))
		}
		b.WriteByte('\n')
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

// keys returns the keys of the change's two events: task-events, then task-updates.
func (c committedChange) keys(topics messages.TaskTopics) [2]eventKey {
	return [2]eventKey{{topics.Events, c.task, c.version}, {topics.Updates, c.task, c.version}}
}
