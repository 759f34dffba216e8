package httpport_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/taskstream/taskstream/application"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/application/decorator"
	httpport "github.com/taskstream/taskstream/ports/http"
)

func TestCreateTodoRefusesBadRequests(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		body        string
		contentType string
		status      int
		field       string // the field the errors array must name, when set
		key         string // Idempotency-Key, when set
	}{
		{name: "empty idempotency key", body: `{"title":"a"}`, key: `""`, status: 400, field: "Idempotency-Key"},
		{name: "idempotency key too long", body: `{"title":"a"}`, key: strings.Repeat("k", 256), status: 400, field: "Idempotency-Key"},
		{name: "idempotency key not ASCII", body: `{"title":"a"}`, key: "clé", status: 400, field: "Idempotency-Key"},
		{name: "unknown field", body: `{"title":"a","priority":1}`, status: 400, field: "priority"},
		{name: "empty title", body: `{"title":"   "}`, status: 422, field: "title"},
		{name: "missing title", body: `{"description":"d"}`, status: 422, field: "title"},
		{name: "title too long", body: `{"title":"` + strings.Repeat("é", 201) + `"}`, status: 422, field: "title"},
		{name: "description too long", body: `{"title":"a","description":"` + strings.Repeat("x", 2001) + `"}`, status: 422, field: "description"},
		{name: "control character", body: `{"title":"a\u0007b"}`, status: 422, field: "title"},
		{name: "title not a string", body: `{"title":5}`, status: 400, field: "title"},
		{name: "not an object", body: `["a"]`, status: 400},
		{name: "null body", body: `null`, status: 400},
		{name: "string body", body: ` "a"`, status: 400},
		{name: "null title", body: `{"title":null}`, status: 400, field: "title"},
		{name: "null description", body: `{"title":"a","description":null}`, status: 400, field: "description"},
		{name: "problem content type", body: `{"title":"a"}`, contentType: "application/problem+json", status: 415},
		{name: "merge patch content type", body: `{"title":"a"}`, contentType: "application/merge-patch+json", status: 415},
		{name: "malformed JSON", body: `{"title":`, status: 400},
		{name: "trailing garbage", body: `{"title":"a"} x`, status: 400},
		{name: "two values", body: `{"title":"a"}{"title":"b"}`, status: 400},
		{name: "empty body", body: ``, status: 400},
		{name: "wrong content type", body: `{"title":"a"}`, contentType: "text/plain", status: 415},
		{name: "form content type", body: `title=a`, contentType: "application/x-www-form-urlencoded", status: 415},
		{name: "body too large", body: `{"title":"a","description":"` + strings.Repeat("x", 1<<20) + `"}`, status: 413},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, fixtureOptions{})
			ct := tc.contentType
			if ct == "" {
				ct = "application/json"
			}
			headers := map[string]string{"Content-Type": ct}
			if tc.key != "" {
				headers["Idempotency-Key"] = tc.key
			}
			rec := f.do(request{method: http.MethodPost, path: "/v1/todos", user: "alice", body: tc.body, headers: headers})
			p := decodeProblem(t, rec, tc.status)
			if p.Instance != "/v1/todos" || p.RequestID == "" {
				t.Errorf("problem instance/request_id = %q/%q", p.Instance, p.RequestID)
			}
			if tc.field != "" && (len(p.Errors) != 1 || p.Errors[0].Field != tc.field || p.Errors[0].Message == "") {
				t.Errorf("errors = %+v, want one about %q", p.Errors, tc.field)
			}
			if n := len(f.events.published()); n != 0 {
				t.Errorf("%d events published for a refused request", n)
			}
		})
	}
}

func TestCreateTodoBodyTooLargeWithoutContentLength(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{cfg: httpport.Config{MaxBodyBytes: 64}})
	req := httptest.NewRequest(http.MethodPost, "/v1/todos", strings.NewReader(`{"title":"`+strings.Repeat("x", 100)+`"}`))
	req.ContentLength = -1 // as a chunked request: the limit is found while reading
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token(t, "alice"))
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	p := decodeProblem(t, rec, http.StatusRequestEntityTooLarge)
	if p.Type != "https://taskstream.dev/problems/payload-too-large" {
		t.Errorf("type = %q", p.Type)
	}
	if n := len(f.events.published()); n != 0 {
		t.Errorf("%d events published", n)
	}
}

func TestCreateTodoAccepts(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	const traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	rec := f.do(request{method: http.MethodPost, path: "/v1/todos", user: "alice",
		body:    `{"title":"  Buy milk ","description":"two litres"}`,
		headers: map[string]string{"X-Correlation-ID": "corr-1", "traceparent": traceParent}})
	if rec.Code != http.StatusAccepted {
		t.Fatalf("status = %d: %s", rec.Code, rec.Body)
	}
	body := decodeJSON[todoBody](t, rec)
	if body.ID == "" || body.Status != "accepted" || body.Title != "Buy milk" || body.Description != "two litres" || body.Completed {
		t.Errorf("body = %+v", body)
	}
	if loc := rec.Header().Get("Location"); loc != "/v1/todos/"+body.ID {
		t.Errorf("Location = %q, want /v1/todos/%s", loc, body.ID)
	}
	events := f.events.published()
	if len(events) != 1 {
		t.Fatalf("%d events published, want 1", len(events))
	}
	e := events[0]
	if e.todo.ID() != body.ID || e.todo.UserID() != "alice" || e.todo.Title() != "Buy milk" {
		t.Errorf("event to-do = %s/%s/%q", e.todo.ID(), e.todo.UserID(), e.todo.Title())
	}
	if e.meta.CorrelationID != "corr-1" || !inTrace(e.meta.TraceParent, traceParent) {
		t.Errorf("event meta = %+v", e.meta)
	}
}

// A retry with the same Idempotency-Key names the same to-do (quoted as the IETF draft writes
// it, or bare); another key, another user or no key name another.
func TestCreateTodoIdempotencyKeyNamesTheTodo(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	post := func(user, key string) string {
		t.Helper()
		headers := map[string]string{}
		if key != "" {
			headers["Idempotency-Key"] = key
		}
		rec := f.do(request{method: http.MethodPost, path: "/v1/todos", user: user, body: `{"title":"pay rent"}`, headers: headers})
		if rec.Code != http.StatusAccepted {
			t.Fatalf("status = %d: %s", rec.Code, rec.Body)
		}
		return decodeJSON[todoBody](t, rec).ID
	}
	first := post("alice", `"rent-2026-11"`)
	if again := post("alice", "rent-2026-11"); again != first {
		t.Errorf("the retry got id %s, the first attempt %s", again, first)
	}
	for name, id := range map[string]string{
		"another key":  post("alice", "rent-2026-12"),
		"another user": post("bob", "rent-2026-11"),
		"no key":       post("alice", ""),
	} {
		if id == first {
			t.Errorf("%s got the same id %s", name, id)
		}
	}
}

func TestCreateTodoCorrelationDefaultsToRequestID(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	rec := f.do(request{method: http.MethodPost, path: "/v1/todos", user: "alice", body: `{"title":"a"}`,
		headers: map[string]string{"traceparent": "00-00000000000000000000000000000000-00f067aa0ba902b7-01"}})
	if rec.Code != http.StatusAccepted {
		t.Fatalf("status = %d: %s", rec.Code, rec.Body)
	}
	reqID := rec.Header().Get("X-Request-ID")
	e := f.events.published()[0]
	if reqID == "" || e.meta.CorrelationID != reqID || rec.Header().Get("X-Correlation-ID") != reqID {
		t.Errorf("correlation id = %q, request id = %q", e.meta.CorrelationID, reqID)
	}
	// Tracing off, the event carries no trace context; on (a test of the package records spans),
	// the request's own new trace; never the invalid one.
	if strings.Contains(e.meta.TraceParent, "00000000000000000000000000000000") || strings.Contains(e.meta.TraceParent, "00f067aa0ba902b7") {
		t.Errorf("an invalid traceparent was passed on: %q", e.meta.TraceParent)
	}
}

func TestCreateTodoBrokerDownIs503(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{failingBroker: true})
	rec := f.do(request{method: http.MethodPost, path: "/v1/todos", user: "alice", body: `{"title":"a"}`})
	p := decodeProblem(t, rec, http.StatusServiceUnavailable)
	if p.Type != "https://taskstream.dev/problems/unavailable" || rec.Header().Get("Retry-After") != "1" {
		t.Errorf("type = %q, Retry-After = %q", p.Type, rec.Header().Get("Retry-After"))
	}
	if strings.Contains(rec.Body.String(), "broker down") {
		t.Errorf("the problem leaks the cause: %s", rec.Body)
	}
	if rec.Header().Get("Location") != "" {
		t.Error("a refused to-do has a Location")
	}
}

// panicking is a CreateTodo use case that panics.
type panicking struct{}

func (panicking) Handle(_ context.Context, _ command.CreateTodo) (command.CreatedTodo, error) {
	panic("boom")
}

// failing is a CreateTodo use case that fails with an internal error.
type failing struct{}

func (failing) Handle(_ context.Context, _ command.CreateTodo) (command.CreatedTodo, error) {
	return command.CreatedTodo{}, errors.New("pq: password authentication failed for user secret")
}

func TestInternalErrorsAre500WithoutDetails(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		handler command.CreateTodoHandler
	}{
		{"panic", panicking{}},
		{"error", decorator.Apply[command.CreateTodo, command.CreatedTodo]("CreateTodo", failing{}, discardLogger(), decorator.NopMetrics{})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, fixtureOptions{app: func(a *application.Application) { a.Commands.CreateTodo = tc.handler }})
			rec := f.do(request{method: http.MethodPost, path: "/v1/todos", user: "alice", body: `{"title":"a"}`})
			p := decodeProblem(t, rec, http.StatusInternalServerError)
			if p.Type != "https://taskstream.dev/problems/internal" || strings.Contains(rec.Body.String(), "boom") ||
				strings.Contains(rec.Body.String(), "secret") {
				t.Errorf("problem = %s", rec.Body)
			}
			if !strings.Contains(f.logs.String(), p.RequestID) {
				t.Error("the internal error was not logged with the request id")
			}
		})
	}
}
