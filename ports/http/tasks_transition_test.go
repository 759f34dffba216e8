package httpport_test

import (
	"net/http"
	"testing"
)

// complete and reopen move the task and answer it with its new ETag; the domain refuses to
// complete a done task and to reopen one that is not done (409), changing nothing.
func TestCompleteAndReopenTask(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	id := f.createTask("alice", `{"title":"a"}`).ID
	steps := []struct {
		action  string
		status  int
		want    string // the task's status after the step
		version int64
	}{
		{"reopen", http.StatusConflict, "todo", 1},
		{"complete", http.StatusOK, "done", 2},
		{"complete", http.StatusConflict, "done", 2},
		{"reopen", http.StatusOK, "todo", 3},
		{"reopen", http.StatusConflict, "todo", 3},
		{"complete", http.StatusOK, "done", 4},
	}
	for i, step := range steps { // in order: each step acts on the task the one before left
		rec := f.do(request{method: http.MethodPost, path: "/v1/tasks/" + id + "/" + step.action, user: "alice"})
		if step.status == http.StatusOK {
			got := decodeJSON[taskBody](t, rec)
			if rec.Code != http.StatusOK || got.Status != step.want || got.Version != step.version || rec.Header().Get("ETag") != got.etag() {
				t.Errorf("step %d %s: %d %+v, ETag %q", i, step.action, rec.Code, got, rec.Header().Get("ETag"))
			}
		} else {
			p := decodeProblem(t, rec, step.status)
			if p.Type != "https://taskstream.dev/problems/conflict" || p.Detail == "" {
				t.Errorf("step %d %s: problem %+v", i, step.action, p)
			}
		}
		got := decodeJSON[taskBody](t, f.do(request{method: http.MethodGet, path: "/v1/tasks/" + id, user: "alice"}))
		if got.Status != step.want || got.Version != step.version {
			t.Errorf("step %d %s: the task is %s at version %d, want %s at %d", i, step.action, got.Status, got.Version, step.want, step.version)
		}
	}
}

func TestTransitionsOfUnknownTasksAre404(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	for _, path := range []string{
		"/v1/tasks/0190a8e2-7b1c-7cde-8f00-000000000000/complete",
		"/v1/tasks/0190a8e2-7b1c-7cde-8f00-000000000000/reopen",
		"/v1/tasks/not-a-uuid/complete",
		"/v1/tasks/not-a-uuid/reopen",
	} {
		decodeProblem(t, f.do(request{method: http.MethodPost, path: path, user: "alice"}), http.StatusNotFound)
	}
}

// After a delete the task is gone for every route (404), and deleting it again is a 404 too.
func TestDeleteTask(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	id := f.createTask("alice", `{"title":"a"}`).ID
	path := "/v1/tasks/" + id
	rec := f.do(request{method: http.MethodDelete, path: path, user: "alice"})
	if rec.Code != http.StatusNoContent || rec.Body.Len() != 0 {
		t.Fatalf("DELETE = %d %q", rec.Code, rec.Body)
	}
	cases := []request{
		{method: http.MethodGet, path: path},
		{method: http.MethodDelete, path: path},
		{method: http.MethodPatch, path: path, body: `{"title":"back"}`},
		{method: http.MethodPost, path: path + "/complete"},
		{method: http.MethodPost, path: path + "/reopen"},
		{method: http.MethodDelete, path: "/v1/tasks/nope"},
	}
	for _, req := range cases {
		req.user = "alice"
		decodeProblem(t, f.do(req), http.StatusNotFound)
	}
	list := decodeJSON[taskListBody](t, f.do(request{method: http.MethodGet, path: "/v1/tasks", user: "alice"}))
	if len(list.Items) != 0 {
		t.Errorf("the deleted task is listed: %+v", list.Items)
	}
}
