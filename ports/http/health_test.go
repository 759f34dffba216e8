package httpport_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

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
