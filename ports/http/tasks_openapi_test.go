package httpport_test

import (
	"net/http"
	"net/url"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/domain/task"
)

// taskOpenAPICases are TestResponsesMatchOpenAPI's requests to the task routes: every operation
// with its success and its documented failures. It prepares the tasks they need in f; a case
// that changes a task has it to itself, so the cases may run in any order.
func taskOpenAPICases(f *fixture) []openAPICase {
	newTask := func() string { return f.createTask("alice", `{"title":"a","due_at":"2026-06-01T12:00:00Z"}`).ID }
	doneTask := func() string {
		id := newTask()
		f.do(request{method: http.MethodPost, path: "/v1/tasks/" + id + "/complete", user: "alice"})
		return id
	}
	post := func(path, body string, headers map[string]string) request {
		return request{method: http.MethodPost, path: path, user: "alice", body: body, headers: headers}
	}
	on := func(method, id, suffix, body string, headers map[string]string) request {
		return request{method: method, path: "/v1/tasks/" + id + suffix, user: "alice", body: body, headers: headers}
	}
	ifMatch := func(etag string) map[string]string { return map[string]string{"If-Match": etag} }
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }

	f.do(post("/v1/tasks", `{"title":"once"}`, key("t-1")))
	spent := f.do(post("/v1/tasks", `{"title":"spent"}`, key("t-spent"))).Header().Get("Location")
	f.do(request{method: http.MethodDelete, path: spent, user: "alice"})
	read, patched, history := newTask(), newTask(), newTask()
	f.record(uuid.NewString(), task.ActionCreated, f.storedTask("alice", history))
	notFound := uuid.NewString()
	const list, one = "/v1/tasks", "/v1/tasks/{id}"
	return []openAPICase{
		{"task create 201", list, post(list, `{"title":"a","description":"b","priority":"high","due_at":"2026-06-01T12:00:00+02:00"}`, key("t-2")), http.StatusCreated, true},
		{"task create 200 for a retried key", list, post(list, `{"title":"once"}`, key("t-1")), http.StatusOK, true},
		{"task create 400", list, post(list, `{"title":"a","x":1}`, nil), http.StatusBadRequest, false},
		{"task create 409 for a spent key", list, post(list, `{"title":"spent"}`, key("t-spent")), http.StatusConflict, true},
		{"task create 415", list, post(list, `{"title":"a"}`, map[string]string{"Content-Type": "text/plain"}), http.StatusUnsupportedMediaType, false},
		{"task create 422", list, post(list, `{"title":"a","priority":"extreme"}`, nil), http.StatusUnprocessableEntity, false},
		{"task list 200", list, request{method: http.MethodGet, user: "alice",
			path: list + "?status=todo&priority=medium&limit=2&due_before=" + url.QueryEscape("2027-01-01T00:00:00Z")}, http.StatusOK, true},
		{"task list 400", list, request{method: http.MethodGet, path: list + "?status=closed", user: "alice"}, http.StatusBadRequest, false},
		{"task get 200", one, on(http.MethodGet, read, "", "", nil), http.StatusOK, true},
		{"task get 304", one, on(http.MethodGet, read, "", "", map[string]string{"If-None-Match": `"1"`}), http.StatusNotModified, true},
		{"task get 404", one, on(http.MethodGet, notFound, "", "", nil), http.StatusNotFound, true},
		{"task patch 200", one, on(http.MethodPatch, patched, "", `{"description":null,"due_at":null,"status":"in_progress"}`,
			map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": `"1"`}), http.StatusOK, true},
		{"task patch 400", one, on(http.MethodPatch, patched, "", `{}`, nil), http.StatusBadRequest, false},
		{"task patch 404", one, on(http.MethodPatch, notFound, "", `{"title":"b"}`, nil), http.StatusNotFound, true},
		{"task patch 412", one, on(http.MethodPatch, read, "", `{"title":"b"}`, ifMatch(`"7"`)), http.StatusPreconditionFailed, true},
		{"task patch 415", one, on(http.MethodPatch, patched, "", `{"title":"b"}`, map[string]string{"Content-Type": "text/plain"}),
			http.StatusUnsupportedMediaType, false},
		{"task patch 422", one, on(http.MethodPatch, patched, "", `{"title":null}`, nil), http.StatusUnprocessableEntity, false},
		{"task delete 204", one, on(http.MethodDelete, newTask(), "", "", ifMatch(`"1"`)), http.StatusNoContent, true},
		{"task delete 400", one, on(http.MethodDelete, read, "", "", ifMatch(`1`)), http.StatusBadRequest, false}, // the document's pattern refuses it too
		{"task delete 404", one, on(http.MethodDelete, notFound, "", "", nil), http.StatusNotFound, true},
		{"task delete 412", one, on(http.MethodDelete, read, "", "", ifMatch(`"7"`)), http.StatusPreconditionFailed, true},
		{"task complete 200", one + "/complete", on(http.MethodPost, newTask(), "/complete", "", ifMatch(`"1"`)), http.StatusOK, true},
		{"task complete 409", one + "/complete", on(http.MethodPost, doneTask(), "/complete", "", nil), http.StatusConflict, true},
		{"task complete 412", one + "/complete", on(http.MethodPost, read, "/complete", "", ifMatch(`W/"1"`)), http.StatusPreconditionFailed, true},
		{"task reopen 200", one + "/reopen", on(http.MethodPost, doneTask(), "/reopen", "", ifMatch(`*`)), http.StatusOK, true},
		{"task reopen 409", one + "/reopen", on(http.MethodPost, read, "/reopen", "", nil), http.StatusConflict, true},
		{"task reopen 404", one + "/reopen", on(http.MethodPost, notFound, "/reopen", "", nil), http.StatusNotFound, true},
		{"task history 200", one + "/history", on(http.MethodGet, history, "/history", "", nil), http.StatusOK, true},
		{"task history 404", one + "/history", on(http.MethodGet, read, "/history", "", nil), http.StatusNotFound, true},
	}
}
