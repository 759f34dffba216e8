package httpport_test

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/taskstream/taskstream/domain/task"
)

func TestGetTask(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	due := seedBase.Add(48 * time.Hour)
	seeded := f.seedTask(taskSpec{user: "alice", title: "read me", priority: task.PriorityHigh, due: due})
	want := taskBody{ID: seeded.ID(), Title: "read me", Status: "todo", Priority: "high", DueAt: ptr(at(due)),
		CreatedAt: at(seedBase), UpdatedAt: at(seedBase), Version: 1}
	cases := []struct {
		name   string
		method string
		id     string
		status int
	}{
		{"found", http.MethodGet, seeded.ID(), http.StatusOK},
		{"HEAD", http.MethodHead, seeded.ID(), http.StatusOK},
		{"upper-case id", http.MethodGet, strings.ToUpper(seeded.ID()), http.StatusOK},
		{"unknown id", http.MethodGet, "0190a8e2-7b1c-7cde-8f00-000000000000", http.StatusNotFound},
		{"not a UUID", http.MethodGet, "42", http.StatusNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := f.do(request{method: tc.method, path: "/v1/tasks/" + tc.id, user: "alice"})
			if tc.status != http.StatusOK {
				decodeProblem(t, rec, tc.status)
				return
			}
			if rec.Code != http.StatusOK || rec.Header().Get("ETag") != `"1"` {
				t.Fatalf("status %d, ETag %q", rec.Code, rec.Header().Get("ETag"))
			}
			if tc.method == http.MethodHead {
				return
			}
			if got := decodeJSON[taskBody](t, rec); !equalTasks(got, want) {
				t.Errorf("got %+v,\nwant %+v", got, want)
			}
		})
	}
}

// A GET whose If-None-Match names the task's current ETag (weak comparison, any member of a
// list, or *) answers 304 with the ETag and no body; any other answers the task.
func TestGetTaskIfNoneMatch(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	id := f.createTask("alice", `{"title":"a"}`).ID
	if rec := f.do(request{method: http.MethodPatch, path: "/v1/tasks/" + id, user: "alice", body: `{"title":"b"}`}); rec.Code != http.StatusOK {
		t.Fatalf("patch = %d", rec.Code)
	} // now at version 2
	cases := []struct {
		ifNoneMatch string
		status      int
	}{
		{`"2"`, http.StatusNotModified},
		{`W/"2"`, http.StatusNotModified},
		{`"1", "2"`, http.StatusNotModified},
		{`"x,y", W/"2"`, http.StatusNotModified},
		{`*`, http.StatusNotModified},
		{`"1"`, http.StatusOK},
		{`"02"`, http.StatusOK},
		{`2`, http.StatusOK}, // not an entity tag: ignored
		{`"2`, http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.ifNoneMatch, func(t *testing.T) {
			t.Parallel()
			rec := f.do(request{method: http.MethodGet, path: "/v1/tasks/" + id, user: "alice",
				headers: map[string]string{"If-None-Match": tc.ifNoneMatch}})
			if rec.Code != tc.status || rec.Header().Get("ETag") != `"2"` {
				t.Fatalf("status %d, ETag %q; want %d, \"2\"", rec.Code, rec.Header().Get("ETag"), tc.status)
			}
			if tc.status == http.StatusNotModified && rec.Body.Len() != 0 {
				t.Errorf("a 304 has a body: %s", rec.Body)
			}
			if tc.status == http.StatusOK && decodeJSON[taskBody](t, rec).Version != 2 {
				t.Errorf("body = %s", rec.Body)
			}
		})
	}
}

func TestListTasksFilters(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	hour := func(n int) time.Time { return seedBase.Add(time.Duration(n) * time.Hour) }
	// Created one minute apart, so newest first is the reverse of this order.
	specs := []taskSpec{
		{title: "t0", status: task.StatusTodo, priority: task.PriorityLow, due: hour(1)},
		{title: "t1", status: task.StatusInProgress, priority: task.PriorityHigh, due: hour(2)},
		{title: "t2", status: task.StatusDone, priority: task.PriorityHigh},
		{title: "t3", status: task.StatusTodo, priority: task.PriorityUrgent, due: hour(3)},
		{title: "t4", status: task.StatusDone, priority: task.PriorityMedium, due: hour(1).Add(-time.Nanosecond)},
	}
	for i, s := range specs {
		s.user, s.at = "alice", seedBase.Add(time.Duration(i)*time.Minute)
		f.seedTask(s)
	}
	f.seedTask(taskSpec{user: "bob", title: "bob's", status: task.StatusDone, priority: task.PriorityHigh, due: hour(1)})
	cases := []struct {
		query string
		want  []string
	}{
		{"", []string{"t4", "t3", "t2", "t1", "t0"}},
		{"status=todo", []string{"t3", "t0"}},
		{"status=in_progress", []string{"t1"}},
		{"status=done", []string{"t4", "t2"}},
		{"priority=high", []string{"t2", "t1"}},
		{"priority=low", []string{"t0"}},
		{"due_before=" + url.QueryEscape(at(hour(2))), []string{"t4", "t0"}},
		{"due_before=" + url.QueryEscape(at(hour(1))), []string{"t4"}},
		{"due_before=" + url.QueryEscape("2026-01-02T05:04:05.123456790+01:00"), []string{"t4", "t0"}}, // hour(1) in +01:00, 1 ns later
		{"status=done&priority=high", []string{"t2"}},
		{"status=todo&due_before=" + url.QueryEscape(at(hour(4))), []string{"t3", "t0"}},
		{"status=in_progress&priority=low", nil},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			t.Parallel()
			rec := f.do(request{method: http.MethodGet, path: "/v1/tasks?" + tc.query, user: "alice"})
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d: %s", rec.Code, rec.Body)
			}
			var got []string
			for _, it := range decodeJSON[taskListBody](t, rec).Items {
				got = append(got, it.Title)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("listed %v, want %v", got, tc.want)
			}
		})
	}
}

// Paging follows the cursor to the end, newest first, with and without a filter; the filter
// holds on every page.
func TestListTasksPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	var all, urgent []string
	for i := range 7 {
		s := taskSpec{user: "alice", at: seedBase.Add(time.Duration(i) * time.Second), priority: task.PriorityLow}
		if i%2 == 0 {
			s.priority = task.PriorityUrgent
		}
		id := f.seedTask(s).ID()
		all = append([]string{id}, all...)
		if i%2 == 0 {
			urgent = append([]string{id}, urgent...)
		}
	}
	f.seedTask(taskSpec{user: "bob", priority: task.PriorityUrgent})
	cases := []struct {
		query string
		limit int
		want  []string
	}{
		{"limit=2", 2, all},
		{"limit=3", 3, all},
		{"limit=1&priority=urgent", 1, urgent},
		{"priority=urgent&limit=3", 3, urgent},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			t.Parallel()
			var got []string
			path := "/v1/tasks?" + tc.query
			for pages := 0; ; pages++ {
				if pages > len(tc.want) {
					t.Fatal("pagination does not end")
				}
				page := decodeJSON[taskListBody](t, f.do(request{method: http.MethodGet, path: path, user: "alice"}))
				for _, it := range page.Items {
					got = append(got, it.ID)
				}
				if page.NextCursor == "" {
					break
				}
				if len(page.Items) != tc.limit {
					t.Fatalf("a middle page has %d items, want %d", len(page.Items), tc.limit)
				}
				path = "/v1/tasks?" + tc.query + "&cursor=" + url.QueryEscape(page.NextCursor)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("listed %v,\nwant   %v", got, tc.want)
			}
		})
	}
}

func TestListTasksRefusesBadParameters(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	b64 := base64.RawURLEncoding.EncodeToString
	cases := []struct {
		query  string
		status int
		field  string
	}{
		{"status=finished", 400, "status"},
		{"status=", 400, "status"},
		{"status=DONE", 400, "status"},
		{"priority=extreme", 400, "priority"},
		{"priority=", 400, "priority"},
		{"due_before=tomorrow", 400, "due_before"},
		{"due_before=2026-05-01", 400, "due_before"},
		{"due_before=0001-01-01T00:00:00Z", 422, "due_before"},
		{"limit=0", 400, "limit"},
		{"limit=201", 400, "limit"},
		{"limit=ten", 400, "limit"},
		{"cursor=%21%21", 400, "cursor"},
		{"cursor=" + b64([]byte(`{"created_at":"2026-01-02T03:04:05Z","id":"x"}`)), 400, "cursor"},
		{"limit=%zz", 400, ""},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			t.Parallel()
			p := decodeProblem(t, f.do(request{method: http.MethodGet, path: "/v1/tasks?" + tc.query, user: "alice"}), tc.status)
			if p.Type != "https://taskstream.dev/problems/invalid" {
				t.Errorf("type = %q", p.Type)
			}
			if tc.field != "" && (len(p.Errors) != 1 || p.Errors[0].Field != tc.field) {
				t.Errorf("errors = %+v, want one about %q", p.Errors, tc.field)
			}
		})
	}
}

func TestListTasksEmptyIsAnArray(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	rec := f.do(request{method: http.MethodGet, path: "/v1/tasks", user: "alice"})
	if got := strings.TrimSpace(rec.Body.String()); rec.Code != http.StatusOK || got != `{"items":[]}` {
		t.Errorf("%d %s", rec.Code, got)
	}
}

func TestUsersOnlySeeTheirOwnTasks(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	mine := f.createTask("alice", `{"title":"alice's secret"}`)
	f.record("0190a8e2-7b1c-7cde-8f00-000000000001", task.ActionCreated, f.storedTask("alice", mine.ID))
	path := "/v1/tasks/" + mine.ID
	cases := []struct {
		name string
		req  request
	}{
		{"get", request{method: http.MethodGet, path: path}},
		{"patch", request{method: http.MethodPatch, path: path, body: `{"title":"mine now"}`}},
		{"patch with If-Match", request{method: http.MethodPatch, path: path, body: `{"title":"mine now"}`,
			headers: map[string]string{"If-Match": `"1"`}}},
		{"delete", request{method: http.MethodDelete, path: path}},
		{"complete", request{method: http.MethodPost, path: path + "/complete"}},
		{"reopen", request{method: http.MethodPost, path: path + "/reopen"}},
		{"history", request{method: http.MethodGet, path: path + "/history"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.user = "bob"
			rec := f.do(tc.req)
			decodeProblem(t, rec, http.StatusNotFound)
			if strings.Contains(rec.Body.String(), "secret") {
				t.Errorf("the 404 shows the task: %s", rec.Body)
			}
		})
	}
	list := decodeJSON[taskListBody](t, f.do(request{method: http.MethodGet, path: "/v1/tasks", user: "bob"}))
	if len(list.Items) != 0 {
		t.Errorf("bob lists %d tasks of alice", len(list.Items))
	}
	got := decodeJSON[taskBody](t, f.do(request{method: http.MethodGet, path: path, user: "alice"}))
	if !equalTasks(got, mine) {
		t.Errorf("alice's task changed: %+v, was %+v", got, mine)
	}
}
