package command_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

const eventID = "0193a1e0-0000-7000-8000-0000000000e1"

// recorded returns the task event of completing the task of storedTask.
func recorded(t *testing.T) task.Recorded {
	t.Helper()
	tk := storedTask(t, newFakeTasks(), task.StatusTodo)
	if err := tk.Complete(); err != nil {
		t.Fatal(err)
	}
	tk.Touch(fixedNow)
	return task.NewChange(task.ActionCompleted, tk).Recorded()
}

// An event is recorded once, as the entry of its action and snapshot: a second delivery of it
// changes nothing and reports so.
func TestRecordTaskEventAppliesEachEventOnce(t *testing.T) {
	t.Parallel()
	log := &fakeAuditLog{}
	record := command.NewRecordTaskEventHandler(log)
	ev := recorded(t)
	for i, want := range []bool{true, false} {
		if added, err := record.Handle(context.Background(), command.RecordTaskEvent{EventID: eventID, Event: ev}); err != nil || added != want {
			t.Errorf("delivery %d = %v, %v; want %v", i+1, added, err, want)
		}
	}
	if !slices.Equal(log.eventIDs(), []string{eventID}) {
		t.Fatalf("recorded events %q, want %q once", log.eventIDs(), eventID)
	}
	e := log.recorded[0]
	if e.Action != task.ActionCompleted || describeTask(e.Task) != describeTask(ev.Task) || !e.At.Equal(fixedNow) {
		t.Errorf("entry %s %s at %v, want completed %s at %v", e.Action, describeTask(e.Task), e.At, describeTask(ev.Task), fixedNow)
	}
}

// An event the domain would not have written is an error of kind invalid, and is not recorded.
func TestRecordTaskEventRefusesAnInvalidEvent(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		id    string
		spoil func(*task.Recorded)
	}{
		{"an event id that is not a UUID", "e1", func(*task.Recorded) {}},
		{"an unknown action", eventID, func(r *task.Recorded) { r.Action = "archived" }},
		{"a task id that is not a UUID", eventID, func(r *task.Recorded) { r.Task.ID = "t1" }},
		{"no owner", eventID, func(r *task.Recorded) { r.Task.UserID = "" }},
		{"version 0", eventID, func(r *task.Recorded) { r.Task.Version = 0 }},
		{"an unknown status", eventID, func(r *task.Recorded) { r.Task.Status = "archived" }},
		{"an unknown priority", eventID, func(r *task.Recorded) { r.Task.Priority = "critical" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			log := &fakeAuditLog{}
			ev := recorded(t)
			tc.spoil(&ev)
			added, err := command.NewRecordTaskEventHandler(log).Handle(context.Background(), command.RecordTaskEvent{EventID: tc.id, Event: ev})
			if shared.KindOf(err) != shared.KindInvalid || added {
				t.Errorf("Handle = %v, %v; want an invalid-kind error", added, err)
			}
			if log.calls != 0 {
				t.Errorf("the log was called %d times, want never", log.calls)
			}
		})
	}
}

func TestRecordTaskEventReturnsTheLogsError(t *testing.T) {
	t.Parallel()
	log := &fakeAuditLog{fail: errStore}
	added, err := command.NewRecordTaskEventHandler(log).Handle(context.Background(), command.RecordTaskEvent{EventID: eventID, Event: recorded(t)})
	if !errors.Is(err, errStore) || added {
		t.Errorf("Handle = %v, %v; want the log's error", added, err)
	}
}
