package query_test

import (
	"context"
	"errors"
	"testing"

	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

func TestListTodosPageSize(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		limit     int
		wantLimit int // 0: refused before the reader
	}{
		{"the default", 0, todo.DefaultPageSize},
		{"one", 1, 1},
		{"the most", todo.MaxPageSize, todo.MaxPageSize},
		{"too many", todo.MaxPageSize + 1, 0},
		{"negative", -1, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := &fakeTodos{}
			_, err := query.NewListTodosHandler(r).Handle(context.Background(), todo.ListQuery{UserID: "alice", Limit: tc.limit})
			if tc.wantLimit == 0 {
				if shared.KindOf(err) != shared.KindInvalid || len(r.asked) != 0 {
					t.Errorf("error %v after %d reads, want invalid before any", err, len(r.asked))
				}
				return
			}
			if err != nil || len(r.asked) != 1 || r.asked[0].Limit != tc.wantLimit {
				t.Errorf("error %v, asked %+v; want one read with limit %d", err, r.asked, tc.wantLimit)
			}
		})
	}
}

// The query reaches the reader as it was asked: the user, the filter and the cursor of the
// previous page; the page comes back as the reader gave it, the user's to-dos only.
func TestListTodosAsksForTheUsersPageAfterTheCursor(t *testing.T) {
	t.Parallel()
	r := &fakeTodos{todos: []*todo.Todo{todoAt(t, 1, "alice"), todoAt(t, 2, "bob"), todoAt(t, 3, "alice"), todoAt(t, 4, "alice")}}
	notDone := false
	q := todo.ListQuery{UserID: "alice", Completed: &notDone, After: &todo.Cursor{CreatedAt: fixedNow, ID: "0193a1e0-0000-7000-8000-000000000100"}, Limit: 2}
	page, err := query.NewListTodosHandler(r).Handle(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.asked) != 1 || r.asked[0] != q {
		t.Fatalf("asked %+v, want %+v", r.asked, q)
	}
	if len(page.Items) != 2 || page.Items[0] != r.todos[0] || page.Items[1] != r.todos[2] {
		t.Errorf("items %v, want alice's first two", page.Items)
	}
	if page.Next == nil || page.Next.ID != r.todos[2].ID() {
		t.Errorf("next %+v, want the position of the last item", page.Next)
	}
}

func TestListTodosReturnsTheReadersError(t *testing.T) {
	t.Parallel()
	r := &fakeTodos{fail: errReader}
	if _, err := query.NewListTodosHandler(r).Handle(context.Background(), todo.ListQuery{UserID: "alice"}); !errors.Is(err, errReader) {
		t.Errorf("error %v, want the reader's", err)
	}
}
