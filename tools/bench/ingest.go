package main

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/domain/todo"
)

// ingestResult holds the ingest figures.
type ingestResult struct {
	N int
	// Elapsed runs from the first row seen to the last; WithStartup from the worker's start.
	Elapsed, WithStartup time.Duration
	// FirstSeen is the row count at the first poll that saw rows.
	FirstSeen int
	// CopyElapsed is the plain COPY of the same rows.
	CopyElapsed time.Duration
	// CPU is what each group of processes spent in the Wall time from the worker's start to the
	// last row; WorkerCPU is the group the worker is counted in.
	CPU       cpuTimes
	WorkerCPU string
	Wall      time.Duration
}

func (r ingestResult) Rate() float64            { return float64(r.N) / r.Elapsed.Seconds() }
func (r ingestResult) RateWithStartup() float64 { return float64(r.N) / r.WithStartup.Seconds() }
func (r ingestResult) CopyRate() float64        { return float64(r.N) / r.CopyElapsed.Seconds() }

// measureIngest publishes N create events to a fresh topic, measures a plain COPY of the same
// rows into a fresh database, then starts the worker on the topic and another fresh database
// and times it until every row is stored.
func measureIngest(ctx context.Context, e benchEnv) (ingestResult, error) {
	o := e.opts
	res := ingestResult{N: o.N}
	logf("ingest: generating %d to-dos of %d users", o.N, o.Users)
	todos, err := makeTodos(o.N, o.Users, 2)
	if err != nil {
		return res, err
	}
	topic, group := "bench-todo-create-"+randomHex(4), "bench-todo-"+randomHex(4)
	cleanup, err := e.createTopic(topic, group)
	if err != nil {
		return res, err
	}
	defer cleanup()
	start := time.Now()
	if err := e.preload(ctx, topic, todos); err != nil {
		return res, err
	}
	logf("ingest: published %d events to %s in %s", o.N, topic, time.Since(start).Round(time.Millisecond))

	if res.CopyElapsed, err = e.copyBaseline(ctx, todos); err != nil {
		return res, fmt.Errorf("COPY baseline: %w", err)
	}
	logf("ingest: COPY baseline stored %d rows in %s", o.N, res.CopyElapsed.Round(time.Millisecond))

	db, err := e.newDatabase(ctx)
	if err != nil {
		return res, err
	}
	defer db.Close()
	env := e.serviceEnv(db.URL, topic)
	env["KAFKA_CONSUMER_GROUP_TODO"] = group
	w, err := e.startService(ctx, "worker", env)
	if err != nil {
		return res, err
	}
	res.WorkerCPU = w.cpuGroup()
	err = res.waitForRows(ctx, e, db.DB, w, func() string { return e.groupProgress(topic, group) })
	if stopErr := w.stop(); err == nil {
		err = stopErr
	}
	return res, err
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

// waitForRows polls the row count every 100 ms until it reaches N, recording the times.
func (r *ingestResult) waitForRows(ctx context.Context, e benchEnv, db *sql.DB, w service, progress func() string) error {
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
			return ctx.Err()
		case <-deadline:
			return fmt.Errorf("the worker stored %d of %d rows in %s (%s); log: %s", last, r.N, e.opts.IngestTimeout, progress(), w.logTail())
		case <-tick.C:
		}
		if err := w.failed(); err != nil {
			return err
		}
		n, err := countTodos(ctx, db)
		if err != nil {
			return err
		}
		now := time.Now()
		if n > 0 && first.IsZero() {
			first, r.FirstSeen = now, n
			logf("ingest: first rows seen (%d) %s after the worker started", n, now.Sub(started).Round(time.Millisecond))
		}
		last = n
		if n >= r.N {
			r.Elapsed, r.WithStartup, r.Wall = now.Sub(first), now.Sub(started), now.Sub(sampledAt)
			r.CPU = sampleCPU(w.pid()).sub(before)
			if n > r.N {
				return fmt.Errorf("the worker stored %d rows for %d events", n, r.N)
			}
			logf("ingest: all %d rows stored %s after the first", n, r.Elapsed.Round(time.Millisecond))
			return nil
		}
	}
}
