package httpport_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
)

func TestRequestIDIsTakenOrMade(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	cases := []struct {
		name   string
		given  string
		echoed bool
	}{
		{"sane", "req-123_abc", true},
		{"128 characters", strings.Repeat("a", 128), true},
		{"absent", "", false},
		{"too long", strings.Repeat("a", 129), false},
		{"with a space", "a b", false},
		{"not ASCII", "ré", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := f.do(request{method: http.MethodGet, path: "/v1/todos/x", user: "alice",
				headers: map[string]string{"X-Request-ID": tc.given}})
			got := rec.Header().Get("X-Request-ID")
			if tc.echoed && got != tc.given {
				t.Errorf("X-Request-ID = %q, want %q echoed", got, tc.given)
			}
			if !tc.echoed {
				if _, err := uuid.Parse(got); err != nil {
					t.Errorf("X-Request-ID = %q, want a new UUID", got)
				}
			}
			if p := decodeProblem(t, rec, http.StatusNotFound); p.RequestID != got {
				t.Errorf("problem request_id = %q, header %q", p.RequestID, got)
			}
		})
	}
}

func TestAccessLogLine(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	td := f.seed("alice", 1, seedBase)[0]
	f.do(request{method: http.MethodGet, path: "/v1/todos/" + td.ID(), user: "alice",
		headers: map[string]string{"X-Request-ID": "log-me", "X-Correlation-ID": "corr-9"}})
	var line map[string]any
	sc := bufio.NewScanner(strings.NewReader(f.logs.String()))
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil && m["msg"] == "http request" {
			line = m
		}
	}
	if line == nil {
		t.Fatalf("no access log line in %s", f.logs)
	}
	want := map[string]any{"method": "GET", "route": "/v1/todos/:id", "status": float64(200),
		"request_id": "log-me", "correlation_id": "corr-9", "user": "alice", "level": "DEBUG"}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("log %s = %v, want %v", k, line[k], v)
		}
	}
	if _, ok := line["duration"]; !ok {
		t.Error("log line has no duration")
	}
	if strings.Contains(f.logs.String(), td.ID()) {
		t.Error("the log carries the raw path")
	}
}

// Answered requests are logged at debug, client errors at info and server errors at error, so
// that LOG_LEVEL=info keeps the lines that need a look.
func TestAccessLogLevelFollowsStatus(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		opts  fixtureOptions
		req   request
		level string
	}{
		{"202", fixtureOptions{}, request{method: http.MethodPost, path: "/v1/todos", user: "alice", body: `{"title":"t"}`}, "DEBUG"},
		{"404", fixtureOptions{}, request{method: http.MethodGet, path: "/v1/todos/x", user: "alice"}, "INFO"},
		{"503", fixtureOptions{failingBroker: true}, request{method: http.MethodPost, path: "/v1/todos", user: "alice", body: `{"title":"t"}`}, "ERROR"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, tc.opts)
			f.do(tc.req)
			sc := bufio.NewScanner(strings.NewReader(f.logs.String()))
			found := false
			for sc.Scan() {
				var m map[string]any
				if json.Unmarshal(sc.Bytes(), &m) == nil && m["msg"] == "http request" {
					found = true
					if m["level"] != tc.level || m["status"] != float64(mustAtoi(t, tc.name)) {
						t.Errorf("access log level %v status %v, want %s for %s", m["level"], m["status"], tc.level, tc.name)
					}
				}
			}
			if !found {
				t.Fatalf("no access log line in %s", f.logs)
			}
		})
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestUnknownRoutesAndMethodsAreProblems(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	cases := []struct {
		name   string
		method string
		path   string
		status int
		slug   string
	}{
		{"unknown path", http.MethodGet, "/v2/todos", http.StatusNotFound, "not-found"},
		{"trailing slash", http.MethodGet, "/v1/todos/", http.StatusNotFound, "not-found"},
		{"wrong method", http.MethodPut, "/v1/todos", http.StatusMethodNotAllowed, "method-not-allowed"},
		{"wrong method on a to-do", http.MethodPost, "/v1/todos/0190a8e2-7b1c-7cde-8f00-000000000000", http.StatusMethodNotAllowed, "method-not-allowed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := f.do(request{method: tc.method, path: tc.path, user: "alice"})
			p := decodeProblem(t, rec, tc.status)
			if p.Type != "https://taskstream.dev/problems/"+tc.slug || p.Instance != tc.path {
				t.Errorf("problem = %+v", p)
			}
			if tc.status == http.StatusMethodNotAllowed && rec.Header().Get("Allow") == "" {
				t.Error("405 without Allow")
			}
		})
	}
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	td := f.seed("alice", 1, seedBase)[0]
	f.do(request{method: http.MethodGet, path: "/v1/todos/" + td.ID(), user: "alice"})
	f.do(request{method: http.MethodGet, path: "/nowhere/" + td.ID()})
	rec := f.do(request{method: http.MethodGet, path: "/metrics"})
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics = %d", rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{
		`http_requests_total{method="GET",route="/v1/todos/:id",status="200"} 1`,
		`http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`http_request_duration_seconds_bucket{method="GET",route="/v1/todos/:id",le="+Inf"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, td.ID()) {
		t.Error("a metric label carries a raw path")
	}
}
