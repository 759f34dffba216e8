package httpport_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Every change takes an optional If-Match: the task's ETag ("N", strong) or *. A stale tag is a
// 412 and changes nothing; a weak tag never matches (strong comparison, RFC 9110); anything
// that is not a single entity tag this API sends is a 400.
func TestTaskChangesHonourIfMatch(t *testing.T) {
	t.Parallel()
	changes := []struct {
		name      string
		req       func(id string) request
		success   int
		done      bool // the change needs a done task (reopen)
		deletesIt bool
	}{
		{name: "patch", success: http.StatusOK, req: func(id string) request {
			return request{method: http.MethodPatch, path: "/v1/tasks/" + id, body: `{"title":"changed"}`}
		}},
		{name: "complete", success: http.StatusOK, req: func(id string) request {
			return request{method: http.MethodPost, path: "/v1/tasks/" + id + "/complete"}
		}},
		{name: "reopen", success: http.StatusOK, done: true, req: func(id string) request {
			return request{method: http.MethodPost, path: "/v1/tasks/" + id + "/reopen"}
		}},
		{name: "delete", success: http.StatusNoContent, deletesIt: true, req: func(id string) request {
			return request{method: http.MethodDelete, path: "/v1/tasks/" + id}
		}},
	}
	// Each task is at version 2 (patched, or completed for reopen) when the change is sent.
	tags := []struct {
		name    string
		ifMatch string // no header when empty
		status  int    // 0: the change's success
		field   bool   // a 400 names If-Match
	}{
		{name: "absent"},
		{name: "current", ifMatch: `"2"`},
		{name: "any", ifMatch: `*`},
		{name: "current with spaces", ifMatch: ` "2" `},
		{name: "stale", ifMatch: `"1"`, status: 412},
		{name: "from the future", ifMatch: `"3"`, status: 412},
		{name: "weak", ifMatch: `W/"2"`, status: 412},
		{name: "bare number", ifMatch: `2`, status: 400, field: true},
		{name: "leading zero", ifMatch: `"02"`, status: 400, field: true},
		{name: "zero", ifMatch: `"0"`, status: 400, field: true},
		{name: "not a version", ifMatch: `"abc"`, status: 400, field: true},
		{name: "a list naming the current", ifMatch: `"1", "2"`},
		{name: "a list with a weak current", ifMatch: `"1", W/"2"`, status: 412},
		{name: "a stale list", ifMatch: `"1","3"`, status: 412},
		{name: "a list of weak tags", ifMatch: `W/"1", W/"2"`, status: 412},
		{name: "a list with garbage", ifMatch: `"2", abc`, status: 400, field: true},
		{name: "a list without commas", ifMatch: `"1" "2"`, status: 400, field: true},
		{name: "unterminated", ifMatch: `"2`, status: 400, field: true},
		{name: "empty tag", ifMatch: `""`, status: 400, field: true},
		{name: "too large", ifMatch: `"99999999999999999999"`, status: 400, field: true},
	}
	for _, ch := range changes {
		for _, tag := range tags {
			t.Run(ch.name+"/"+tag.name, func(t *testing.T) {
				t.Parallel()
				f := newFixture(t, fixtureOptions{})
				id := f.createTask("alice", `{"title":"a"}`).ID
				second := request{method: http.MethodPatch, path: "/v1/tasks/" + id, user: "alice", body: `{"description":"v2"}`}
				if ch.done {
					second = request{method: http.MethodPost, path: "/v1/tasks/" + id + "/complete", user: "alice"}
				}
				before := decodeJSON[taskBody](t, f.do(second))
				req := ch.req(id)
				req.user = "alice"
				if tag.ifMatch != "" {
					req.headers = map[string]string{"If-Match": tag.ifMatch}
				}
				rec := f.do(req)
				checkIfMatchAnswer(t, f, rec, id, before, tag.status, tag.field, ch.success, ch.deletesIt)
			})
		}
	}
}

// checkIfMatchAnswer checks the answer to a change sent with an If-Match, and that a refused
// change left the task as it was.
func checkIfMatchAnswer(t *testing.T, f *fixture, rec *httptest.ResponseRecorder, id string, before taskBody,
	status int, field bool, success int, deletes bool,
) {
	t.Helper()
	get := func() *httptest.ResponseRecorder {
		return f.do(request{method: http.MethodGet, path: "/v1/tasks/" + id, user: "alice"})
	}
	switch {
	case status == 0 && deletes:
		if rec.Code != success {
			t.Fatalf("status = %d, want %d: %s", rec.Code, success, rec.Body)
		}
		decodeProblem(t, get(), http.StatusNotFound)
	case status == 0:
		if rec.Code != success {
			t.Fatalf("status = %d, want %d: %s", rec.Code, success, rec.Body)
		}
		got := decodeJSON[taskBody](t, rec)
		if got.Version != 3 || rec.Header().Get("ETag") != `"3"` {
			t.Errorf("after the change: version %d, ETag %q; want 3", got.Version, rec.Header().Get("ETag"))
		}
	default:
		p := decodeProblem(t, rec, status)
		if status == http.StatusPreconditionFailed && p.Type != "https://taskstream.dev/problems/precondition-failed" {
			t.Errorf("type = %q", p.Type)
		}
		if field && (len(p.Errors) != 1 || p.Errors[0].Field != "If-Match") {
			t.Errorf("errors = %+v, want one about If-Match", p.Errors)
		}
		if after := decodeJSON[taskBody](t, get()); !equalTasks(after, before) {
			t.Errorf("a refused change changed the task: %+v, was %+v", after, before)
		}
	}
}

func TestIfMatchSentTwiceIsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	id := f.createTask("alice", `{"title":"a"}`).ID
	req := httptest.NewRequest(http.MethodPatch, "/v1/tasks/"+id, strings.NewReader(`{"title":"b"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token(t, "alice"))
	req.Header.Add("If-Match", `"1"`)
	req.Header.Add("If-Match", `"1"`)
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	p := decodeProblem(t, rec, http.StatusBadRequest)
	if len(p.Errors) != 1 || p.Errors[0].Field != "If-Match" {
		t.Errorf("errors = %+v", p.Errors)
	}
}

// The ETag of one answer is the If-Match of the next change, and a client that lost the race
// learns it with a 412 instead of overwriting the other's change.
func TestIfMatchPreventsALostUpdate(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	rec := f.do(request{method: http.MethodPost, path: "/v1/tasks", user: "alice", body: `{"title":"shared"}`})
	path, etag := rec.Header().Get("Location"), rec.Header().Get("ETag")
	first := f.do(request{method: http.MethodPatch, path: path, user: "alice", body: `{"title":"first writer"}`,
		headers: map[string]string{"If-Match": etag}})
	if first.Code != http.StatusOK {
		t.Fatalf("first writer: %d %s", first.Code, first.Body)
	}
	second := f.do(request{method: http.MethodPatch, path: path, user: "alice", body: `{"title":"second writer"}`,
		headers: map[string]string{"If-Match": etag}})
	decodeProblem(t, second, http.StatusPreconditionFailed)
	retry := f.do(request{method: http.MethodPatch, path: path, user: "alice", body: `{"title":"second writer"}`,
		headers: map[string]string{"If-Match": first.Header().Get("ETag")}})
	if got := decodeJSON[taskBody](t, retry); retry.Code != http.StatusOK || got.Title != "second writer" || got.Version != 3 {
		t.Errorf("retry with the new ETag: %d %+v", retry.Code, got)
	}
}
