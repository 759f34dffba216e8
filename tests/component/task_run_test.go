package component_test

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"testing"
	"time"
)

// change is one task change the API answered, as a task.changed frame and a history entry must
// show it.
type change struct {
	user    string
	action  string
	version int64
	// task is the task after the change as the API answered it; for a deletion, the last answer
	// before it.
	task   map[string]any
	fields []string // the fields the change set
}

func (w change) String() string {
	return fmt.Sprintf("%s of task %v at version %d", w.action, w.task["id"], w.version)
}

// check compares a frame with the change: task, user, action, version, the changed fields with
// the values the API answered, and the time of the change.
func (w change) check(t *testing.T, name string, f liveFrame) {
	t.Helper()
	d := f.Data
	if d.TaskID != w.task["id"] || d.UserID != w.user || d.Action != w.action || d.Version != w.version {
		t.Errorf("%s: frame %s %s of task %s at version %d, want %s for user %s", name, d.UserID, d.Action, d.TaskID, d.Version, w, w.user)
		return
	}
	want := map[string]any{}
	for _, k := range w.fields {
		want[k] = w.task[k]
	}
	if !reflect.DeepEqual(normalizeTimes(d.Changes), normalizeTimes(want)) {
		t.Errorf("%s: %s: changes %v, want %v", name, w, d.Changes, want)
	}
	if w.action != "deleted" && !sameTime(d.At.Format(time.RFC3339Nano), w.task["updated_at"]) {
		t.Errorf("%s: %s: at %s, want the answer's updated_at %v", name, w, d.At, w.task["updated_at"])
	}
}

// taskFields are the fields a created task lists in its task.changed event.
var taskFields = []string{"title", "description", "status", "priority", "due_at"}

// taskRun is one task taken through changes over HTTP, with the changes the API answered.
type taskRun struct {
	t       *testing.T
	id      string
	etag    string
	changes []change
}

// createTask creates a task through api and checks the 201 answer.
func createTask(t *testing.T, api *client, body string) *taskRun {
	t.Helper()
	r := api.expect(http.MethodPost, "/v1/tasks", body, http.StatusCreated)
	id, _ := r.body["id"].(string)
	if id == "" || r.header.Get("Location") != "/v1/tasks/"+id || r.header.Get("ETag") != `"1"` || r.body["version"] != 1.0 {
		t.Fatalf("201 answer: Location %q, ETag %q, body %s", r.header.Get("Location"), r.header.Get("ETag"), r.raw)
	}
	run := &taskRun{t: t, id: id, etag: r.header.Get("ETag")}
	run.changes = append(run.changes, change{user: api.user, action: "created", version: 1, task: r.body, fields: taskFields})
	return run
}

func (r *taskRun) path() string { return "/v1/tasks/" + r.id }

// change makes a change through api with If-Match naming the last answer, and records it.
func (r *taskRun) change(api *client, action, method, suffix, body string, fields ...string) {
	r.t.Helper()
	res := api.with("If-Match", r.etag).expect(method, r.path()+suffix, body, http.StatusOK)
	v := int64(len(r.changes)) + 1
	if res.body["version"] != float64(v) || res.header.Get("ETag") != fmt.Sprintf(`"%d"`, v) {
		r.t.Fatalf("%s %s: ETag %q, body %s; want version %d", method, r.path()+suffix, res.header.Get("ETag"), res.raw, v)
	}
	r.etag = res.header.Get("ETag")
	r.changes = append(r.changes, change{user: api.user, action: action, version: v, task: res.body, fields: fields})
}

// delete deletes the task through api, after a delete with the stale ETag was refused.
func (r *taskRun) delete(api *client, stale string) {
	r.t.Helper()
	api.with("If-Match", stale).expect(http.MethodDelete, r.path(), "", http.StatusPreconditionFailed)
	api.with("If-Match", r.etag).expect(http.MethodDelete, r.path(), "", http.StatusNoContent)
	api.expect(http.MethodGet, r.path(), "", http.StatusNotFound)
	last := r.changes[len(r.changes)-1]
	r.changes = append(r.changes, change{user: api.user, action: "deleted", version: last.version + 1, task: last.task})
}

// lifecycle creates a task and changes it through the APIs in turn: a patch (and the same patch
// with the stale ETag, refused with 412), a completion (and a stale one, 412) and a reopening.
func lifecycle(t *testing.T, apis ...*client) *taskRun {
	t.Helper()
	api := func(i int) *client { return apis[i%len(apis)] }
	r := createTask(t, api(0), `{"title":"Write the report","description":"for Monday","priority":"high","due_at":"2026-12-01T09:00:00Z"}`)
	stale := r.etag
	r.change(api(1), "updated", http.MethodPatch, "", `{"title":"Write the final report","due_at":null}`, "title", "due_at")
	api(0).with("If-Match", stale).expect(http.MethodPatch, r.path(), `{"title":"a lost update"}`, http.StatusPreconditionFailed)
	stale = r.etag
	r.change(api(0), "completed", http.MethodPost, "/complete", "", "status")
	api(1).with("If-Match", stale).expect(http.MethodPost, r.path()+"/reopen", "", http.StatusPreconditionFailed)
	r.change(api(1), "reopened", http.MethodPost, "/reopen", "", "status")
	return r
}

// checkHistory reads the task's history through api; it returns an error while the history does
// not hold every change yet, and reports a history that differs from the changes made.
func (r *taskRun) checkHistory(api *client) error {
	r.t.Helper()
	res := api.do(http.MethodGet, r.path()+"/history", "")
	if res.status != http.StatusOK {
		return fmt.Errorf("history of %s: status %d: %s", r.id, res.status, res.raw)
	}
	items, _ := res.body["items"].([]any)
	if len(items) < len(r.changes) {
		return fmt.Errorf("history of %s: %d of %d changes", r.id, len(items), len(r.changes))
	}
	if len(items) > len(r.changes) {
		r.t.Errorf("history of %s: %d entries for %d changes: %s", r.id, len(items), len(r.changes), res.raw)
		return nil
	}
	ids := map[any]bool{}
	for i, w := range r.changes {
		e, _ := items[i].(map[string]any)
		task, _ := e["task"].(map[string]any)
		got := without(task, "version", "updated_at")
		if e["action"] != w.action || e["version"] != float64(w.version) || task["version"] != float64(w.version) ||
			!reflect.DeepEqual(got, without(w.task, "version", "updated_at")) || e["event_id"] == "" || ids[e["event_id"]] {
			r.t.Errorf("history entry %d: %v\nwant %s with task %v", i, e, w, w.task)
		}
		ids[e["event_id"]] = true
		if w.action != "deleted" && (task["updated_at"] != w.task["updated_at"] || !sameTime(e["at"], w.task["updated_at"])) {
			r.t.Errorf("history entry %d: at %v, task updated_at %v; want %v", i, e["at"], task["updated_at"], w.task["updated_at"])
		}
	}
	return nil
}

// without returns a copy of m without the keys drop.
func without(m map[string]any, drop ...string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	for _, k := range drop {
		delete(out, k)
	}
	return out
}

// normalizeTimes writes the RFC 3339 times among m's values in UTC with nanoseconds, so that two
// spellings of one instant compare equal.
func normalizeTimes(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			if ts, err := time.Parse(time.RFC3339Nano, s); err == nil {
				v = ts.UTC().Format(time.RFC3339Nano)
			}
		}
		out[k] = v
	}
	return out
}

func sameTime(a, b any) bool {
	as, _ := a.(string)
	bs, _ := b.(string)
	ta, errA := time.Parse(time.RFC3339Nano, as)
	tb, errB := time.Parse(time.RFC3339Nano, bs)
	return errA == nil && errB == nil && ta.Equal(tb)
}

// warmUp changes a task of c's user until each of conns has received a frame of it. An API
// instance's live consumer starts at the newest offset once it has joined its group, which
// /readyz does not wait for: a frame proves that the instance reads the user's partition (every
// event of a user is keyed by the user id). The warm-up task's frames are ignored from then on.
func warmUp(t *testing.T, c *client, conns ...*liveClient) {
	t.Helper()
	r := createTask(t, c, `{"title":"warm-up"}`)
	waiting := conns
	began := time.Now()
	deadline := began.Add(time.Minute)
	for n := 1; len(waiting) > 0; n++ {
		var still []*liveClient
		for _, lc := range waiting {
			if _, err := lc.next(time.Second); errors.Is(err, errNoFrame) {
				still = append(still, lc)
			} else if err != nil {
				t.Fatalf("%s: warm-up: %v", lc.name, err)
			}
		}
		if waiting = still; len(waiting) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s received no live update of %d warm-up changes within a minute", waiting[0].name, n)
		}
		c.expect(http.MethodPatch, r.path(), fmt.Sprintf(`{"title":"warm-up %d"}`, n), http.StatusOK)
	}
	for _, lc := range conns {
		lc.ignored[r.id] = true
	}
	t.Logf("warm-up: live updates of %s flow to every connection after %s", c.user, time.Since(began).Round(time.Millisecond))
}
