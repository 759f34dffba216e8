package httpport_test

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/domain/todo"
)

var seedBase = time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)

func TestUsersOnlySeeTheirOwnTodos(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	mine := f.seed("alice", 1, seedBase)[0]
	path := "/v1/todos/" + mine.ID()
	cases := []struct {
		name string
		req  request
	}{
		{"get", request{method: http.MethodGet, path: path, user: "bob"}},
		{"patch", request{method: http.MethodPatch, path: path, user: "bob", body: `{"title":"mine now"}`}},
		{"delete", request{method: http.MethodDelete, path: path, user: "bob"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := f.do(tc.req)
			p := decodeProblem(t, rec, http.StatusNotFound)
			if strings.Contains(rec.Body.String(), mine.Title()) {
				t.Errorf("the 404 shows the to-do: %+v", p)
			}
		})
	}
	list := decodeJSON[listBody](t, f.do(request{method: http.MethodGet, path: "/v1/todos", user: "bob"}))
	if len(list.Items) != 0 {
		t.Errorf("bob lists %d to-dos of alice", len(list.Items))
	}
	got := decodeJSON[todoBody](t, f.do(request{method: http.MethodGet, path: path, user: "alice"}))
	if got.ID != mine.ID() || got.Title != mine.Title() {
		t.Errorf("alice's to-do changed: %+v", got)
	}
}

func TestGetTodo(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	td := f.seed("alice", 1, seedBase)[0]
	cases := []struct {
		name   string
		id     string
		status int
	}{
		{"found", td.ID(), http.StatusOK},
		{"upper-case id", strings.ToUpper(td.ID()), http.StatusOK},
		{"unknown id", "0190a8e2-7b1c-7cde-8f00-000000000000", http.StatusNotFound},
		{"not a UUID", "42", http.StatusNotFound},
		{"SQL-ish", "1%27%20OR%201=1", http.StatusNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := f.do(request{method: http.MethodGet, path: "/v1/todos/" + tc.id, user: "alice"})
			if tc.status != http.StatusOK {
				decodeProblem(t, rec, tc.status)
				return
			}
			got := decodeJSON[todoBody](t, rec)
			want := todoBody{ID: td.ID(), Title: td.Title(), Completed: td.Completed(),
				CreatedAt: "2026-01-02T03:04:05.123456789Z", UpdatedAt: "2026-01-02T03:04:05.123456789Z"}
			if got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestListTodosPagesNewestFirst(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	seeded := f.seed("alice", 5, seedBase)
	f.seed("bob", 3, seedBase)
	var got []string
	path := "/v1/todos?limit=2"
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		rec := f.do(request{method: http.MethodGet, path: path, user: "alice"})
		if rec.Code != http.StatusOK {
			t.Fatalf("status = %d: %s", rec.Code, rec.Body)
		}
		page := decodeJSON[listBody](t, rec)
		for _, it := range page.Items {
			got = append(got, it.ID)
		}
		if page.NextCursor == "" {
			break
		}
		if len(page.Items) != 2 {
			t.Fatalf("a middle page has %d items", len(page.Items))
		}
		path = "/v1/todos?limit=2&cursor=" + url.QueryEscape(page.NextCursor)
	}
	if len(got) != len(seeded) {
		t.Fatalf("listed %d to-dos, want %d", len(got), len(seeded))
	}
	for i, id := range got {
		if want := seeded[len(seeded)-1-i].ID(); id != want {
			t.Errorf("item %d = %s, want %s (newest first)", i, id, want)
		}
	}
}

// To-dos created in the same instant are ordered by id, and the cursor resumes after the last
// one shown: paging one by one through a tie lists each exactly once.
func TestListTodosPagesThroughTies(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	var tied []*todo.Todo
	for range 5 {
		td, err := todo.New(uuid.NewString(), "alice", "same instant", "", seedBase)
		if err != nil {
			t.Fatal(err)
		}
		tied = append(tied, td)
	}
	if _, err := f.repo.AddBatch(t.Context(), tied); err != nil {
		t.Fatal(err)
	}
	older := f.seed("alice", 1, seedBase.Add(-time.Hour))[0]
	var got []string
	path := "/v1/todos?limit=1"
	for range 10 {
		page := decodeJSON[listBody](t, f.do(request{method: http.MethodGet, path: path, user: "alice"}))
		for _, it := range page.Items {
			got = append(got, it.ID)
		}
		if page.NextCursor == "" {
			break
		}
		path = "/v1/todos?limit=1&cursor=" + url.QueryEscape(page.NextCursor)
	}
	want := make([]string, 0, len(tied)+1)
	for _, td := range tied {
		want = append(want, td.ID())
	}
	slices.Sort(want)
	slices.Reverse(want) // newest first, then the larger id first
	want = append(want, older.ID())
	if !slices.Equal(got, want) {
		t.Errorf("listed %v,\nwant     %v", got, want)
	}
}

func TestListTodosFiltersByCompleted(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	f.seed("alice", 5, seedBase) // items 1 and 3 are completed
	cases := []struct {
		query     string
		n         int
		completed bool
	}{
		{"completed=true", 2, true},
		{"completed=false", 3, false},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			t.Parallel()
			page := decodeJSON[listBody](t, f.do(request{method: http.MethodGet, path: "/v1/todos?" + tc.query, user: "alice"}))
			if len(page.Items) != tc.n {
				t.Fatalf("%d items, want %d", len(page.Items), tc.n)
			}
			for _, it := range page.Items {
				if it.Completed != tc.completed {
					t.Errorf("item %s completed = %v", it.ID, it.Completed)
				}
			}
		})
	}
}

func TestListTodosRefusesBadParameters(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	b64 := base64.RawURLEncoding.EncodeToString
	cases := []struct {
		query string
		field string
	}{
		{"completed=yes", "completed"},
		{"completed=1", "completed"},
		{"limit=0", "limit"},
		{"limit=201", "limit"},
		{"limit=ten", "limit"},
		{"cursor=%21%21", "cursor"},
		{"limit=%zz", ""},
		{"cursor=", "cursor"},
		{"cursor=" + b64([]byte("not json")), "cursor"},
		{"cursor=" + b64([]byte(`{"created_at":"yesterday","id":"0190a8e2-7b1c-7cde-8f00-000000000000"}`)), "cursor"},
		{"cursor=" + b64([]byte(`{"created_at":"2026-01-02T03:04:05Z","id":"x"}`)), "cursor"},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			t.Parallel()
			p := decodeProblem(t, f.do(request{method: http.MethodGet, path: "/v1/todos?" + tc.query, user: "alice"}), http.StatusBadRequest)
			if p.Type != "https://taskstream.dev/problems/invalid" {
				t.Errorf("type = %q", p.Type)
			}
			if tc.field != "" && (len(p.Errors) != 1 || p.Errors[0].Field != tc.field) {
				t.Errorf("errors = %+v, want one about %q", p.Errors, tc.field)
			}
		})
	}
}

func TestListTodosEmptyIsAnArray(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	rec := f.do(request{method: http.MethodGet, path: "/v1/todos", user: "alice"})
	if got := strings.TrimSpace(rec.Body.String()); got != `{"items":[]}` {
		t.Errorf("body = %s", got)
	}
}
