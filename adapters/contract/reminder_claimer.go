package contract

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// Reminders is what the reminder suite exercises: a task store, the claimer over its tasks, and
// the notification requests the claimer emitted so far, in order.
type Reminders struct {
	Tasks   Tasks
	Claimer command.ReminderClaimer
	Emitted func(t *testing.T) []notification.Requested
}

// ReminderClaimer runs the command.ReminderClaimer contract, driven by the EmitDeadlineReminders
// use case, against what newReminders returns. A claimer looks at every task it holds, so each
// subtest gets its own.
func ReminderClaimer(t *testing.T, newReminders func(t *testing.T) Reminders) {
	tests := []struct {
		name string
		run  func(t *testing.T, r Reminders)
	}{
		{"each reminder once, none for done tasks or tasks without a due time", testRemindersOnce},
		{"a moved deadline reminds again", testRemindersMovedDeadline},
		{"a round takes every batch", testRemindersBatches},
		{"a deleted or completed task gets no more reminders", testRemindersDeletedOrCompleted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, newReminders(t))
		})
	}
}

// reminderRounds returns a function that runs a round at a time and checks how many reminders
// it emitted.
func reminderRounds(t *testing.T, claimer command.ReminderClaimer, batch int) func(at time.Time, want int) {
	policy, err := task.NewReminderPolicy(time.Hour, task.OverdueLookback)
	if err != nil {
		t.Fatal(err)
	}
	h := command.NewEmitDeadlineRemindersHandler(claimer, command.DeadlineReminderConfig{Policy: policy, BatchSize: batch})
	return func(at time.Time, want int) {
		t.Helper()
		out, err := h.Handle(context.Background(), command.EmitDeadlineReminders{At: at})
		if err != nil || out.Emitted != want {
			t.Fatalf("round at %v: %+v, %v; want %d emitted", at, out, err, want)
		}
	}
}

// assertReminders checks the emitted requests against want, "<title> <type>" in order, and
// that each carries the id of its task, type and due time.
func assertReminders(t *testing.T, r Reminders, byID map[string]*task.Task, want ...string) {
	t.Helper()
	got := r.Emitted(t)
	var seen []string
	for _, req := range got {
		tk, ok := byID[req.TaskID]
		if !ok {
			t.Errorf("a reminder for an unknown task: %+v", req)
			continue
		}
		seen = append(seen, tk.Title()+" "+req.Type)
		due, _ := tk.DueAt()
		if req.ID != notification.ReminderID(tk.ID(), req.Type, due) || req.UserID != string(tk.UserID()) {
			t.Errorf("reminder %+v is not the one of task %s due at %v", req, tk.ID(), due)
		}
	}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("reminders %v\nwant      %v", seen, want)
	}
}

func tasksByID(tasks ...*task.Task) map[string]*task.Task {
	m := map[string]*task.Task{}
	for _, tk := range tasks {
		m[tk.ID()] = tk
	}
	return m
}

func testRemindersOnce(t *testing.T, r Reminders) {
	user, now := newUser(), micro(time.Now())
	soon := newTask(t, user, taskSpec{title: "soon", due: now.Add(30 * time.Minute)})
	late := newTask(t, user, taskSpec{title: "late", due: now.Add(-10 * time.Minute)})
	later := newTask(t, user, taskSpec{title: "later", due: now.Add(2 * time.Hour)})
	done := newTask(t, user, taskSpec{title: "done", due: now.Add(10 * time.Minute)})
	mustAddTask(t, r.Tasks, soon, late, later, done, newTask(t, user, taskSpec{title: "someday"}))
	mustChangeTask(t, r.Tasks, done, edit(task.ActionCompleted, now, (*task.Task).Complete))

	round := reminderRounds(t, r.Claimer, 10)
	round(now, 2)
	round(now, 0)
	round(now.Add(time.Minute), 0)
	round(now.Add(90*time.Minute), 2) // soon is overdue, later due soon
	round(now.Add(3*time.Hour), 1)    // later is overdue
	round(now.Add(3*time.Hour), 0)
	assertReminders(t, r, tasksByID(soon, late, later, done),
		"late task.overdue", "soon task.due_soon", "soon task.overdue", "later task.due_soon", "later task.overdue")
}

func testRemindersMovedDeadline(t *testing.T, r Reminders) {
	user, now := newUser(), micro(time.Now())
	first, moved := now.Add(30*time.Minute), now.Add(45*time.Minute)
	tk := newTask(t, user, taskSpec{title: "moving", due: first})
	mustAddTask(t, r.Tasks, tk)
	setDue := func(due time.Time) {
		mustChangeTask(t, r.Tasks, tk, edit(task.ActionUpdated, now, func(tk *task.Task) error { return tk.SetDue(due) }))
	}

	round := reminderRounds(t, r.Claimer, 10)
	round(now, 1)
	setDue(moved)
	round(now, 1)
	setDue(first) // reminded of already
	round(now, 0)

	got := r.Emitted(t)
	if len(got) != 2 || got[0].ID != notification.ReminderID(tk.ID(), notification.TypeTaskDueSoon, first) ||
		got[1].ID != notification.ReminderID(tk.ID(), notification.TypeTaskDueSoon, moved) {
		t.Errorf("reminders %+v, want one for each deadline", got)
	}
}

func testRemindersBatches(t *testing.T, r Reminders) {
	user, now := newUser(), micro(time.Now())
	var tasks []*task.Task
	for i := range 25 {
		due := now.Add(time.Duration(i) * time.Minute)
		if i%3 == 0 {
			due = now.Add(-time.Duration(i+1) * time.Minute)
		}
		tasks = append(tasks, newTask(t, user, taskSpec{title: fmt.Sprintf("task %d", i), due: due}))
	}
	mustAddTask(t, r.Tasks, tasks...)

	round := reminderRounds(t, r.Claimer, 4)
	round(now, 25)
	round(now, 0)
	perTask := map[string]int{}
	for _, req := range r.Emitted(t) {
		perTask[req.TaskID]++
	}
	if len(perTask) != 25 {
		t.Errorf("%d tasks got reminders, want 25: %v", len(perTask), perTask)
	}
}

func testRemindersDeletedOrCompleted(t *testing.T, r Reminders) {
	user, now := newUser(), micro(time.Now())
	gone := newTask(t, user, taskSpec{title: "gone", due: now.Add(30 * time.Minute)})
	finished := newTask(t, user, taskSpec{title: "finished", due: now.Add(40 * time.Minute)})
	mustAddTask(t, r.Tasks, gone, finished)

	round := reminderRounds(t, r.Claimer, 10)
	round(now, 2)
	mustChangeTask(t, r.Tasks, gone, func(tk *task.Task) (*task.Change, error) {
		c := task.Deletion(tk, now)
		return &c, nil
	})
	mustChangeTask(t, r.Tasks, finished, edit(task.ActionCompleted, now, (*task.Task).Complete))
	round(now.Add(time.Hour), 0)
	assertReminders(t, r, tasksByID(gone, finished), "gone task.due_soon", "finished task.due_soon")
}

func mustChangeTask(t *testing.T, store Tasks, tk *task.Task, decide func(*task.Task) (*task.Change, error)) {
	t.Helper()
	if err := store.Change(context.Background(), tk.UserID(), tk.ID(), shared.EventMeta{}, decide); err != nil {
		t.Fatalf("Change(%s): %v", tk.Title(), err)
	}
}
