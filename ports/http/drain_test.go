package httpport_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	httpport "github.com/taskstream/taskstream/ports/http"
)

// drainingHandlers are the API handler and an operations handler on one drain and one
// readiness check, which counts its runs.
type drainingHandlers struct {
	api, ops http.Handler
	drain    *httpport.Drain
	runs     *atomic.Int64
}

func newDrainingHandlers(t *testing.T) drainingHandlers {
	t.Helper()
	d := drainingHandlers{drain: httpport.NewDrain(), runs: &atomic.Int64{}}
	checks := []httpport.ReadinessCheck{{Name: "db", Check: func(context.Context) error { d.runs.Add(1); return nil }}}
	auth, err := httpport.NewHS256Authenticator(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	deps := httpport.Deps{Logger: discardLogger(), Authenticator: auth, Readiness: checks, Registry: reg, Gatherer: reg, Drain: d.drain}
	if d.api, err = httpport.NewHandler(newFixtureApp(t), httpport.Config{}, deps); err != nil {
		t.Fatal(err)
	}
	if d.ops, err = httpport.NewOpsHandler(httpport.Config{}, deps); err != nil {
		t.Fatal(err)
	}
	return d
}

// Once the drain has started, /readyz answers 503 at once, on the API and the operations
// handler alike: not from the last run of the checks, which answers for a second, and without
// running them.
func TestDrainTurnsReadyzTo503AtOnce(t *testing.T) {
	t.Parallel()
	d := newDrainingHandlers(t)
	for _, h := range []http.Handler{d.api, d.ops} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("/readyz before the drain = %d %s", rec.Code, rec.Body)
		}
	}
	runs := d.runs.Load()
	d.drain.Start()
	for name, h := range map[string]http.Handler{"api": d.api, "ops": d.ops} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		p := decodeProblem(t, rec, http.StatusServiceUnavailable)
		if p.Type != "https://taskstream.dev/problems/unavailable" || p.Checks["draining"] != "fail" || len(p.Checks) != 1 {
			t.Errorf("%s: /readyz while draining = %+v, want unavailable with the draining check failed", name, p)
		}
	}
	if got := d.runs.Load(); got != runs {
		t.Errorf("the checks ran %d more times while draining", got-runs)
	}
}

// While the drain lasts every request is served as before, but its answer closes the
// connection, so that the client's next request goes through the load balancer to another
// instance; before the drain, connections are kept alive.
func TestDrainServesRequestsAndClosesTheirConnections(t *testing.T) {
	t.Parallel()
	d := newDrainingHandlers(t)
	srv := httptest.NewServer(d.api)
	defer srv.Close()
	token, err := httpport.IssueHS256Token(testSecret, "alice", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// get returns the status of GET /v1/todos and whether the answer closed its connection.
	get := func() (int, bool) {
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/v1/todos", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, resp.Close // Close: the answer said Connection: close
	}
	if status, closed := get(); status != http.StatusOK || closed {
		t.Fatalf("before the drain: %d, connection closed %v; want 200 on a kept-alive connection", status, closed)
	}
	d.drain.Start()
	if status, closed := get(); status != http.StatusOK || !closed {
		t.Errorf("while draining: %d, connection closed %v; want 200 with Connection: close", status, closed)
	}
}
