package contract

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// meta is the event metadata of every change the task suites make.
var meta = shared.EventMeta{CorrelationID: "contract-suite"}

// taskSpec describes a task to create; zero fields take defaults.
type taskSpec struct {
	title    string
	priority task.Priority
	due      time.Time
	at       time.Time
}

func newTask(t *testing.T, user shared.UserID, s taskSpec) *task.Task {
	t.Helper()
	if s.at.IsZero() {
		s.at = time.Now()
	}
	if !s.due.IsZero() {
		s.due = micro(s.due)
	}
	tk, err := task.New(uuid.NewString(), user, s.title, "about "+s.title, s.priority, s.due, micro(s.at))
	if err != nil {
		t.Fatalf("task.New: %v", err)
	}
	return tk
}

func mustAddTask(t *testing.T, store Tasks, tasks ...*task.Task) {
	t.Helper()
	for _, tk := range tasks {
		added, err := store.Add(context.Background(), task.NewChange(task.ActionCreated, tk), meta)
		if err != nil || !added {
			t.Fatalf("Add(%s) = %v, %v; want true, nil", tk.Title(), added, err)
		}
	}
}

func mustGetTask(t *testing.T, store Tasks, user shared.UserID, id string) *task.Task {
	t.Helper()
	got, err := store.Get(context.Background(), user, id)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	return got
}

func mustListTasks(t *testing.T, store Tasks, q task.ListQuery) task.Page {
	t.Helper()
	page, err := store.List(context.Background(), q)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	return page
}

// edit returns a decide function that applies change to the task, at now, as the use cases do.
func edit(action task.Action, now time.Time, change func(*task.Task) error) func(*task.Task) (*task.Change, error) {
	return func(tk *task.Task) (*task.Change, error) {
		if err := change(tk); err != nil {
			return nil, err
		}
		if !tk.Touch(micro(now)) {
			return nil, nil
		}
		c := task.NewChange(action, tk)
		return &c, nil
	}
}

// neverCalled is a decide function for a task that must not be found.
func neverCalled(t *testing.T) func(*task.Task) (*task.Change, error) {
	return func(*task.Task) (*task.Change, error) {
		t.Error("decide was called for a task that is not the caller's")
		return nil, nil
	}
}

func assertSameTask(t *testing.T, got, want *task.Task) {
	t.Helper()
	assertSameSnapshot(t, got.Snapshot(), want.Snapshot())
}

func assertSameSnapshot(t *testing.T, got, want task.Snapshot) {
	t.Helper()
	if describeSnapshot(got) != describeSnapshot(want) {
		t.Errorf("got  %s\nwant %s", describeSnapshot(got), describeSnapshot(want))
	}
}

// describeSnapshot prints every field, times in UTC, so equal instants compare equal.
func describeSnapshot(s task.Snapshot) string {
	due := "no due time"
	if s.DueAt != nil {
		due = s.DueAt.UTC().Format(time.RFC3339Nano)
	}
	return strings.Join([]string{s.ID, s.UserID, s.Title, s.Description, s.Status, s.Priority, due,
		s.CreatedAt.UTC().Format(time.RFC3339Nano), s.UpdatedAt.UTC().Format(time.RFC3339Nano),
		fmt.Sprint("v", s.Version)}, " | ")
}

// newestTasksFirst returns the tasks in List order: created_at descending, then id descending.
func newestTasksFirst(tasks []*task.Task) []*task.Task {
	s := slices.Clone(tasks)
	slices.SortFunc(s, func(a, b *task.Task) int {
		if c := b.CreatedAt().Compare(a.CreatedAt()); c != 0 {
			return c
		}
		return strings.Compare(b.ID(), a.ID())
	})
	return s
}

func taskTitles(tasks []*task.Task) []string {
	out := make([]string, len(tasks))
	for i, t := range tasks {
		out[i] = t.Title()
	}
	return out
}
