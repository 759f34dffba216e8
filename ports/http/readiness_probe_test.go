package httpport_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	httpport "github.com/taskstream/taskstream/ports/http"
)

// TestReadyzSharesOneProbe: /readyz needs no token, so callers must not each cost a database
// round trip. Concurrent callers share one run of the checks, and its answer serves for a
// second after it.
func TestReadyzSharesOneProbe(t *testing.T) {
	t.Parallel()
	var runs atomic.Int32
	f := newFixture(t, fixtureOptions{readiness: []httpport.ReadinessCheck{{Name: "postgres", Check: func(context.Context) error {
		runs.Add(1)
		time.Sleep(100 * time.Millisecond) // a round trip, so that the callers overlap
		return nil
	}}}})
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if rec := f.do(request{method: http.MethodGet, path: "/readyz"}); rec.Code != http.StatusOK {
				t.Errorf("/readyz = %d", rec.Code)
			}
		})
	}
	wg.Wait()
	if n := runs.Load(); n != 1 {
		t.Errorf("50 concurrent callers ran the checks %d times, want 1", n)
	}
	f.do(request{method: http.MethodGet, path: "/readyz"})
	if n := runs.Load(); n != 1 {
		t.Errorf("a caller right after ran the checks again (%d runs)", n)
	}
	time.Sleep(1100 * time.Millisecond)
	f.do(request{method: http.MethodGet, path: "/readyz"})
	if n := runs.Load(); n != 2 {
		t.Errorf("after a second the checks ran %d times in all, want 2: the answer must not go stale", n)
	}
}

// A caller that leaves must not fail the run the others wait for.
func TestReadyzCallerLeavingDoesNotFailOthers(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	f := newFixture(t, fixtureOptions{readiness: []httpport.ReadinessCheck{{Name: "postgres", Check: func(ctx context.Context) error {
		<-release
		return ctx.Err()
	}}}})
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan int)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "/readyz", nil)
		rec := httptest.NewRecorder()
		f.handler.ServeHTTP(rec, req)
		first <- rec.Code
	}()
	time.Sleep(50 * time.Millisecond) // the first caller's run is in flight
	second := make(chan int)
	go func() { second <- f.do(request{method: http.MethodGet, path: "/readyz"}).Code }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	close(release)
	<-first
	if code := <-second; code != http.StatusOK {
		t.Errorf("/readyz = %d for the caller who stayed, after the first left", code)
	}
}
