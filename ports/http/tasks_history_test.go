package httpport_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/domain/task"
)

// The history lists the recorded changes in version order, each with the task as it was after
// it, and outlives the task's deletion. No consumer runs here: the test records the entries the
// audit consumer would, out of order.
func TestTaskHistory(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	created := f.createTask("alice", `{"title":"a","due_at":"2026-06-01T12:00:00Z"}`)
	path := "/v1/tasks/" + created.ID
	type entry struct {
		id     string
		action task.Action
		snap   task.Snapshot
		body   taskBody // the task as the API answered it after the change
	}
	entries := []entry{{action: task.ActionCreated, snap: f.storedTask("alice", created.ID), body: created}}
	for _, step := range []struct {
		action task.Action
		req    request
	}{
		{task.ActionUpdated, request{method: http.MethodPatch, path: path, body: `{"title":"b","due_at":null}`}},
		{task.ActionCompleted, request{method: http.MethodPost, path: path + "/complete"}},
		{task.ActionReopened, request{method: http.MethodPost, path: path + "/reopen"}},
	} {
		step.req.user = "alice"
		rec := f.do(step.req)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", step.action, rec.Code, rec.Body)
		}
		entries = append(entries, entry{action: step.action, snap: f.storedTask("alice", created.ID), body: decodeJSON[taskBody](t, rec)})
	}
	last, err := task.Rehydrate(entries[len(entries)-1].snap)
	if err != nil {
		t.Fatal(err)
	}
	deletion := task.Deletion(last, taskEpoch.Add(time.Hour))
	if rec := f.do(request{method: http.MethodDelete, path: path, user: "alice"}); rec.Code != http.StatusNoContent {
		t.Fatalf("delete: %d", rec.Code)
	}
	entries = append(entries, entry{action: task.ActionDeleted, snap: deletion.Task})
	for _, i := range []int{3, 0, 4, 1, 2} {
		entries[i].id = uuid.NewString()
		f.record(entries[i].id, entries[i].action, entries[i].snap)
	}

	rec := f.do(request{method: http.MethodGet, path: path + "/history", user: "alice"})
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d: %s", rec.Code, rec.Body)
	}
	got := decodeJSON[historyBody](t, rec)
	if len(got.Items) != len(entries) {
		t.Fatalf("%d items, want %d: %s", len(got.Items), len(entries), rec.Body)
	}
	for i, e := range entries {
		it := got.Items[i]
		if it.EventID != e.id || it.Action != e.action.String() || it.Version != int64(i+1) || it.At != at(e.snap.UpdatedAt) {
			t.Errorf("item %d = %s %s v%d at %s; want %s %s v%d at %s", i, it.EventID, it.Action, it.Version, it.At,
				e.id, e.action, i+1, at(e.snap.UpdatedAt))
		}
		if e.body.ID != "" && !equalTasks(it.Task, e.body) {
			t.Errorf("item %d task = %+v,\nwant %+v", i, it.Task, e.body)
		}
	}
	if del := got.Items[4].Task; del.Version != 5 || del.Title != "b" || del.Status != "todo" || del.DueAt != nil {
		t.Errorf("the deleted task's last state = %+v", del)
	}
}

func TestTaskHistoryNotFound(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	unrecorded := f.createTask("alice", `{"title":"no history yet"}`).ID
	recorded := f.createTask("alice", `{"title":"recorded"}`).ID
	f.record(uuid.NewString(), task.ActionCreated, f.storedTask("alice", recorded))
	cases := []struct {
		name string
		user string
		id   string
	}{
		{"nothing recorded", "alice", unrecorded},
		{"another user's", "bob", recorded},
		{"unknown id", "alice", uuid.NewString()},
		{"not a UUID", "alice", "nope"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := f.do(request{method: http.MethodGet, path: "/v1/tasks/" + tc.id + "/history", user: tc.user})
			decodeProblem(t, rec, http.StatusNotFound)
		})
	}
	head := f.do(request{method: http.MethodHead, path: "/v1/tasks/" + recorded + "/history", user: "alice"})
	if head.Code != http.StatusOK {
		t.Errorf("HEAD history = %d", head.Code)
	}
}
