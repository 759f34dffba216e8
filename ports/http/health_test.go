package httpport_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	httpport "github.com/taskstream/taskstream/ports/http"
)

func TestHealthz(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{readiness: []httpport.ReadinessCheck{
		{Name: "db", Check: func(context.Context) error { return errors.New("down") }},
	}})
	rec := f.do(request{method: http.MethodGet, path: "/healthz"})
	if rec.Code != http.StatusOK || decodeJSON[map[string]string](t, rec)["status"] != "ok" {
		t.Errorf("/healthz = %d %s", rec.Code, rec.Body)
	}
	// Load balancers probe with HEAD; a real server sends the status without a body.
	srv := httptest.NewServer(f.handler)
	defer srv.Close()
	for _, path := range []string{"/healthz", "/openapi.json"} {
		resp, err := http.Head(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("HEAD %s = %d, want 200", path, resp.StatusCode)
		}
	}
}

func TestReadyz(t *testing.T) {
	t.Parallel()
	ok := func(context.Context) error { return nil }
	down := func(context.Context) error { return errors.New("dial tcp 10.0.0.7:5432: connection refused") }
	hangs := func(ctx context.Context) error { <-ctx.Done(); time.Sleep(time.Second); return nil }
	cases := []struct {
		name   string
		checks []httpport.ReadinessCheck
		status int
		want   map[string]string
	}{
		{"no checks", nil, http.StatusOK, map[string]string{}},
		{"all pass", []httpport.ReadinessCheck{{Name: "db", Check: ok}, {Name: "broker", Check: ok}}, http.StatusOK,
			map[string]string{"db": "ok", "broker": "ok"}},
		{"one fails", []httpport.ReadinessCheck{{Name: "db", Check: down}, {Name: "broker", Check: ok}}, http.StatusServiceUnavailable,
			map[string]string{"db": "fail", "broker": "ok"}},
		{"one hangs", []httpport.ReadinessCheck{{Name: "db", Check: ok}, {Name: "broker", Check: hangs}}, http.StatusServiceUnavailable,
			map[string]string{"db": "ok", "broker": "fail"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, fixtureOptions{readiness: tc.checks, cfg: httpport.Config{ReadinessTimeout: 50 * time.Millisecond}})
			rec := f.do(request{method: http.MethodGet, path: "/readyz"})
			var checks map[string]string
			if tc.status == http.StatusOK {
				if rec.Code != http.StatusOK {
					t.Fatalf("/readyz = %d %s", rec.Code, rec.Body)
				}
				checks = decodeJSON[struct {
					Checks map[string]string `json:"checks"`
				}](t, rec).Checks
			} else {
				p := decodeProblem(t, rec, tc.status)
				if p.Type != "https://taskstream.dev/problems/unavailable" {
					t.Errorf("type = %q", p.Type)
				}
				if strings.Contains(rec.Body.String(), "10.0.0.7") {
					t.Error("/readyz leaks the cause of a failure")
				}
				checks = p.Checks
			}
			if len(checks) != len(tc.want) {
				t.Fatalf("checks = %v, want %v", checks, tc.want)
			}
			for k, v := range tc.want {
				if checks[k] != v {
					t.Errorf("check %s = %q, want %q", k, checks[k], v)
				}
			}
		})
	}
}

// The ops handler of a worker process answers the probes and the scrape, and nothing else.
func TestOpsHandler(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	probe := prometheus.NewCounter(prometheus.CounterOpts{Name: "taskstream_probe_total", Help: "a metric of the process"})
	reg.MustRegister(probe)
	probe.Inc()
	h, err := httpport.NewOpsHandler(httpport.Config{}, httpport.Deps{
		Logger: slog.New(slog.DiscardHandler), Gatherer: reg,
		Readiness: []httpport.ReadinessCheck{{Name: "kafka", Check: func(context.Context) error { return errors.New("down") }}},
	})
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	if rec := get("/healthz"); rec.Code != http.StatusOK {
		t.Errorf("/healthz = %d", rec.Code)
	}
	if rec := get("/readyz"); rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), `"kafka":"fail"`) {
		t.Errorf("/readyz = %d %s", rec.Code, rec.Body)
	}
	if rec := get("/metrics"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "taskstream_probe_total 1") {
		t.Errorf("/metrics = %d, without the process's metric", rec.Code)
	}
	for _, path := range []string{"/v1/todos", "/openapi.json"} {
		if rec := get(path); rec.Code != http.StatusNotFound {
			t.Errorf("%s = %d, want 404 on a worker", path, rec.Code)
		}
	}
	if _, err := httpport.NewOpsHandler(httpport.Config{}, httpport.Deps{}); err == nil {
		t.Error("NewOpsHandler without a logger and gatherer succeeded")
	}
}
