package task_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

var now = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

const id = "01934b6e-0000-7000-8000-000000000001"

func newTask(t *testing.T) *task.Task {
	t.Helper()
	tk, err := task.New(id, "alice", "  Write report  ", "draft", task.Priority{}, time.Time{}, now)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestNewTaskDefaultsAndValidation(t *testing.T) {
	t.Parallel()
	tk := newTask(t)
	if tk.Title() != "Write report" || tk.Status() != task.StatusTodo || tk.Priority() != task.PriorityMedium ||
		tk.Version() != 1 || len(tk.Changed()) != 0 {
		t.Errorf("new task: %q %s %s v%d changed %v", tk.Title(), tk.Status(), tk.Priority(), tk.Version(), tk.Changed())
	}
	if _, ok := tk.DueAt(); ok {
		t.Error("a zero due time must mean none")
	}
	for name, tc := range map[string]struct {
		id, user, title string
		due             time.Time
	}{
		"bad id":          {"nope", "alice", "t", time.Time{}},
		"bad user":        {id, "", "t", time.Time{}},
		"empty title":     {id, "alice", "   ", time.Time{}},
		"long title":      {id, "alice", strings.Repeat("x", task.MaxTitleLength+1), time.Time{}},
		"control char":    {id, "alice", "a\x00b", time.Time{}},
		"due year 10000":  {id, "alice", "t", time.Date(9999, 12, 31, 23, 0, 0, 0, time.FixedZone("", -2*3600))},
		"due before 1970": {id, "alice", "t", time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)},
	} {
		if _, err := task.New(tc.id, shared.UserID(tc.user), tc.title, "", task.PriorityLow, tc.due, now); shared.KindOf(err) != shared.KindInvalid {
			t.Errorf("%s: got %v, want an invalid-kind error", name, err)
		}
	}
}

func TestStatusTransitions(t *testing.T) {
	t.Parallel()
	tk := newTask(t)
	if err := tk.Reopen(); shared.KindOf(err) != shared.KindConflict {
		t.Errorf("reopen a todo task: %v, want conflict", err)
	}
	if err := tk.Start(); err != nil || tk.Status() != task.StatusInProgress {
		t.Fatalf("start: %v %s", err, tk.Status())
	}
	if err := tk.Complete(); err != nil || tk.Status() != task.StatusDone {
		t.Fatalf("complete: %v %s", err, tk.Status())
	}
	if err := tk.Complete(); shared.KindOf(err) != shared.KindConflict {
		t.Errorf("complete a done task: %v, want conflict", err)
	}
	if err := tk.Start(); shared.KindOf(err) != shared.KindConflict {
		t.Errorf("start a done task: %v, want conflict", err)
	}
	if err := tk.MoveTo(task.StatusInProgress); err != nil || tk.Status() != task.StatusInProgress {
		t.Errorf("move a done task to in_progress (reopen and start): %v %s", err, tk.Status())
	}
	if err := tk.Reopen(); shared.KindOf(err) != shared.KindConflict {
		t.Errorf("reopen a task in progress: %v, want conflict", err)
	}
}

func TestTouchRecordsOnlyRealChanges(t *testing.T) {
	t.Parallel()
	tk := newTask(t)
	if err := tk.Rename("Write report"); err != nil {
		t.Fatal(err)
	}
	if tk.Touch(now.Add(time.Minute)) || tk.Version() != 1 {
		t.Fatalf("renaming to the same title recorded a change: v%d %v", tk.Version(), tk.Changed())
	}
	due := now.Add(48 * time.Hour)
	if err := tk.SetDue(due); err != nil {
		t.Fatal(err)
	}
	if err := tk.Prioritize(task.PriorityUrgent); err != nil {
		t.Fatal(err)
	}
	later := now.Add(time.Hour)
	if !tk.Touch(later) || tk.Version() != 2 || !tk.UpdatedAt().Equal(later) {
		t.Fatalf("touch: v%d at %v", tk.Version(), tk.UpdatedAt())
	}
	if got := tk.Changed(); !slices.Equal(got, []string{task.FieldDueAt, task.FieldPriority}) {
		t.Errorf("changed %v", got)
	}
	if err := tk.CheckVersion(1); shared.KindOf(err) != shared.KindPreconditionFailed {
		t.Errorf("stale version: %v, want precondition failed", err)
	}
	if err := tk.CheckVersion(2); err != nil {
		t.Errorf("current version: %v", err)
	}
}

func TestChangeEvents(t *testing.T) {
	t.Parallel()
	tk := newTask(t)
	created := task.NewChange(task.ActionCreated, tk).Changed()
	if len(created.Changes) != 5 || created.Changes[task.FieldTitle] != "Write report" || created.Version != 1 {
		t.Errorf("created event lists %v", created.Changes)
	}
	if err := tk.Complete(); err != nil {
		t.Fatal(err)
	}
	tk.Touch(now.Add(time.Minute))
	c := task.NewChange(task.ActionCompleted, tk)
	if ch := c.Changed(); len(ch.Changes) != 1 || ch.Changes[task.FieldStatus] != "done" || ch.Action != "completed" || ch.Version != 2 {
		t.Errorf("completed event %+v", ch)
	}
	if r := c.Recorded(); r.Action != "completed" || r.Task.Status != "done" || r.Task.Version != 2 {
		t.Errorf("recorded event %+v", r)
	}
	d := task.Deletion(tk, now.Add(2*time.Minute))
	if d.Action != task.ActionDeleted || d.Task.Version != 3 || len(d.Changed().Changes) != 0 {
		t.Errorf("deletion %+v", d)
	}
	back, err := task.Rehydrate(c.Task)
	if err != nil || back.Version() != 2 || back.Status() != task.StatusDone {
		t.Errorf("rehydrate: %v %v", back, err)
	}
}
