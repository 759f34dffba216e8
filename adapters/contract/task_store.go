package contract

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/task"
)

// Tasks is what the task store suite exercises: a store and the reader of the same tasks.
type Tasks interface {
	task.Repository
	query.TaskReader
}

// TaskStore runs the task.Repository and query.TaskReader contract against the stores
// newStore returns. Subtests run in parallel and each uses its own random user ids, so newStore
// may hand every subtest the same store.
func TaskStore(t *testing.T, newStore func(t *testing.T) Tasks) {
	tests := []struct {
		name string
		run  func(t *testing.T, store Tasks)
	}{
		{"add and get", testTaskAddAndGet},
		{"add of an existing id writes nothing", testTaskAddIdempotent},
		{"another user's task is not found", testTaskOtherUser},
		{"list newest first with cursor pagination", testTaskListPagination},
		{"list filters by status, priority and due time", testTaskListFilters},
		{"change stores the decided change", testTaskChange},
		{"change without a change stores nothing", testTaskNoChange},
		{"change whose decide fails stores nothing", testTaskDecideFails},
		{"delete leaves a tombstone", testTaskDelete},
		{"change of an unknown task is not found", testTaskChangeUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, newStore(t))
		})
	}
}

func testTaskAddAndGet(t *testing.T, store Tasks) {
	ctx, user := context.Background(), newUser()
	want := newTask(t, user, taskSpec{title: "write the report", priority: task.PriorityHigh, due: time.Now().Add(48 * time.Hour)})
	mustAddTask(t, store, want)

	assertSameTask(t, mustGetTask(t, store, user, want.ID()), want)
	_, err := store.Get(ctx, user, uuid.NewString())
	assertNotFound(t, "Get unknown id", err)
	_, err = store.Get(ctx, user, "not-a-uuid")
	assertNotFound(t, "Get malformed id", err)
}

func testTaskAddIdempotent(t *testing.T, store Tasks) {
	ctx, user := context.Background(), newUser()
	first := newTask(t, user, taskSpec{title: "first"})
	mustAddTask(t, store, first)

	again := first.Snapshot()
	again.Title = "second attempt"
	added, err := store.Add(ctx, task.Change{Action: task.ActionCreated, Task: again}, meta)
	if err != nil || added {
		t.Fatalf("second Add = %v, %v; want false, nil", added, err)
	}
	assertSameTask(t, mustGetTask(t, store, user, first.ID()), first)
}

func testTaskOtherUser(t *testing.T, store Tasks) {
	ctx, owner, other := context.Background(), newUser(), newUser()
	tk := newTask(t, owner, taskSpec{title: "mine"})
	mustAddTask(t, store, tk)

	_, err := store.Get(ctx, other, tk.ID())
	assertNotFound(t, "Get", err)
	assertNotFound(t, "Change", store.Change(ctx, other, tk.ID(), meta, neverCalled(t)))
	if page := mustListTasks(t, store, task.ListQuery{UserID: other, Limit: 10}); len(page.Items) != 0 {
		t.Errorf("other user lists %v, want none", taskTitles(page.Items))
	}
	assertSameTask(t, mustGetTask(t, store, owner, tk.ID()), tk)
}

func testTaskListPagination(t *testing.T, store Tasks) {
	user, base := newUser(), time.Now().Add(-time.Hour)
	var added []*task.Task
	for i := range 7 {
		// Tasks 2 and 3 share a creation time: the id breaks the tie.
		at := base.Add(time.Duration(i) * time.Minute)
		if i == 3 {
			at = added[2].CreatedAt()
		}
		added = append(added, newTask(t, user, taskSpec{title: fmt.Sprintf("task %d", i), at: at}))
	}
	mustAddTask(t, store, added...)
	mustAddTask(t, store, newTask(t, newUser(), taskSpec{title: "someone else's", at: base.Add(time.Minute)}))

	var got []*task.Task
	q := task.ListQuery{UserID: user, Limit: 3}
	for pages := 0; ; pages++ {
		if pages == 3 {
			t.Fatalf("more than 3 pages of 3 for 7 tasks")
		}
		page := mustListTasks(t, store, q)
		got = append(got, page.Items...)
		if page.Next == nil {
			break
		}
		if len(page.Items) != 3 {
			t.Fatalf("page %d has %d items and a next cursor, want 3", pages, len(page.Items))
		}
		q.After = page.Next
	}
	if want := taskTitles(newestTasksFirst(added)); !slices.Equal(taskTitles(got), want) {
		t.Errorf("listed %v, want %v", taskTitles(got), want)
	}
}

func testTaskListFilters(t *testing.T, store Tasks) {
	ctx, user := context.Background(), newUser()
	base, due := time.Now().Add(-time.Hour), micro(time.Now().Add(24*time.Hour))
	soon := newTask(t, user, taskSpec{title: "soon", priority: task.PriorityLow, due: due, at: base})
	later := newTask(t, user, taskSpec{title: "later", priority: task.PriorityHigh, due: due.Add(time.Hour), at: base.Add(time.Second)})
	undated := newTask(t, user, taskSpec{title: "undated", priority: task.PriorityHigh, at: base.Add(2 * time.Second)})
	done := newTask(t, user, taskSpec{title: "done", at: base.Add(3 * time.Second)})
	mustAddTask(t, store, soon, later, undated, done)
	if err := store.Change(ctx, user, done.ID(), meta, edit(task.ActionCompleted, time.Now(), (*task.Task).Complete)); err != nil {
		t.Fatalf("Change: %v", err)
	}

	for _, tc := range []struct {
		name string
		q    task.ListQuery
		want []string
	}{
		{"none", task.ListQuery{}, []string{"done", "undated", "later", "soon"}},
		{"status done", task.ListQuery{Status: task.StatusDone}, []string{"done"}},
		{"status todo", task.ListQuery{Status: task.StatusTodo}, []string{"undated", "later", "soon"}},
		{"priority high", task.ListQuery{Priority: task.PriorityHigh}, []string{"undated", "later"}},
		{"due before is strict", task.ListQuery{DueBefore: due}, []string{}},
		{"due before", task.ListQuery{DueBefore: due.Add(time.Hour + time.Microsecond)}, []string{"later", "soon"}},
		{"all three", task.ListQuery{Status: task.StatusTodo, Priority: task.PriorityHigh, DueBefore: due.Add(2 * time.Hour)}, []string{"later"}},
		{"nothing matches", task.ListQuery{Status: task.StatusInProgress}, []string{}},
	} {
		tc.q.UserID, tc.q.Limit = user, 10
		if got := taskTitles(mustListTasks(t, store, tc.q).Items); !slices.Equal(got, tc.want) {
			t.Errorf("%s: listed %v, want %v", tc.name, got, tc.want)
		}
	}
}

func testTaskChange(t *testing.T, store Tasks) {
	ctx, user := context.Background(), newUser()
	created := time.Now().Add(-time.Hour)
	tk := newTask(t, user, taskSpec{title: "draft", at: created})
	mustAddTask(t, store, tk)

	later := micro(created.Add(30 * time.Minute))
	var seen task.Snapshot
	err := store.Change(ctx, user, tk.ID(), meta, edit(task.ActionUpdated, later, func(t *task.Task) error {
		seen = t.Snapshot()
		if err := t.Rename("final"); err != nil {
			return err
		}
		if err := t.Prioritize(task.PriorityUrgent); err != nil {
			return err
		}
		return t.Start()
	}))
	if err != nil {
		t.Fatalf("Change: %v", err)
	}
	assertSameSnapshot(t, seen, tk.Snapshot())

	got := mustGetTask(t, store, user, tk.ID())
	if got.Title() != "final" || got.Priority() != task.PriorityUrgent || got.Status() != task.StatusInProgress {
		t.Errorf("stored %q/%s/%s, want final/urgent/in_progress", got.Title(), got.Priority(), got.Status())
	}
	if got.Version() != 2 || !got.UpdatedAt().Equal(later) || !got.CreatedAt().Equal(tk.CreatedAt()) {
		t.Errorf("version %d, created %v, updated %v; want 2, %v, %v", got.Version(), got.CreatedAt(), got.UpdatedAt(), tk.CreatedAt(), later)
	}
}

func testTaskNoChange(t *testing.T, store Tasks) {
	ctx, user := context.Background(), newUser()
	tk := newTask(t, user, taskSpec{title: "same"})
	mustAddTask(t, store, tk)

	err := store.Change(ctx, user, tk.ID(), meta, edit(task.ActionUpdated, time.Now().Add(time.Hour), func(t *task.Task) error {
		return t.Rename("same") // the title it has: nothing changes
	}))
	if err != nil {
		t.Fatalf("Change: %v", err)
	}
	assertSameTask(t, mustGetTask(t, store, user, tk.ID()), tk)
}

func testTaskDecideFails(t *testing.T, store Tasks) {
	ctx, user := context.Background(), newUser()
	tk := newTask(t, user, taskSpec{title: "keep me"})
	mustAddTask(t, store, tk)

	errBoom := errors.New("boom")
	err := store.Change(ctx, user, tk.ID(), meta, func(t *task.Task) (*task.Change, error) {
		_ = t.Rename("changed")
		t.Touch(time.Now())
		return nil, errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("Change error = %v, want decide's error", err)
	}
	assertSameTask(t, mustGetTask(t, store, user, tk.ID()), tk)
}

func testTaskDelete(t *testing.T, store Tasks) {
	ctx, user := context.Background(), newUser()
	tk := newTask(t, user, taskSpec{title: "gone"})
	mustAddTask(t, store, tk)

	err := store.Change(ctx, user, tk.ID(), meta, func(t *task.Task) (*task.Change, error) {
		c := task.Deletion(t, micro(time.Now()))
		return &c, nil
	})
	if err != nil {
		t.Fatalf("Change (delete): %v", err)
	}
	_, err = store.Get(ctx, user, tk.ID())
	assertNotFound(t, "Get after delete", err)
	assertNotFound(t, "Change after delete", store.Change(ctx, user, tk.ID(), meta, neverCalled(t)))
	if page := mustListTasks(t, store, task.ListQuery{UserID: user, Limit: 10}); len(page.Items) != 0 {
		t.Errorf("lists %v after delete, want none", taskTitles(page.Items))
	}

	// A retried create with the idempotency key of the deleted task does not bring it back.
	added, err := store.Add(ctx, task.NewChange(task.ActionCreated, tk), meta)
	if err != nil || added {
		t.Fatalf("Add after delete = %v, %v; want false, nil", added, err)
	}
	_, err = store.Get(ctx, user, tk.ID())
	assertNotFound(t, "Get after the replayed Add", err)
}

func testTaskChangeUnknown(t *testing.T, store Tasks) {
	ctx, user := context.Background(), newUser()
	assertNotFound(t, "Change unknown id", store.Change(ctx, user, uuid.NewString(), meta, neverCalled(t)))
	assertNotFound(t, "Change malformed id", store.Change(ctx, user, "not-a-uuid", meta, neverCalled(t)))
}
