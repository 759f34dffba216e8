package command_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

func newCreateTask(store *fakeTasks, ids *fixedIDs) command.CreateTaskHandler {
	return command.NewCreateTaskHandler(store, ids.id, ids.keyedID, clockAt(fixedNow))
}

// The task is stored at version 1, in status todo, with its created change and the metadata its
// events carry on.
func TestCreateTaskStoresTheTaskWithItsCreatedChange(t *testing.T) {
	t.Parallel()
	store := newFakeTasks()
	due := fixedNow.Add(48 * time.Hour)
	meta := shared.EventMeta{CorrelationID: "corr-1", TraceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
	out, err := newCreateTask(store, &fixedIDs{next: []string{taskID}}).Handle(context.Background(), command.CreateTask{
		UserID: "alice", Title: " Write the report ", Description: "for the board", Priority: ptr("high"), DueAt: due, Meta: meta,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := task.Snapshot{
		ID: taskID, UserID: "alice", Title: "Write the report", Description: "for the board", Status: "todo",
		Priority: "high", DueAt: &due, CreatedAt: fixedNow, UpdatedAt: fixedNow, Version: 1,
	}
	if !out.Created || out.Task == nil || describeTask(out.Task.Snapshot()) != describeTask(want) {
		t.Fatalf("created %v, task %+v", out.Created, out.Task)
	}
	if len(store.stored) != 1 || store.stored[0].Action != task.ActionCreated || describeTask(store.stored[0].Task) != describeTask(want) {
		t.Fatalf("stored %+v, want the created change of %s", store.stored, describeTask(want))
	}
	if store.metas[0] != meta {
		t.Errorf("metadata %+v, want %+v", store.metas[0], meta)
	}
}

// Without a priority the task is medium; without a due time it has none.
func TestCreateTaskDefaults(t *testing.T) {
	t.Parallel()
	store := newFakeTasks()
	out, err := newCreateTask(store, &fixedIDs{next: []string{taskID}}).Handle(context.Background(), command.CreateTask{UserID: "alice", Title: "t"})
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := store.snapshot(taskID)
	if out.Task.Priority() != task.PriorityMedium || stored.Priority != "medium" || stored.DueAt != nil {
		t.Errorf("priority %s, stored %s", out.Task.Priority(), describeTask(stored))
	}
}

func TestCreateTaskRefusesInvalidInputAndStoresNothing(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cmd  command.CreateTask
	}{
		{"a blank title", command.CreateTask{Title: "   "}},
		{"an unknown priority", command.CreateTask{Title: "t", Priority: ptr("critical")}},
		{"an empty priority", command.CreateTask{Title: "t", Priority: ptr("")}},
		{"a description too long", command.CreateTask{Title: "t", Description: strings.Repeat("x", task.MaxDescriptionLength+1)}},
		{"a due time beyond the year 9999", command.CreateTask{Title: "t", DueAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"an invalid user", command.CreateTask{Title: "t", UserID: "al ice"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := newFakeTasks()
			if tc.cmd.UserID == "" {
				tc.cmd.UserID = "alice"
			}
			_, err := newCreateTask(store, &fixedIDs{next: []string{taskID}}).Handle(context.Background(), tc.cmd)
			if shared.KindOf(err) != shared.KindInvalid {
				t.Errorf("error %v, want invalid", err)
			}
			if store.adds != 0 || len(store.stored) != 0 {
				t.Errorf("%d adds, stored %+v; want none", store.adds, store.stored)
			}
		})
	}
}

// An idempotency key names the task: the id comes from the user and the key (in the namespace
// "task"), and a retry returns the task the first attempt stored, creating nothing. Another
// user's same key names another task.
func TestCreateTaskWithAKeyReturnsTheFirstAttemptsTask(t *testing.T) {
	t.Parallel()
	store, ids := newFakeTasks(), &fixedIDs{}
	create := newCreateTask(store, ids)
	cmd := command.CreateTask{UserID: "alice", Title: "First", Priority: ptr("low"), IdempotencyKey: "k-1"}
	first, err := create.Handle(context.Background(), cmd)
	if err != nil || !first.Created || first.Task.ID() != "0193a1e0-0000-7000-8000-00000000a11c" {
		t.Fatalf("first: %v, created %v, task %+v", err, first.Created, first.Task)
	}
	cmd.Title, cmd.Priority = "Retry", ptr("urgent")
	retry, err := create.Handle(context.Background(), cmd)
	if err != nil || retry.Created || retry.Task == nil {
		t.Fatalf("retry: %v, created %v, task %v", err, retry.Created, retry.Task)
	}
	if describeTask(retry.Task.Snapshot()) != describeTask(first.Task.Snapshot()) {
		t.Errorf("retry answered %s\nwant the first attempt's %s", describeTask(retry.Task.Snapshot()), describeTask(first.Task.Snapshot()))
	}
	if len(store.stored) != 1 || store.stored[0].Task.Title != "First" {
		t.Errorf("stored %+v, want the first attempt's task only", store.stored)
	}
	if len(ids.keyed) != 2 || ids.keyed[0] != "alice|task\x00k-1" || ids.keyed[1] != ids.keyed[0] {
		t.Errorf("keys %q", ids.keyed)
	}

	bobs, err := create.Handle(context.Background(), command.CreateTask{UserID: "bob", Title: "Bob's", IdempotencyKey: "k-1"})
	if err != nil || !bobs.Created || bobs.Task.ID() == first.Task.ID() || bobs.Task.UserID() != "bob" {
		t.Errorf("bob's create with alice's key: %v, created %v, task %+v", err, bobs.Created, bobs.Task)
	}
}

// Without a key every call creates a task of its own, with a new id.
func TestCreateTaskWithoutAKeyCreatesEachTime(t *testing.T) {
	t.Parallel()
	store := newFakeTasks()
	wantIDs := []string{taskID, "0193a1e0-0000-7000-8000-000000000011"}
	ids := &fixedIDs{next: wantIDs}
	create := newCreateTask(store, ids)
	for _, want := range wantIDs {
		out, err := create.Handle(context.Background(), command.CreateTask{UserID: "alice", Title: "same"})
		if err != nil || !out.Created || out.Task.ID() != want {
			t.Errorf("create: %v, created %v, id %v; want %s", err, out.Created, out.Task, want)
		}
	}
	if len(store.stored) != 2 || len(ids.keyed) != 0 {
		t.Errorf("stored %d tasks, keys %q; want 2 and none", len(store.stored), ids.keyed)
	}
}

// A deleted task's key stays spent: a retry neither brings the task back nor creates another.
func TestCreateTaskWithTheKeyOfADeletedTaskIsAConflict(t *testing.T) {
	t.Parallel()
	store := newFakeTasks()
	create := newCreateTask(store, &fixedIDs{})
	cmd := command.CreateTask{UserID: "alice", Title: "t", IdempotencyKey: "k-1"}
	first, err := create.Handle(context.Background(), cmd)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Change(context.Background(), "alice", first.Task.ID(), shared.EventMeta{}, func(tk *task.Task) (*task.Change, error) {
		c := task.Deletion(tk, fixedNow)
		return &c, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := create.Handle(context.Background(), cmd); shared.KindOf(err) != shared.KindConflict {
		t.Errorf("retry after the delete: %v, want a conflict", err)
	}
	if _, ok := store.snapshot(first.Task.ID()); ok || len(store.stored) != 2 {
		t.Errorf("stored %+v, want the create and the delete only", store.stored)
	}
}

func TestCreateTaskReturnsTheStoresError(t *testing.T) {
	t.Parallel()
	store := newFakeTasks()
	store.fail = errStore
	out, err := newCreateTask(store, &fixedIDs{next: []string{taskID}}).Handle(context.Background(), command.CreateTask{UserID: "alice", Title: "t"})
	if !errors.Is(err, errStore) || out.Created || out.Task != nil {
		t.Errorf("Handle = %+v, %v; want the store's error and no task", out, err)
	}
}
