package command_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

func newDeleteTask(store *fakeTasks) command.DeleteTaskHandler {
	return command.NewDeleteTaskHandler(store, clockAt(fixedNow))
}

// The deletion is stored as a change whose snapshot is the task's last state, one version on,
// at the clock's time (what the history keeps), and the task is gone.
func TestDeleteTaskStoresItsDeletion(t *testing.T) {
	t.Parallel()
	store := newFakeTasks()
	want := storedTask(t, store, task.StatusInProgress).Snapshot()
	want.Version, want.UpdatedAt = want.Version+1, fixedNow
	meta := shared.EventMeta{CorrelationID: "corr-1"}
	if _, err := newDeleteTask(store).Handle(context.Background(), command.DeleteTask{UserID: "alice", ID: taskID, Meta: meta}); err != nil {
		t.Fatal(err)
	}
	if len(store.stored) != 1 {
		t.Fatalf("stored %d changes, want 1", len(store.stored))
	}
	if c := store.stored[0]; c.Action != task.ActionDeleted || describeTask(c.Task) != describeTask(want) || store.metas[0] != meta {
		t.Errorf("change %s %s with %+v\nwant deleted %s with %+v", c.Action, describeTask(c.Task), store.metas[0], describeTask(want), meta)
	}
	if _, err := store.Get(context.Background(), "alice", taskID); shared.KindOf(err) != shared.KindNotFound {
		t.Errorf("Get after the delete: %v, want not found", err)
	}
}

// If-Match lists the versions the caller accepts; any other fails the delete with a
// precondition-failed error, and the task stays.
func TestDeleteTaskChecksIfMatch(t *testing.T) {
	t.Parallel()
	cases := []struct {
		ifMatch []int64
		ok      bool
	}{
		{nil, true},
		{[]int64{2}, true},
		{[]int64{1, 2}, true},
		{[]int64{1}, false},
		{[]int64{3, 4}, false},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint("if-match ", tc.ifMatch), func(t *testing.T) {
			t.Parallel()
			store := newFakeTasks()
			before := storedTask(t, store, task.StatusDone) // version 2
			_, err := newDeleteTask(store).Handle(context.Background(), command.DeleteTask{UserID: "alice", ID: taskID, IfMatch: tc.ifMatch})
			_, kept := store.snapshot(taskID)
			if tc.ok {
				if err != nil || kept || len(store.stored) != 1 {
					t.Errorf("error %v, kept %v, %d changes; want the task deleted", err, kept, len(store.stored))
				}
				return
			}
			if shared.KindOf(err) != shared.KindPreconditionFailed {
				t.Errorf("error %v at version %d, want precondition failed", err, before.Version())
			}
			if !kept || len(store.stored) != 0 {
				t.Errorf("kept %v, stored %+v; want the task untouched", kept, store.stored)
			}
		})
	}
}

// Another user's task, an unknown one and one deleted before are not found; nothing is stored.
func TestDeleteTaskOfWhatTheUserHasNot(t *testing.T) {
	t.Parallel()
	store := newFakeTasks()
	storedTask(t, store, task.StatusTodo)
	del := newDeleteTask(store)
	for _, cmd := range []command.DeleteTask{
		{UserID: "bob", ID: taskID},
		{UserID: "alice", ID: "0193a1e0-0000-7000-8000-0000000000ff"},
	} {
		if _, err := del.Handle(context.Background(), cmd); shared.KindOf(err) != shared.KindNotFound {
			t.Errorf("%+v: %v, want not found", cmd, err)
		}
	}
	if _, ok := store.snapshot(taskID); !ok || len(store.stored) != 0 {
		t.Fatalf("alice's task kept %v, stored %+v", ok, store.stored)
	}
	cmd := command.DeleteTask{UserID: "alice", ID: taskID}
	if _, err := del.Handle(context.Background(), cmd); err != nil {
		t.Fatal(err)
	}
	if _, err := del.Handle(context.Background(), cmd); shared.KindOf(err) != shared.KindNotFound || len(store.stored) != 1 {
		t.Errorf("second delete: %v, %d changes stored; want not found and 1", err, len(store.stored))
	}
}

func TestDeleteTaskReturnsTheStoresError(t *testing.T) {
	t.Parallel()
	store := newFakeTasks()
	storedTask(t, store, task.StatusTodo)
	store.fail = errStore
	if _, err := newDeleteTask(store).Handle(context.Background(), command.DeleteTask{UserID: "alice", ID: taskID}); !errors.Is(err, errStore) {
		t.Errorf("error %v, want the store's", err)
	}
}
