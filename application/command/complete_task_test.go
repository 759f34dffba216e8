package command_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// transition runs CompleteTask or ReopenTask, as the HTTP port does, on store.
type transition struct {
	name   string
	action task.Action
	handle func(store *fakeTasks, cmd command.CompleteTask) (*task.Task, error)
}

var (
	completeTask = transition{"complete", task.ActionCompleted, func(store *fakeTasks, cmd command.CompleteTask) (*task.Task, error) {
		return command.NewCompleteTaskHandler(store, clockAt(fixedNow)).Handle(context.Background(), cmd)
	}}
	reopenTask = transition{"reopen", task.ActionReopened, func(store *fakeTasks, cmd command.CompleteTask) (*task.Task, error) {
		return command.NewReopenTaskHandler(store, clockAt(fixedNow)).Handle(context.Background(), command.ReopenTask(cmd))
	}}
)

// Complete marks a task in todo or in progress done; reopen moves a done task back to todo.
// Each stores its own action, one version on, at the clock's time, with the metadata.
func TestCompleteAndReopenTask(t *testing.T) {
	t.Parallel()
	cases := []struct {
		from task.Status
		run  transition
		to   task.Status
	}{
		{task.StatusTodo, completeTask, task.StatusDone},
		{task.StatusInProgress, completeTask, task.StatusDone},
		{task.StatusDone, reopenTask, task.StatusTodo},
	}
	for _, tc := range cases {
		t.Run(tc.run.name+" "+tc.from.String(), func(t *testing.T) {
			t.Parallel()
			store := newFakeTasks()
			want := storedTask(t, store, tc.from).Snapshot()
			want.Status, want.Version, want.UpdatedAt = tc.to.String(), want.Version+1, fixedNow
			meta := shared.EventMeta{CorrelationID: "corr-1"}
			got, err := tc.run.handle(store, command.CompleteTask{UserID: "alice", ID: taskID, Meta: meta})
			if err != nil {
				t.Fatal(err)
			}
			if describeTask(got.Snapshot()) != describeTask(want) {
				t.Errorf("answered %s\nwant        %s", describeTask(got.Snapshot()), describeTask(want))
			}
			if len(store.stored) != 1 {
				t.Fatalf("stored %d changes, want 1", len(store.stored))
			}
			c := store.stored[0]
			if c.Action != tc.run.action || !slices.Equal(c.Fields, []string{task.FieldStatus}) || describeTask(c.Task) != describeTask(want) {
				t.Errorf("change %s %v %s, want %s of the status", c.Action, c.Fields, describeTask(c.Task), tc.run.action)
			}
			if stored, _ := store.snapshot(taskID); describeTask(stored) != describeTask(want) || store.metas[0] != meta {
				t.Errorf("stored %s with %+v", describeTask(stored), store.metas[0])
			}
		})
	}
}

// Completing a done task, or reopening one that is not done, is a conflict and writes nothing.
func TestCompleteAndReopenTaskConflict(t *testing.T) {
	t.Parallel()
	cases := []struct {
		from task.Status
		run  transition
	}{
		{task.StatusDone, completeTask},
		{task.StatusTodo, reopenTask},
		{task.StatusInProgress, reopenTask},
	}
	for _, tc := range cases {
		t.Run(tc.run.name+" "+tc.from.String(), func(t *testing.T) {
			t.Parallel()
			store := newFakeTasks()
			before := storedTask(t, store, tc.from).Snapshot()
			if _, err := tc.run.handle(store, command.CompleteTask{UserID: "alice", ID: taskID}); shared.KindOf(err) != shared.KindConflict {
				t.Errorf("error %v, want a conflict", err)
			}
			if stored, _ := store.snapshot(taskID); describeTask(stored) != describeTask(before) || len(store.stored) != 0 {
				t.Errorf("stored %+v, task now %s", store.stored, describeTask(stored))
			}
		})
	}
}

// If-Match is checked before the transition: a stale version fails with precondition failed,
// also when the transition would conflict (the request's precondition comes first, as HTTP
// evaluates it), and writes nothing. The current version lets the transition through.
func TestCompleteAndReopenTaskCheckTheVersion(t *testing.T) {
	t.Parallel()
	cases := []struct {
		from    task.Status // todo is at version 1, the others at 2
		run     transition
		ifMatch []int64
		ok      bool
	}{
		{task.StatusTodo, completeTask, []int64{1}, true},
		{task.StatusTodo, completeTask, []int64{2}, false},
		{task.StatusDone, reopenTask, []int64{2}, true},
		{task.StatusDone, reopenTask, []int64{1, 3}, false},
		{task.StatusDone, completeTask, []int64{1}, false},
		{task.StatusTodo, reopenTask, []int64{2}, false},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s %s if-match %v", tc.run.name, tc.from, tc.ifMatch), func(t *testing.T) {
			t.Parallel()
			store := newFakeTasks()
			before := storedTask(t, store, tc.from).Snapshot()
			_, err := tc.run.handle(store, command.CompleteTask{UserID: "alice", ID: taskID, IfMatch: tc.ifMatch})
			if tc.ok {
				if err != nil || len(store.stored) != 1 {
					t.Errorf("at version %d: %v, %d changes stored; want the transition", before.Version, err, len(store.stored))
				}
				return
			}
			if shared.KindOf(err) != shared.KindPreconditionFailed {
				t.Errorf("at version %d: %v, want precondition failed", before.Version, err)
			}
			if stored, _ := store.snapshot(taskID); describeTask(stored) != describeTask(before) || len(store.stored) != 0 {
				t.Errorf("stored %+v, task now %s", store.stored, describeTask(stored))
			}
		})
	}
}

func TestCompleteAndReopenTaskOfWhatTheUserHasNot(t *testing.T) {
	t.Parallel()
	for _, run := range []transition{completeTask, reopenTask} {
		for _, cmd := range []command.CompleteTask{
			{UserID: "bob", ID: taskID},
			{UserID: "alice", ID: "0193a1e0-0000-7000-8000-0000000000ff"},
		} {
			store := newFakeTasks()
			storedTask(t, store, task.StatusDone)
			if _, err := run.handle(store, cmd); shared.KindOf(err) != shared.KindNotFound {
				t.Errorf("%s %+v: %v, want not found", run.name, cmd, err)
			}
			if len(store.stored) != 0 {
				t.Errorf("%s %+v: stored %+v", run.name, cmd, store.stored)
			}
		}
	}
}

func TestCompleteAndReopenTaskReturnTheStoresError(t *testing.T) {
	t.Parallel()
	for _, run := range []transition{completeTask, reopenTask} {
		store := newFakeTasks()
		store.fail = errStore
		if _, err := run.handle(store, command.CompleteTask{UserID: "alice", ID: taskID}); !errors.Is(err, errStore) {
			t.Errorf("%s: %v, want the store's error", run.name, err)
		}
	}
}
