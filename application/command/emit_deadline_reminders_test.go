package command_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// fakeClaimer is a command.ReminderClaimer over a list of tasks: it keeps the claims in a map
// and the requests it emitted in order. fail, when set, fails every call; declineAll hands over
// the done tasks too, which the rules decline.
type fakeClaimer struct {
	tasks      []*task.Task
	claimed    map[task.Reminder]bool
	emitted    []notification.Requested
	calls      []int // the number of tasks each call handed to decide
	fail       error
	declineAll bool
}

func newFakeClaimer(tasks ...*task.Task) *fakeClaimer {
	return &fakeClaimer{tasks: tasks, claimed: map[task.Reminder]bool{}}
}

func (f *fakeClaimer) ClaimReminders(_ context.Context, r task.ReminderRange, limit int, decide command.DecideReminder) (int, error) {
	if f.fail != nil {
		return 0, f.fail
	}
	var picked []*task.Task
	for _, t := range f.tasks {
		due, ok := t.DueAt()
		key := task.Reminder{TaskID: t.ID(), Kind: r.Kind, DueAt: due}
		if ok && r.Contains(due) && !f.claimed[key] && (f.declineAll || t.Status() != task.StatusDone) {
			picked = append(picked, t)
		}
	}
	slices.SortFunc(picked, func(a, b *task.Task) int { return dueOf(a).Compare(dueOf(b)) })
	picked = picked[:min(limit, len(picked))]
	f.calls = append(f.calls, len(picked))
	var decided []*command.DueReminder
	for _, t := range picked {
		d, err := decide(t)
		if err != nil {
			return 0, err
		}
		if d != nil {
			decided = append(decided, d)
		}
	}
	for _, d := range decided {
		f.claimed[d.Reminder] = true
		f.emitted = append(f.emitted, d.Request)
	}
	return len(decided), nil
}

func dueOf(t *task.Task) time.Time {
	due, _ := t.DueAt()
	return due
}

// taskSeq numbers the tasks of the reminder tests, which run in parallel.
var taskSeq atomic.Int64

func remindedTask(t *testing.T, title string, due time.Time) *task.Task {
	t.Helper()
	id := fmt.Sprintf("01934b6e-0000-7000-8000-%012d", taskSeq.Add(1))
	tk, err := task.New(id, "alice", title, "", task.PriorityMedium, due, fixedNow.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func reminderHandler(t *testing.T, claims command.ReminderClaimer, window time.Duration, batch int) command.EmitDeadlineRemindersHandler {
	t.Helper()
	p, err := task.NewReminderPolicy(window, task.OverdueLookback)
	if err != nil {
		t.Fatal(err)
	}
	return command.NewEmitDeadlineRemindersHandler(claims, command.DeadlineReminderConfig{
		Policy: p, BatchSize: batch, Channels: []notification.Channel{notification.ChannelInApp, notification.ChannelEmail},
	})
}

func emitAt(t *testing.T, h command.EmitDeadlineRemindersHandler, at time.Time, want int) {
	t.Helper()
	out, err := h.Handle(context.Background(), command.EmitDeadlineReminders{At: at})
	if err != nil || out.Emitted != want {
		t.Fatalf("round at %v: %+v, %v; want %d emitted", at, out, err, want)
	}
}

// A round asks the claimer for the overdue range and then the due-soon range, and the decided
// reminders carry their identity and the request the notification context words for them.
func TestEmitDeadlineRemindersDecidesByTheRules(t *testing.T) {
	t.Parallel()
	soon := remindedTask(t, "Write the report", fixedNow.Add(30*time.Minute))
	late := remindedTask(t, "Pay the rent", fixedNow.Add(-10*time.Minute))
	later := remindedTask(t, "Plan the trip", fixedNow.Add(2*time.Hour))
	claims := newFakeClaimer(soon, late, later)
	h := reminderHandler(t, claims, time.Hour, 10)

	emitAt(t, h, fixedNow, 2)
	emitAt(t, h, fixedNow, 0)
	emitAt(t, h, fixedNow.Add(90*time.Minute), 2) // soon is overdue, later due soon

	want := []struct {
		tk  *task.Task
		typ string
	}{
		{late, notification.TypeTaskOverdue}, {soon, notification.TypeTaskDueSoon},
		{soon, notification.TypeTaskOverdue}, {later, notification.TypeTaskDueSoon},
	}
	if len(claims.emitted) != len(want) {
		t.Fatalf("emitted %+v", claims.emitted)
	}
	for i, w := range want {
		got, due := claims.emitted[i], dueOf(w.tk)
		wantReq, err := notification.Reminder{Type: w.typ, TaskID: w.tk.ID(), UserID: "alice", TaskTitle: w.tk.Title(), DueAt: due}.
			Request([]notification.Channel{notification.ChannelInApp, notification.ChannelEmail}, got.RequestedAt)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(wantReq) {
			t.Errorf("reminder %d = %+v\nwant %+v", i, got, wantReq)
		}
	}
	kinds := map[task.ReminderKind]int{}
	for key := range claims.claimed {
		kinds[key.Kind]++
	}
	if kinds[task.ReminderDueSoon] != 2 || kinds[task.ReminderOverdue] != 2 {
		t.Errorf("claimed %v", claims.claimed)
	}
}

// A round takes batches until one is not full.
func TestEmitDeadlineRemindersTakesBatches(t *testing.T) {
	t.Parallel()
	var tasks []*task.Task
	for i := range 7 {
		tasks = append(tasks, remindedTask(t, "task", fixedNow.Add(time.Duration(i+1)*time.Minute)))
	}
	claims := newFakeClaimer(tasks...)
	emitAt(t, reminderHandler(t, claims, time.Hour, 3), fixedNow, 7)
	if want := []int{0, 3, 3, 1}; !slices.Equal(claims.calls, want) {
		t.Errorf("batches of %v tasks, want %v (overdue, then due soon)", claims.calls, want)
	}
}

// A full batch of tasks the rules decline ends the round instead of reading them again.
func TestEmitDeadlineRemindersStopsAtDeclinedTasks(t *testing.T) {
	t.Parallel()
	var tasks []*task.Task
	for i := range 3 {
		tk := remindedTask(t, "done", fixedNow.Add(time.Duration(i+1)*time.Minute))
		if err := tk.Complete(); err != nil {
			t.Fatal(err)
		}
		tasks = append(tasks, tk)
	}
	claims := newFakeClaimer(tasks...)
	claims.declineAll = true
	emitAt(t, reminderHandler(t, claims, time.Hour, 3), fixedNow, 0)
	if want := []int{0, 3}; !slices.Equal(claims.calls, want) {
		t.Errorf("batches of %v tasks, want %v", claims.calls, want)
	}
}

// A policy that is off never asks the claimer.
func TestEmitDeadlineRemindersOff(t *testing.T) {
	t.Parallel()
	claims := newFakeClaimer(remindedTask(t, "late", fixedNow.Add(-time.Minute)))
	emitAt(t, reminderHandler(t, claims, 0, 10), fixedNow, 0)
	if len(claims.calls) != 0 {
		t.Errorf("the claimer was called %d times", len(claims.calls))
	}
}

// A failing claimer fails the round with its error, kind kept.
func TestEmitDeadlineRemindersReportsTheClaimersError(t *testing.T) {
	t.Parallel()
	claims := newFakeClaimer()
	claims.fail = shared.Unavailable("database", errors.New("connection refused"))
	_, err := reminderHandler(t, claims, time.Hour, 10).Handle(context.Background(), command.EmitDeadlineReminders{At: fixedNow})
	if !errors.Is(err, claims.fail) || shared.KindOf(err) != shared.KindUnavailable {
		t.Errorf("Handle = %v, want the claimer's unavailable error", err)
	}
}

// Channels the notification-service would refuse are refused at the start.
func TestDeadlineReminderConfigValidates(t *testing.T) {
	t.Parallel()
	for _, channels := range [][]notification.Channel{
		{"pigeon"}, {notification.ChannelInApp, notification.ChannelInApp},
	} {
		if err := (command.DeadlineReminderConfig{Channels: channels}).Validate(); err == nil {
			t.Errorf("channels %v were accepted", channels)
		}
	}
	if err := (command.DeadlineReminderConfig{}).Validate(); err != nil {
		t.Errorf("the defaults do not validate: %v", err)
	}
}
