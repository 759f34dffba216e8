package schedule_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/taskstream/taskstream/ports/schedule"
)

// syncBuffer is a log sink safe for the scheduler's goroutine and the test's.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// calls counts a job's runs and hands each one's time to the test.
type calls struct {
	mu    sync.Mutex
	times []time.Time
	fail  func(n int) error // the error of run n (1-based), nil: none
	ran   chan struct{}
}

func newCalls(fail func(int) error) *calls {
	return &calls{fail: fail, ran: make(chan struct{}, 100)}
}

func (c *calls) job(_ context.Context, now time.Time) error {
	c.mu.Lock()
	c.times = append(c.times, now)
	n := len(c.times)
	c.mu.Unlock()
	c.ran <- struct{}{}
	if c.fail != nil {
		return c.fail(n)
	}
	return nil
}

func (c *calls) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.times)
}

func (c *calls) wait(t *testing.T, n int) {
	t.Helper()
	for c.count() < n {
		select {
		case <-c.ran:
		case <-time.After(10 * time.Second):
			t.Fatalf("the job ran %d times, want %d", c.count(), n)
		}
	}
}

// start runs the schedule in a goroutine; the returned function cancels it and waits for Run
// to return, failing the test when it does not or returns an error.
func start(t *testing.T, job schedule.Job, cfg schedule.Config) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- schedule.Run(ctx, job, cfg) }()
	return func() {
		t.Helper()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run = %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after its context ended")
		}
	}
}

// The first run comes at once, not after an interval, with the time of the configured clock.
func TestRunRunsAtOnce(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	c := newCalls(nil)
	stop := start(t, c.job, schedule.Config{Name: "test", Interval: time.Hour, Now: func() time.Time { return at }})
	c.wait(t, 1)
	stop()
	if c.count() != 1 || !c.times[0].Equal(at) {
		t.Errorf("runs at %v, want one at %v", c.times, at)
	}
}

// Then it runs every interval, each run with the time of its tick.
func TestRunRunsEveryInterval(t *testing.T) {
	t.Parallel()
	c := newCalls(nil)
	begin := time.Now()
	stop := start(t, c.job, schedule.Config{Name: "test", Interval: 20 * time.Millisecond})
	c.wait(t, 4)
	stop()
	if took := time.Since(begin); took < 60*time.Millisecond {
		t.Errorf("four runs took %v: they did not wait for the interval", took)
	}
	for i := 1; i < len(c.times); i++ {
		if !c.times[i].After(c.times[i-1]) {
			t.Errorf("run %d at %v, not after run %d at %v", i, c.times[i], i-1, c.times[i-1])
		}
	}
}

// A failed run is logged and the schedule goes on.
func TestRunSurvivesAnError(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	c := newCalls(func(n int) error {
		if n == 1 {
			return errors.New("database down")
		}
		return nil
	})
	stop := start(t, c.job, schedule.Config{Name: "reminders", Interval: 10 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	c.wait(t, 3)
	stop()
	out := logs.String()
	if strings.Count(out, "level=WARN") != 1 || !strings.Contains(out, "job=reminders") || !strings.Contains(out, "database down") {
		t.Errorf("logs:\n%s", out)
	}
}

// When the context ends, Run returns and runs nothing more; a run cut short by the end is not
// logged as a failure.
func TestRunStopsWithItsContext(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	c := newCalls(func(int) error {
		cancel() // the process is told to stop in the middle of a run
		return context.Canceled
	})
	go func() {
		done <- schedule.Run(ctx, c.job, schedule.Config{Name: "test", Interval: time.Millisecond,
			Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	time.Sleep(20 * time.Millisecond)
	if c.count() != 1 || logs.String() != "" {
		t.Errorf("%d runs after the stop, logs %q", c.count(), logs.String())
	}
}

func TestRunRefusesAnInvalidConfig(t *testing.T) {
	t.Parallel()
	job := func(context.Context, time.Time) error { return nil }
	for _, tc := range []struct {
		job schedule.Job
		cfg schedule.Config
	}{
		{job, schedule.Config{Interval: time.Second}},
		{job, schedule.Config{Name: "test"}},
		{job, schedule.Config{Name: "test", Interval: -time.Second}},
		{nil, schedule.Config{Name: "test", Interval: time.Second}},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := schedule.Run(ctx, tc.job, tc.cfg); err == nil {
			t.Errorf("%+v (job %v) was accepted", tc.cfg, tc.job != nil)
		}
	}
}
