package httpport_test

import (
	"net/http"
	"testing"
	"time"
)

// PATCH is a JSON merge patch (RFC 7396) under application/json and
// application/merge-patch+json alike: absent fields stay, a null description clears it, a null
// due_at removes the due time. Each change moves the task one version on; a patch that changes
// nothing does not.
func TestUpdateTaskIsAMergePatch(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	created := f.createTask("alice", `{"title":"start","description":"first","priority":"low"}`) // at taskEpoch
	tick := func(n int) string { return at(taskEpoch.Add(time.Duration(n) * time.Second)) }
	steps := []struct {
		name        string
		body        string
		contentType string
		want        taskBody // the task after the step; id and created_at are the created task's
	}{
		{"title only", `{"title":"renamed"}`, "",
			taskBody{Title: "renamed", Description: "first", Status: "todo", Priority: "low", UpdatedAt: tick(1), Version: 2}},
		{"due time and priority", `{"due_at":"2026-06-01T08:00:00-04:00","priority":"high"}`, "application/merge-patch+json",
			taskBody{Title: "renamed", Description: "first", Status: "todo", Priority: "high", DueAt: ptr("2026-06-01T12:00:00Z"), UpdatedAt: tick(2), Version: 3}},
		{"null description clears it", `{"description":null}`, "application/merge-patch+json",
			taskBody{Title: "renamed", Status: "todo", Priority: "high", DueAt: ptr("2026-06-01T12:00:00Z"), UpdatedAt: tick(3), Version: 4}},
		{"status in progress", `{"status":"in_progress"}`, "",
			taskBody{Title: "renamed", Status: "in_progress", Priority: "high", DueAt: ptr("2026-06-01T12:00:00Z"), UpdatedAt: tick(4), Version: 5}},
		{"null due_at removes it", `{"due_at":null,"description":"back"}`, "",
			taskBody{Title: "renamed", Description: "back", Status: "in_progress", Priority: "high", UpdatedAt: tick(5), Version: 6}},
		{"status done", `{"status":"done"}`, "",
			taskBody{Title: "renamed", Description: "back", Status: "done", Priority: "high", UpdatedAt: tick(6), Version: 7}},
		{"the same values change nothing", `{"title":"renamed","status":"done","due_at":null}`, "",
			taskBody{Title: "renamed", Description: "back", Status: "done", Priority: "high", UpdatedAt: tick(6), Version: 7}},
		{"status todo reopens", `{"status":"todo"}`, "application/merge-patch+json",
			taskBody{Title: "renamed", Description: "back", Status: "todo", Priority: "high", Version: 8}}, // updated_at: later
	}
	path := "/v1/tasks/" + created.ID
	prev := created
	for _, step := range steps { // in order: each step patches the task the one before left
		var headers map[string]string
		if step.contentType != "" {
			headers = map[string]string{"Content-Type": step.contentType}
		}
		rec := f.do(request{method: http.MethodPatch, path: path, user: "alice", body: step.body, headers: headers})
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status = %d: %s", step.name, rec.Code, rec.Body)
		}
		got := decodeJSON[taskBody](t, rec)
		want := step.want
		want.ID, want.CreatedAt = created.ID, created.CreatedAt
		if want.UpdatedAt == "" && got.UpdatedAt > prev.UpdatedAt {
			want.UpdatedAt = got.UpdatedAt
		}
		prev = got
		if !equalTasks(got, want) {
			t.Errorf("%s:\n got %+v,\nwant %+v", step.name, got, want)
		}
		if rec.Header().Get("ETag") != want.etag() {
			t.Errorf("%s: ETag = %q, want %q", step.name, rec.Header().Get("ETag"), want.etag())
		}
		if again := decodeJSON[taskBody](t, f.do(request{method: http.MethodGet, path: path, user: "alice"})); !equalTasks(again, got) {
			t.Errorf("%s: GET after PATCH = %+v", step.name, again)
		}
	}
}

func TestUpdateTaskRefusesBadRequests(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	before := f.createTask("alice", `{"title":"keep me","priority":"high","due_at":"2026-06-01T12:00:00Z"}`)
	cases := []struct {
		name        string
		id          string
		body        string
		contentType string // application/json unless set
		status      int
		field       string
	}{
		{name: "null title", body: `{"title":null}`, status: 422, field: "title"},
		{name: "null status", body: `{"status":null}`, status: 422, field: "status"},
		{name: "null priority", body: `{"priority":null}`, status: 422, field: "priority"},
		{name: "empty title", body: `{"title":"  "}`, status: 422, field: "title"},
		{name: "unknown status", body: `{"status":"finished"}`, status: 422, field: "status"},
		{name: "unknown priority", body: `{"priority":"extreme"}`, status: 422, field: "priority"},
		{name: "a bad field spoils the rest", body: `{"title":"changed","priority":"extreme"}`, status: 422, field: "priority"},
		{name: "due_at not RFC 3339", body: `{"due_at":"01/06/2026"}`, status: 400, field: "due_at"},
		{name: "due_at too late", body: `{"due_at":"9999-12-31T23:00:00-02:00"}`, status: 422, field: "due_at"},
		{name: "status not a string", body: `{"status":true}`, status: 400, field: "status"},
		{name: "empty patch", body: `{}`, status: 400},
		{name: "unknown field", body: `{"completed":true}`, status: 400, field: "completed"},
		{name: "read-only field", body: `{"version":3}`, status: 400, field: "version"},
		{name: "null body", body: `null`, status: 400},
		{name: "JSON Patch", body: `[{"op":"replace","path":"/title","value":"a"}]`, contentType: "application/json-patch+json", status: 415},
		{name: "text", body: `{"title":"a"}`, contentType: "text/plain", status: 415},
		{name: "not a UUID", id: "abc", body: `{"title":"a"}`, status: 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			id := tc.id
			if id == "" {
				id = before.ID
			}
			var headers map[string]string
			if tc.contentType != "" {
				headers = map[string]string{"Content-Type": tc.contentType}
			}
			rec := f.do(request{method: http.MethodPatch, path: "/v1/tasks/" + id, user: "alice", body: tc.body, headers: headers})
			p := decodeProblem(t, rec, tc.status)
			if tc.field != "" && (len(p.Errors) != 1 || p.Errors[0].Field != tc.field) {
				t.Errorf("errors = %+v, want one about %q", p.Errors, tc.field)
			}
		})
	}
	t.Cleanup(func() {
		after := decodeJSON[taskBody](t, f.do(request{method: http.MethodGet, path: "/v1/tasks/" + before.ID, user: "alice"}))
		if !equalTasks(after, before) {
			t.Errorf("a refused PATCH changed the task: %+v, was %+v", after, before)
		}
	})
}
