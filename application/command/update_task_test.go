package command_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

func newUpdateTask(store *fakeTasks) command.UpdateTaskHandler {
	return command.NewUpdateTaskHandler(store, clockAt(fixedNow))
}

// UpdateTask is a merge patch: the fields that are set change, nil fields stay as they are. The
// change is stored as updated, one version on, at the clock's time, and names the fields it set
// in the order the task took them.
func TestUpdateTaskChangesOnlyTheFieldsThatAreSet(t *testing.T) {
	t.Parallel()
	newDue := fixedNow.Add(72 * time.Hour)
	cases := []struct {
		name   string
		cmd    command.UpdateTask
		fields []string
		want   func(*task.Snapshot)
	}{
		{"title", command.UpdateTask{Title: ptr(" Write the summary ")}, []string{task.FieldTitle},
			func(s *task.Snapshot) { s.Title = "Write the summary" }},
		{"an empty description clears it", command.UpdateTask{Description: ptr("")}, []string{task.FieldDescription},
			func(s *task.Snapshot) { s.Description = "" }},
		{"priority", command.UpdateTask{Priority: ptr("urgent")}, []string{task.FieldPriority},
			func(s *task.Snapshot) { s.Priority = "urgent" }},
		{"due time", command.UpdateTask{DueAt: &newDue}, []string{task.FieldDueAt},
			func(s *task.Snapshot) { s.DueAt = &newDue }},
		{"a zero due time removes it", command.UpdateTask{DueAt: &time.Time{}}, []string{task.FieldDueAt},
			func(s *task.Snapshot) { s.DueAt = nil }},
		{"status", command.UpdateTask{Status: ptr("in_progress")}, []string{task.FieldStatus},
			func(s *task.Snapshot) { s.Status = "in_progress" }},
		{"several, one unchanged", command.UpdateTask{Status: ptr("done"), Title: ptr("Ship it"), Priority: ptr("high"), Description: ptr("now")},
			[]string{task.FieldTitle, task.FieldDescription, task.FieldStatus},
			func(s *task.Snapshot) { s.Title, s.Description, s.Status = "Ship it", "now", "done" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := newFakeTasks()
			want := storedTask(t, store, task.StatusTodo).Snapshot()
			tc.want(&want)
			want.Version, want.UpdatedAt = 2, fixedNow
			cmd := tc.cmd
			cmd.UserID, cmd.ID, cmd.Meta = "alice", taskID, shared.EventMeta{CorrelationID: "corr-1"}
			got, err := newUpdateTask(store).Handle(context.Background(), cmd)
			if err != nil {
				t.Fatal(err)
			}
			if describeTask(got.Snapshot()) != describeTask(want) {
				t.Errorf("answered %s\nwant        %s", describeTask(got.Snapshot()), describeTask(want))
			}
			if stored, _ := store.snapshot(taskID); describeTask(stored) != describeTask(want) {
				t.Errorf("stored %s\nwant   %s", describeTask(stored), describeTask(want))
			}
			if len(store.stored) != 1 {
				t.Fatalf("stored %d changes, want 1", len(store.stored))
			}
			c := store.stored[0]
			if c.Action != task.ActionUpdated || !slices.Equal(c.Fields, tc.fields) || describeTask(c.Task) != describeTask(want) {
				t.Errorf("change %s %v %s, want updated %v", c.Action, c.Fields, describeTask(c.Task), tc.fields)
			}
			if store.metas[0] != cmd.Meta {
				t.Errorf("metadata %+v, want %+v", store.metas[0], cmd.Meta)
			}
		})
	}
}

// An update that changes nothing writes nothing: the task keeps its version and time.
func TestUpdateTaskThatChangesNothingWritesNothing(t *testing.T) {
	t.Parallel()
	due := fixedNow.Add(48 * time.Hour).In(time.FixedZone("UTC+2", 2*60*60))
	cases := []struct {
		name   string
		status task.Status
		cmd    command.UpdateTask
	}{
		{"no field set", task.StatusTodo, command.UpdateTask{}},
		{"the same values", task.StatusTodo, command.UpdateTask{
			Title: ptr("  Write the report "), Description: ptr("for the board"), Priority: ptr("high"), Status: ptr("todo"), DueAt: &due,
		}},
		{"done again", task.StatusDone, command.UpdateTask{Status: ptr("done")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := newFakeTasks()
			before := storedTask(t, store, tc.status).Snapshot()
			cmd := tc.cmd
			cmd.UserID, cmd.ID = "alice", taskID
			got, err := newUpdateTask(store).Handle(context.Background(), cmd)
			if err != nil || got == nil {
				t.Fatalf("Handle = %v, %v", got, err)
			}
			if describeTask(got.Snapshot()) != describeTask(before) {
				t.Errorf("answered %s\nwant the task as it was %s", describeTask(got.Snapshot()), describeTask(before))
			}
			if stored, _ := store.snapshot(taskID); describeTask(stored) != describeTask(before) || len(store.stored) != 0 {
				t.Errorf("stored %+v, task now %s; want nothing written", store.stored, describeTask(stored))
			}
		})
	}
}

// If-Match lists the versions the caller accepts; any other fails the update with a
// precondition-failed error and writes nothing.
func TestUpdateTaskChecksIfMatch(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		ifMatch []int64
		ok      bool
	}{
		{"none: any version", nil, true},
		{"the current version", []int64{2}, true},
		{"one of several", []int64{5, 2}, true},
		{"an older version", []int64{1}, false},
		{"a newer version", []int64{3}, false},
		{"none of several", []int64{1, 3}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := newFakeTasks()
			storedTask(t, store, task.StatusInProgress) // version 2
			_, err := newUpdateTask(store).Handle(context.Background(), command.UpdateTask{
				UserID: "alice", ID: taskID, IfMatch: tc.ifMatch, Title: ptr("renamed"),
			})
			stored, _ := store.snapshot(taskID)
			if tc.ok {
				if err != nil || stored.Title != "renamed" || stored.Version != 3 || len(store.stored) != 1 {
					t.Errorf("error %v, stored %s", err, describeTask(stored))
				}
				return
			}
			if shared.KindOf(err) != shared.KindPreconditionFailed {
				t.Errorf("error %v, want precondition failed", err)
			}
			if stored.Title != "Write the report" || stored.Version != 2 || len(store.stored) != 0 {
				t.Errorf("a refused update was stored: %s", describeTask(stored))
			}
		})
	}
}

// An update that breaks a rule is refused whole: the fields set before the broken one are not
// stored either.
func TestUpdateTaskRefusesAnInvalidChangeAndStoresNothing(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		status task.Status
		cmd    command.UpdateTask
		kind   shared.Kind
	}{
		{"a blank title", task.StatusTodo, command.UpdateTask{Priority: ptr("low"), Title: ptr(" ")}, shared.KindInvalid},
		{"an unknown priority", task.StatusTodo, command.UpdateTask{Title: ptr("renamed"), Priority: ptr("critical")}, shared.KindInvalid},
		{"an unknown status", task.StatusTodo, command.UpdateTask{Title: ptr("renamed"), Status: ptr("archived")}, shared.KindInvalid},
		{"a due time before 1970", task.StatusTodo, command.UpdateTask{Title: ptr("renamed"), DueAt: ptr(time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC))}, shared.KindInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := newFakeTasks()
			before := storedTask(t, store, tc.status).Snapshot()
			cmd := tc.cmd
			cmd.UserID, cmd.ID = "alice", taskID
			if _, err := newUpdateTask(store).Handle(context.Background(), cmd); shared.KindOf(err) != tc.kind {
				t.Errorf("error %v, want kind %s", err, tc.kind)
			}
			if stored, _ := store.snapshot(taskID); describeTask(stored) != describeTask(before) || len(store.stored) != 0 {
				t.Errorf("stored %+v, task now %s", store.stored, describeTask(stored))
			}
		})
	}
}

// The status moves by the task's transitions: todo reopens a done task, in_progress reopens
// and starts it.
func TestUpdateTaskMovesTheStatus(t *testing.T) {
	t.Parallel()
	cases := []struct {
		from task.Status
		to   string
	}{
		{task.StatusDone, "todo"},
		{task.StatusDone, "in_progress"},
		{task.StatusInProgress, "done"},
		{task.StatusInProgress, "todo"},
	}
	for _, tc := range cases {
		t.Run(tc.from.String()+" to "+tc.to, func(t *testing.T) {
			t.Parallel()
			store := newFakeTasks()
			storedTask(t, store, tc.from)
			got, err := newUpdateTask(store).Handle(context.Background(), command.UpdateTask{UserID: "alice", ID: taskID, Status: ptr(tc.to)})
			if err != nil || got.Status().String() != tc.to {
				t.Fatalf("Handle: %v, status %v", err, got)
			}
			if stored, _ := store.snapshot(taskID); stored.Status != tc.to || stored.Version != 3 {
				t.Errorf("stored %s", describeTask(stored))
			}
		})
	}
}

func TestUpdateTaskOfWhatTheUserHasNot(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cmd  command.UpdateTask
	}{
		{"another user's", command.UpdateTask{UserID: "bob", ID: taskID, Title: ptr("mine now")}},
		{"an unknown id", command.UpdateTask{UserID: "alice", ID: "0193a1e0-0000-7000-8000-0000000000ff", Title: ptr("x")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := newFakeTasks()
			storedTask(t, store, task.StatusTodo)
			if _, err := newUpdateTask(store).Handle(context.Background(), tc.cmd); shared.KindOf(err) != shared.KindNotFound {
				t.Errorf("error %v, want not found", err)
			}
			if stored, _ := store.snapshot(taskID); stored.Title != "Write the report" || len(store.stored) != 0 {
				t.Errorf("stored %+v", store.stored)
			}
		})
	}
}

func TestUpdateTaskReturnsTheStoresError(t *testing.T) {
	t.Parallel()
	store := newFakeTasks()
	storedTask(t, store, task.StatusTodo)
	store.fail = errStore
	if _, err := newUpdateTask(store).Handle(context.Background(), command.UpdateTask{UserID: "alice", ID: taskID, Title: ptr("x")}); !errors.Is(err, errStore) {
		t.Errorf("error %v, want the store's", err)
	}
}
