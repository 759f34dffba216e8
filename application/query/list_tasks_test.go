package query_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

func TestListTasksPageSize(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		limit     int
		wantLimit int // 0: refused before the reader
	}{
		{"the default", 0, task.DefaultPageSize},
		{"one", 1, 1},
		{"the most", task.MaxPageSize, task.MaxPageSize},
		{"too many", task.MaxPageSize + 1, 0},
		{"negative", -1, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := &fakeTaskReader{}
			q := task.ListQuery{UserID: "alice", Status: task.StatusDone, Limit: tc.limit}
			_, err := query.NewListTasksHandler(r).Handle(context.Background(), q)
			if tc.wantLimit == 0 {
				if shared.KindOf(err) != shared.KindInvalid || len(r.asked) != 0 {
					t.Errorf("error %v after %d reads, want invalid before any", err, len(r.asked))
				}
				return
			}
			want := q
			want.Limit = tc.wantLimit
			if err != nil || len(r.asked) != 1 || r.asked[0] != want {
				t.Errorf("error %v, asked %+v; want one read of %+v", err, r.asked, want)
			}
		})
	}
}

// The filters and the cursor reach the reader as they were asked, each alone and all together;
// the page comes back as the reader gave it, the user's tasks only.
func TestListTasksPassesTheFiltersOn(t *testing.T) {
	t.Parallel()
	cursor := &task.Cursor{CreatedAt: fixedNow, ID: "0193a1e0-0000-7000-8000-000000000200"}
	cases := []struct {
		name string
		q    task.ListQuery
	}{
		{"none", task.ListQuery{}},
		{"status", task.ListQuery{Status: task.StatusInProgress}},
		{"priority", task.ListQuery{Priority: task.PriorityUrgent}},
		{"due before", task.ListQuery{DueBefore: fixedNow.Add(-time.Hour)}},
		{"after a cursor", task.ListQuery{After: cursor}},
		{"all", task.ListQuery{Status: task.StatusTodo, Priority: task.PriorityLow, DueBefore: fixedNow, After: cursor}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := &fakeTaskReader{tasks: []*task.Task{taskAt(t, 1, "bob"), taskAt(t, 2, "alice"), taskAt(t, 3, "alice"), taskAt(t, 4, "alice")}}
			q := tc.q
			q.UserID, q.Limit = "alice", 2
			page, err := query.NewListTasksHandler(r).Handle(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.asked) != 1 || r.asked[0] != q {
				t.Fatalf("asked %+v, want %+v", r.asked, q)
			}
			if len(page.Items) != 2 || page.Items[0] != r.tasks[1] || page.Items[1] != r.tasks[2] {
				t.Errorf("items %v, want alice's first two", page.Items)
			}
			if page.Next == nil || page.Next.ID != r.tasks[2].ID() {
				t.Errorf("next %+v, want the position of the last item", page.Next)
			}
		})
	}
}

func TestListTasksReturnsTheReadersError(t *testing.T) {
	t.Parallel()
	r := &fakeTaskReader{fail: errReader}
	if _, err := query.NewListTasksHandler(r).Handle(context.Background(), task.ListQuery{UserID: "alice"}); !errors.Is(err, errReader) {
		t.Errorf("error %v, want the reader's", err)
	}
}
