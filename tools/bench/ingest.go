package main

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/domain/todo"
)

// ingestRun is one run of the worker over the whole topic.
type ingestRun struct {
	// Elapsed runs from the first poll that saw rows to the one that saw all N; WithStartup
	// from the worker's start.
	Elapsed, WithStartup time.Duration
	// FirstSeen is the row count at the first poll that saw rows.
	FirstSeen int
	// CPU is what each group of processes spent in Wall, from the worker's start to the last row.
	CPU  cpuTimes
	Wall time.Duration
}

// ingestResult holds the ingest figures: several worker runs and as many COPY runs, alternated.
type ingestResult struct {
	N      int
	Runs   []ingestRun
	Copies []time.Duration
	// WorkerCPU is the sampleCPU group the worker is counted in.
	WorkerCPU string
}

// Median returns the run of median Elapsed.
func (r ingestResult) Median() ingestRun {
	runs := slices.Clone(r.Runs)
	slices.SortFunc(runs, func(a, b ingestRun) int { return int(a.Elapsed - b.Elapsed) })
	return runs[len(runs)/2]
}

// CopyMedian returns the median duration of the COPY baseline.
func (r ingestResult) CopyMedian() time.Duration { return median(r.Copies) }

func (r ingestResult) Rate() float64 { return float64(r.N) / r.Median().Elapsed.Seconds() }
func (r ingestResult) RateWithStartup() float64 {
	d := make([]time.Duration, len(r.Runs))
	for i, run := range r.Runs {
		d[i] = run.WithStartup
	}
	return float64(r.N) / median(d).Seconds()
}
func (r ingestResult) CopyRate() float64 { return float64(r.N) / r.CopyMedian().Seconds() }

// measureIngest publishes N create events to a fresh topic once, then alternates a plain COPY of
// the same rows into a fresh database with a run of the worker (fresh consumer group, fresh
// database) timed until every row is stored, -runs times each.
func measureIngest(ctx context.Context, e benchEnv) (ingestResult, error) {
	o := e.opts
	res := ingestResult{N: o.N}
	logf("ingest: generating %d to-dos of %d users", o.N, o.Users)
	todos, err := makeTodos(o.N, o.Users, 2)
	if err != nil {
		return res, err
	}
	topic := "bench-todo-create-" + randomHex(4)
	groups := make([]string, o.Runs)
	for i := range groups {
		groups[i] = "bench-todo-" + randomHex(4)
	}
	cleanup, err := e.createTopic(topic, groups...)
	if err != nil {
		return res, err
	}
	defer cleanup()
	start := time.Now()
	if err := e.preload(ctx, topic, todos); err != nil {
		return res, err
	}
	logf("ingest: published %d events to %s in %s", o.N, topic, time.Since(start).Round(time.Millisecond))

	for i, group := range groups {
		took, err := e.copyBaseline(ctx, todos)
		if err != nil {
			return res, fmt.Errorf("COPY baseline: %w", err)
		}
		res.Copies = append(res.Copies, took)
		logf("ingest run %d/%d: COPY baseline stored %d rows in %s", i+1, o.Runs, o.N, took.Round(time.Millisecond))
		run, err := e.runWorker(ctx, &res, topic, group, fmt.Sprintf("worker-run%d", i+1))
		if err != nil {
			return res, err
		}
		res.Runs = append(res.Runs, run)
		logf("ingest run %d/%d: the worker stored all %d rows %s after the first (%s after its start)",
			i+1, o.Runs, o.N, run.Elapsed.Round(time.Millisecond), run.WithStartup.Round(time.Millisecond))
	}
	return res, nil
}

// copyBaseline times postgres.CopyTodosBaseline of todos into a fresh, empty todos table.
func (e benchEnv) copyBaseline(ctx context.Context, todos []*todo.Todo) (time.Duration, error) {
	db, err := e.newDatabase(ctx)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	start := time.Now()
	if err := postgres.CopyTodosBaseline(ctx, db.DB, todos); err != nil {
		return 0, err
	}
	took := time.Since(start)
	if n, err := countTodos(ctx, db.DB); err != nil || n != len(todos) {
		return 0, fmt.Errorf("COPY stored %d rows, want %d (%w)", n, len(todos), err)
	}
	return took, nil
}

// runWorker starts the worker on topic for group with a fresh database and times it.
func (e benchEnv) runWorker(ctx context.Context, res *ingestResult, topic, group, label string) (ingestRun, error) {
	db, err := e.newDatabase(ctx)
	if err != nil {
		return ingestRun{}, err
	}
	defer db.Close()
	env := e.serviceEnv(db.URL, topic)
	env["KAFKA_CONSUMER_GROUP_TODO"] = group
	w, err := e.startService(ctx, "worker", label, env)
	if err != nil {
		return ingestRun{}, err
	}
	res.WorkerCPU = w.cpuGroup()
	run, err := e.waitForRows(ctx, db.DB, w, res.N, func() string { return e.groupProgress(topic, group) })
	if stopErr := w.stop(); err == nil {
		err = stopErr
	}
	return run, err
}

// waitForRows polls the row count every 100 ms until it reaches n, recording the times.
func (e benchEnv) waitForRows(ctx context.Context, db *sql.DB, w service, n int, progress func() string) (ingestRun, error) {
	var r ingestRun
	before, sampledAt := sampleCPU(w.pid()), time.Now()
	started := w.startedAt()
	deadline := time.After(e.opts.IngestTimeout)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var first time.Time
	last := -1
	for {
		select {
		case <-ctx.Done():
			return r, ctx.Err()
		case <-deadline:
			return r, fmt.Errorf("the worker stored %d of %d rows in %s (%s); log: %s", last, n, e.opts.IngestTimeout, progress(), w.logTail())
		case <-tick.C:
		}
		if err := w.failed(); err != nil {
			return r, err
		}
		got, err := countTodos(ctx, db)
		if err != nil {
			return r, err
		}
		now := time.Now()
		if got > 0 && first.IsZero() {
			first, r.FirstSeen = now, got
		}
		last = got
		if got >= n {
			r.Elapsed, r.WithStartup, r.Wall = now.Sub(first), now.Sub(started), now.Sub(sampledAt)
			r.CPU = sampleCPU(w.pid()).sub(before)
			if got > n {
				return r, fmt.Errorf("the worker stored %d rows for %d events", got, n)
			}
			return r, nil
		}
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
