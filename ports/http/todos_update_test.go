package httpport_test

import (
	"net/http"
	"testing"
)

func TestUpdateTodo(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	td := f.seed("alice", 1, seedBase)[0]
	rec := f.do(request{method: http.MethodPatch, path: "/v1/todos/" + td.ID(), user: "alice",
		body: `{"title":"renamed","completed":true}`})
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d: %s", rec.Code, rec.Body)
	}
	got := decodeJSON[todoBody](t, rec)
	if got.Title != "renamed" || !got.Completed || got.Description != td.Description() || got.UpdatedAt == got.CreatedAt {
		t.Errorf("after PATCH: %+v", got)
	}
	again := decodeJSON[todoBody](t, f.do(request{method: http.MethodGet, path: "/v1/todos/" + td.ID(), user: "alice"}))
	if again != got {
		t.Errorf("GET after PATCH = %+v, want %+v", again, got)
	}
}

// PATCH is a JSON merge patch (RFC 7396) under application/json and
// application/merge-patch+json alike: absent fields stay, a null description clears it.
func TestUpdateTodoIsAMergePatch(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	td := f.seed("alice", 1, seedBase)[0]
	rec := f.do(request{method: http.MethodPatch, path: "/v1/todos/" + td.ID(), user: "alice", body: `{"description":"to clear"}`})
	if rec.Code != http.StatusOK {
		t.Fatalf("setting a description: %d %s", rec.Code, rec.Body)
	}
	rec = f.do(request{method: http.MethodPatch, path: "/v1/todos/" + td.ID(), user: "alice",
		body: `{"description":null}`, headers: map[string]string{"Content-Type": "application/merge-patch+json"}})
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d: %s", rec.Code, rec.Body)
	}
	got := decodeJSON[todoBody](t, rec)
	if got.Description != "" || got.Title != td.Title() || got.Completed != td.Completed() {
		t.Errorf("after a null description: %+v, want it cleared and the rest unchanged", got)
	}
	rec = f.do(request{method: http.MethodPatch, path: "/v1/todos/" + td.ID(), user: "alice", body: `{"description":"back"}`})
	if got := decodeJSON[todoBody](t, rec); rec.Code != http.StatusOK || got.Description != "back" {
		t.Errorf("application/json patch: %d %+v", rec.Code, got)
	}
}

func TestUpdateTodoRefusesBadRequests(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	td := f.seed("alice", 1, seedBase)[0]
	cases := []struct {
		name   string
		id     string
		body   string
		status int
		field  string
		// contentType is application/json unless set.
		contentType string
	}{
		{name: "empty object", body: `{}`, status: 400},
		{name: "null title", body: `{"title":null}`, status: 400, field: "title"},
		{name: "null completed", body: `{"completed":null}`, status: 400, field: "completed"},
		{name: "completed not a boolean", body: `{"completed":"yes"}`, status: 400, field: "completed"},
		{name: "unknown field", body: `{"done":true}`, status: 400, field: "done"},
		{name: "empty title", body: `{"title":""}`, status: 422, field: "title"},
		{name: "not a UUID", id: "abc", body: `{"title":"a"}`, status: 404},
		{name: "JSON Patch", body: `[{"op":"replace","path":"/title","value":"a"}]`, contentType: "application/json-patch+json", status: 415},
		{name: "null body", body: `null`, status: 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			id := tc.id
			if id == "" {
				id = td.ID()
			}
			var headers map[string]string
			if tc.contentType != "" {
				headers = map[string]string{"Content-Type": tc.contentType}
			}
			p := decodeProblem(t, f.do(request{method: http.MethodPatch, path: "/v1/todos/" + id, user: "alice", body: tc.body, headers: headers}), tc.status)
			if tc.field != "" && (len(p.Errors) != 1 || p.Errors[0].Field != tc.field) {
				t.Errorf("errors = %+v, want one about %q", p.Errors, tc.field)
			}
		})
	}
	got := decodeJSON[todoBody](t, f.do(request{method: http.MethodGet, path: "/v1/todos/" + td.ID(), user: "alice"}))
	if got.Title != td.Title() || got.Completed != td.Completed() {
		t.Errorf("a refused PATCH changed the to-do: %+v", got)
	}
}

func TestDeleteTodo(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	td := f.seed("alice", 1, seedBase)[0]
	path := "/v1/todos/" + td.ID()
	rec := f.do(request{method: http.MethodDelete, path: path, user: "alice"})
	if rec.Code != http.StatusNoContent || rec.Body.Len() != 0 {
		t.Fatalf("DELETE = %d %q", rec.Code, rec.Body)
	}
	decodeProblem(t, f.do(request{method: http.MethodGet, path: path, user: "alice"}), http.StatusNotFound)
	decodeProblem(t, f.do(request{method: http.MethodDelete, path: path, user: "alice"}), http.StatusNotFound)
	decodeProblem(t, f.do(request{method: http.MethodDelete, path: "/v1/todos/nope", user: "alice"}), http.StatusNotFound)
}
