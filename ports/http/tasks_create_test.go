package httpport_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/platform/envelope"
)

func TestCreateTask(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		body string
		want taskBody // without id; created_at and updated_at are taskEpoch
	}{
		{"defaults", `{"title":"  Write report "}`,
			taskBody{Title: "Write report", Status: "todo", Priority: "medium", Version: 1}},
		{"every field", `{"title":"a","description":"b","priority":"urgent","due_at":"2026-05-01T19:00:00.5+02:00"}`,
			taskBody{Title: "a", Description: "b", Status: "todo", Priority: "urgent", DueAt: ptr("2026-05-01T17:00:00.5Z"), Version: 1}},
		{"null due_at is none", `{"title":"a","priority":"low","due_at":null}`,
			taskBody{Title: "a", Status: "todo", Priority: "low", Version: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, fixtureOptions{})
			rec := f.do(request{method: http.MethodPost, path: "/v1/tasks", user: "alice", body: tc.body})
			if rec.Code != http.StatusCreated {
				t.Fatalf("status = %d: %s", rec.Code, rec.Body)
			}
			got := decodeJSON[taskBody](t, rec)
			want := tc.want
			want.ID, want.CreatedAt, want.UpdatedAt = got.ID, at(taskEpoch), at(taskEpoch)
			if !equalTasks(got, want) {
				t.Errorf("body = %+v,\nwant   %+v", got, want)
			}
			if loc := rec.Header().Get("Location"); loc != "/v1/tasks/"+got.ID {
				t.Errorf("Location = %q", loc)
			}
			if etag := rec.Header().Get("ETag"); etag != `"1"` {
				t.Errorf("ETag = %q, want \"1\"", etag)
			}
			read := f.do(request{method: http.MethodGet, path: "/v1/tasks/" + got.ID, user: "alice"})
			if again := decodeJSON[taskBody](t, read); !equalTasks(again, got) {
				t.Errorf("GET after create = %+v, want %+v", again, got)
			}
		})
	}
}

// equalTasks compares two task bodies, due_at by value.
func equalTasks(a, b taskBody) bool {
	dueA, dueB := a.DueAt, b.DueAt
	a.DueAt, b.DueAt = nil, nil
	return a == b && (dueA == nil) == (dueB == nil) && (dueA == nil || *dueA == *dueB)
}

// The events of a task's change carry the request's correlation id and trace context.
func TestTaskCommandsPassEventMeta(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	msgs, err := f.tasks.pubsub.Subscribe(t.Context(), taskTopics.Events)
	if err != nil {
		t.Fatal(err)
	}
	const traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	headers := map[string]string{"X-Correlation-ID": "corr-1", "traceparent": traceParent}
	rec := f.do(request{method: http.MethodPost, path: "/v1/tasks", user: "alice", body: `{"title":"a"}`, headers: headers})
	id := decodeJSON[taskBody](t, rec).ID
	steps := []request{
		{method: http.MethodPatch, path: "/v1/tasks/" + id, body: `{"title":"b"}`},
		{method: http.MethodPost, path: "/v1/tasks/" + id + "/complete"},
		{method: http.MethodPost, path: "/v1/tasks/" + id + "/reopen"},
		{method: http.MethodDelete, path: "/v1/tasks/" + id},
	}
	for _, step := range steps {
		step.user, step.headers = "alice", headers
		if rec := f.do(step); rec.Code >= 300 {
			t.Fatalf("%s %s = %d: %s", step.method, step.path, rec.Code, rec.Body)
		}
	}
	for i := range len(steps) + 1 {
		msg := nextMessage(t, msgs)
		if msg.Metadata.Get(envelope.KeyCorrelationID) != "corr-1" || !inTrace(msg.Metadata.Get(envelope.KeyTraceParent), traceParent) {
			t.Errorf("event %d metadata = %v", i, msg.Metadata)
		}
	}
}

func nextMessage(t *testing.T, msgs <-chan *message.Message) *message.Message {
	t.Helper()
	select {
	case msg := <-msgs:
		msg.Ack()
		return msg
	case <-time.After(5 * time.Second):
		t.Fatal("no task event was published")
		return nil
	}
}

// A retry with the same Idempotency-Key answers 200 with the task of the first attempt and
// creates nothing; another key or another user creates another task; a deleted task's key is
// spent (409).
func TestCreateTaskIdempotencyKey(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	post := func(user, key, body string, status int) taskBody {
		t.Helper()
		rec := f.do(request{method: http.MethodPost, path: "/v1/tasks", user: user, body: body,
			headers: map[string]string{"Idempotency-Key": key}})
		if rec.Code != status {
			t.Fatalf("status = %d, want %d: %s", rec.Code, status, rec.Body)
		}
		if status >= 300 {
			return taskBody{}
		}
		got := decodeJSON[taskBody](t, rec)
		if rec.Header().Get("ETag") != got.etag() || rec.Header().Get("Location") != "/v1/tasks/"+got.ID {
			t.Errorf("ETag %q, Location %q for %+v", rec.Header().Get("ETag"), rec.Header().Get("Location"), got)
		}
		return got
	}
	first := post("alice", `"rent-2026-11"`, `{"title":"pay rent"}`, http.StatusCreated)
	retry := post("alice", "rent-2026-11", `{"title":"another body"}`, http.StatusOK)
	if retry != first {
		t.Errorf("the retry answered %+v, the first attempt %+v", retry, first)
	}
	if other := post("alice", "rent-2026-12", `{"title":"pay rent"}`, http.StatusCreated); other.ID == first.ID {
		t.Error("another key named the same task")
	}
	if bobs := post("bob", "rent-2026-11", `{"title":"pay rent"}`, http.StatusCreated); bobs.ID == first.ID {
		t.Error("another user's key named the same task")
	}
	list := decodeJSON[taskListBody](t, f.do(request{method: http.MethodGet, path: "/v1/tasks", user: "alice"}))
	if len(list.Items) != 2 {
		t.Errorf("alice has %d tasks, want 2", len(list.Items))
	}
	if rec := f.do(request{method: http.MethodDelete, path: "/v1/tasks/" + first.ID, user: "alice"}); rec.Code != http.StatusNoContent {
		t.Fatalf("delete = %d", rec.Code)
	}
	post("alice", "rent-2026-11", `{"title":"pay rent"}`, http.StatusConflict)
}

func TestCreateTaskRefusesBadRequests(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		body        string
		contentType string // application/json unless set
		key         string // Idempotency-Key, when set
		status      int
		field       string // the field the errors array must name, when set
	}{
		{name: "unknown priority", body: `{"title":"a","priority":"extreme"}`, status: 422, field: "priority"},
		{name: "empty priority", body: `{"title":"a","priority":""}`, status: 422, field: "priority"},
		{name: "priority not a string", body: `{"title":"a","priority":3}`, status: 400, field: "priority"},
		{name: "null priority", body: `{"title":"a","priority":null}`, status: 400, field: "priority"},
		{name: "null title", body: `{"title":null}`, status: 400, field: "title"},
		{name: "null description", body: `{"title":"a","description":null}`, status: 400, field: "description"},
		{name: "missing title", body: `{"description":"d"}`, status: 422, field: "title"},
		{name: "title too long", body: `{"title":"` + strings.Repeat("x", task.MaxTitleLength+1) + `"}`, status: 422, field: "title"},
		{name: "description too long", body: `{"title":"a","description":"` + strings.Repeat("x", task.MaxDescriptionLength+1) + `"}`, status: 422, field: "description"},
		{name: "due_at a date", body: `{"title":"a","due_at":"2026-05-01"}`, status: 400, field: "due_at"},
		{name: "due_at without zone", body: `{"title":"a","due_at":"2026-05-01T17:00:00"}`, status: 400, field: "due_at"},
		{name: "due_at words", body: `{"title":"a","due_at":"tomorrow"}`, status: 400, field: "due_at"},
		{name: "due_at a number", body: `{"title":"a","due_at":1767225600}`, status: 400, field: "due_at"},
		{name: "due_at too early", body: `{"title":"a","due_at":"1900-01-01T00:00:00Z"}`, status: 422, field: "due_at"},
		{name: "due_at the zero instant", body: `{"title":"a","due_at":"0001-01-01T00:00:00Z"}`, status: 422, field: "due_at"},
		{name: "unknown field", body: `{"title":"a","done":true}`, status: 400, field: "done"},
		{name: "status on create", body: `{"title":"a","status":"done"}`, status: 400, field: "status"},
		{name: "not an object", body: `["a"]`, status: 400},
		{name: "malformed JSON", body: `{"title":`, status: 400},
		{name: "text content type", body: `{"title":"a"}`, contentType: "text/plain", status: 415},
		{name: "merge patch content type", body: `{"title":"a"}`, contentType: "application/merge-patch+json", status: 415},
		{name: "empty idempotency key", body: `{"title":"a"}`, key: `""`, status: 400, field: "Idempotency-Key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, fixtureOptions{})
			headers := map[string]string{}
			if tc.contentType != "" {
				headers["Content-Type"] = tc.contentType
			}
			if tc.key != "" {
				headers["Idempotency-Key"] = tc.key
			}
			rec := f.do(request{method: http.MethodPost, path: "/v1/tasks", user: "alice", body: tc.body, headers: headers})
			p := decodeProblem(t, rec, tc.status)
			if p.Instance != "/v1/tasks" || p.RequestID == "" {
				t.Errorf("problem instance/request_id = %q/%q", p.Instance, p.RequestID)
			}
			if tc.field != "" && (len(p.Errors) != 1 || p.Errors[0].Field != tc.field || p.Errors[0].Message == "") {
				t.Errorf("errors = %+v, want one about %q", p.Errors, tc.field)
			}
			if rec.Header().Get("Location") != "" || rec.Header().Get("ETag") != "" {
				t.Error("a refused create has a Location or an ETag")
			}
			page, err := f.tasks.store.List(t.Context(), task.ListQuery{UserID: "alice", Limit: 10})
			if err != nil || len(page.Items) != 0 {
				t.Errorf("a refused create stored %d tasks (%v)", len(page.Items), err)
			}
		})
	}
}
