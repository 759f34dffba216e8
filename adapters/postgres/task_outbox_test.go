package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/platform/envelope"
)

// Every committed change leaves its two events in watermill_outbox, as Forwarder envelopes for
// task-events and task-updates, in the order of the changes; a change that writes nothing
// leaves nothing.
func TestTaskStoreWritesEachChangeAsTwoEnvelopes(t *testing.T) {
	t.Parallel()
	ctx, conn := context.Background(), pgtest.NewDB(t)
	store := newTestTaskStore(t, conn, postgres.TaskStoreConfig{})
	user := shared.UserID("outbox-user")

	tk := addTestTask(t, store, user, "first")
	if added, err := store.Add(ctx, task.NewChange(task.ActionCreated, tk), taskMeta); err != nil || added {
		t.Fatalf("second Add = %v, %v; want false, nil", added, err)
	}
	mustChange(t, store, user, tk.ID(), rename("second"))
	afterUpdate, err := store.Get(ctx, user, tk.ID())
	if err != nil {
		t.Fatal(err)
	}
	mustChange(t, store, user, tk.ID(), rename("second")) // no change, no events
	mustChange(t, store, user, tk.ID(), func(tk *task.Task) (*task.Change, error) {
		if err := tk.Complete(); err != nil {
			return nil, err
		}
		tk.Touch(time.Now())
		c := task.NewChange(task.ActionCompleted, tk)
		return &c, nil
	})
	mustChange(t, store, user, tk.ID(), func(tk *task.Task) (*task.Change, error) {
		c := task.Deletion(tk, time.Now())
		return &c, nil
	})

	envs := outboxEnvelopes(t, conn)
	actions := []string{"created", "updated", "completed", "deleted"}
	if len(envs) != 2*len(actions) {
		t.Fatalf("outbox holds %d envelopes, want %d", len(envs), 2*len(actions))
	}
	for i, env := range envs {
		change, version := actions[i/2], int64(i/2+1)
		want := []string{"task-events", "task-updates"}[i%2]
		if env.DestinationTopic != want {
			t.Errorf("envelope %d is for %q, want %q", i, env.DestinationTopic, want)
		}
		msg := env.message()
		if msg.Metadata.Get(envelope.KeyPartitionKey) != string(user) || msg.Metadata.Get(envelope.KeyCorrelationID) != taskMeta.CorrelationID ||
			msg.Metadata.Get(envelope.KeyTraceParent) != taskMeta.TraceParent {
			t.Errorf("envelope %d metadata %v lacks the user, correlation id or trace", i, msg.Metadata)
		}
		ev := decodeTaskEvent(t, env.DestinationTopic, msg)
		switch {
		case i%2 == 0 && (ev.Recorded.Action != change || ev.Recorded.Task.Version != version):
			t.Errorf("envelope %d records %s v%d, want %s v%d", i, ev.Recorded.Action, ev.Recorded.Task.Version, change, version)
		case i%2 == 1 && (ev.Changed.Action != change || ev.Changed.Version != version || ev.Changed.TaskID != tk.ID()):
			t.Errorf("envelope %d is a change %s v%d of %s, want %s v%d of %s", i, ev.Changed.Action, ev.Changed.Version,
				ev.Changed.TaskID, change, version, tk.ID())
		}
		if i == 2 {
			assertSnapshotsEqual(t, ev.Recorded.Task, afterUpdate.Snapshot())
		}
	}
}

// The event carries what the row holds, to the microsecond.
func assertSnapshotsEqual(t *testing.T, got, want task.Snapshot) {
	t.Helper()
	if got.DueAt == nil || want.DueAt == nil || !got.DueAt.Equal(*want.DueAt) || !got.UpdatedAt.Equal(want.UpdatedAt) ||
		!got.CreatedAt.Equal(want.CreatedAt) || got.Title != want.Title || got.Version != want.Version {
		t.Errorf("event snapshot %+v, stored task %+v", got, want)
	}
}

func mustChange(t *testing.T, store *postgres.TaskStore, user shared.UserID, id string, decide func(*task.Task) (*task.Change, error)) {
	t.Helper()
	if err := store.Change(context.Background(), user, id, taskMeta, decide); err != nil {
		t.Fatalf("Change: %v", err)
	}
}

// A change that is not committed, for whatever reason, leaves neither the task change nor
// outbox rows.
func TestTaskStoreRolledBackChangeLeavesNothing(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewDB(t)
	store := newTestTaskStore(t, conn, postgres.TaskStoreConfig{})
	// The envelopes of this store go to a topic without a table: its outbox writes fail after
	// the task was written in the same transaction.
	broken := newTestTaskStore(t, conn, postgres.TaskStoreConfig{Outbox: outbox.Config{ForwarderTopic: "no_such_table"}})

	cases := []struct {
		name   string
		change func(ctx context.Context, user shared.UserID, id string) error
	}{
		{"decide fails", func(ctx context.Context, user shared.UserID, id string) error {
			return store.Change(ctx, user, id, taskMeta, func(tk *task.Task) (*task.Change, error) {
				_, _ = rename("changed")(tk)
				return nil, errors.New("decide failed")
			})
		}},
		{"the outbox write fails", func(ctx context.Context, user shared.UserID, id string) error {
			return broken.Change(ctx, user, id, taskMeta, rename("changed"))
		}},
		{"the database refuses the change", func(ctx context.Context, user shared.UserID, id string) error {
			return store.Change(ctx, user, id, taskMeta, func(tk *task.Task) (*task.Change, error) {
				c := task.NewChange(task.ActionUpdated, tk)
				c.Task.Priority, c.Task.Version = "bogus", c.Task.Version+1
				return &c, nil
			})
		}},
		{"the context ends during the transaction", func(ctx context.Context, user shared.UserID, id string) error {
			ctx, cancel := context.WithCancel(ctx)
			return store.Change(ctx, user, id, taskMeta, func(tk *task.Task) (*task.Change, error) {
				cancel()
				return rename("changed")(tk)
			})
		}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			user := shared.UserID(fmt.Sprintf("rollback-%d", i))
			tk := addTestTask(t, store, user, "original")
			before := len(outboxEnvelopes(t, conn))
			if err := c.change(context.Background(), user, tk.ID()); err == nil {
				t.Fatal("Change succeeded, want an error")
			}
			got, err := store.Get(context.Background(), user, tk.ID())
			if err != nil || got.Title() != "original" || got.Version() != 1 {
				t.Errorf("after the failed change the task is %v (%v), want it unchanged", got, err)
			}
			if after := len(outboxEnvelopes(t, conn)); after != before {
				t.Errorf("outbox grew from %d to %d rows", before, after)
			}
		})
	}

	t.Run("an add whose outbox write fails", func(t *testing.T) {
		now := time.Now().UTC().Truncate(time.Microsecond)
		tk, err := task.New("0190c0de-0000-7000-8000-000000000001", "rollback-add", "never", "", task.PriorityLow, time.Time{}, now)
		if err != nil {
			t.Fatal(err)
		}
		before := len(outboxEnvelopes(t, conn))
		if _, err := broken.Add(context.Background(), task.NewChange(task.ActionCreated, tk), taskMeta); err == nil {
			t.Fatal("Add succeeded, want an error")
		}
		if _, err := store.Get(context.Background(), "rollback-add", tk.ID()); shared.KindOf(err) != shared.KindNotFound {
			t.Errorf("Get after the failed Add: %v, want not found", err)
		}
		if after := len(outboxEnvelopes(t, conn)); after != before {
			t.Errorf("outbox grew from %d to %d rows", before, after)
		}
	})
}

// Concurrent changes of one task take turns on its row lock: none is lost, and their events
// are in the outbox in version order, as the relay reads it.
func TestTaskStoreSerializesChangesOfATask(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewDB(t)
	store := newTestTaskStore(t, conn, postgres.TaskStoreConfig{})
	user := shared.UserID("busy-user")
	tk := addTestTask(t, store, user, "contended")

	const writers = 16
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			if err := store.Change(context.Background(), user, tk.ID(), taskMeta, rename(fmt.Sprintf("title %d", i))); err != nil {
				t.Errorf("Change %d: %v", i, err)
			}
		})
	}
	wg.Wait()

	got, err := store.Get(context.Background(), user, tk.ID())
	if err != nil || got.Version() != writers+1 {
		t.Fatalf("Get = v%d, %v; want v%d", got.Version(), err, writers+1)
	}
	var versions []int64
	for _, env := range outboxEnvelopes(t, conn) {
		if env.DestinationTopic == "task-events" {
			versions = append(versions, decodeTaskEvent(t, env.DestinationTopic, env.message()).Recorded.Task.Version)
		}
	}
	for i, v := range versions {
		if v != int64(i+1) {
			t.Fatalf("task events in the outbox have versions %v, want 1 to %d in order", versions, writers+1)
		}
	}
	if len(versions) != writers+1 {
		t.Errorf("%d task events in the outbox, want %d", len(versions), writers+1)
	}
}
