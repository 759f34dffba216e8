package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// newProxiedTaskStore returns a task store whose pool goes through a proxy that drops
// connections on cue, and a pool straight to the same database to look at what was stored.
func newProxiedTaskStore(t *testing.T) (*postgres.TaskStore, *pgtest.Proxy, func(id string) bool) {
	t.Helper()
	dbURL, direct := pgtest.NewDatabase(t)
	proxy := pgtest.NewProxy(t, dbURL)
	conn, err := postgres.Open(t.Context(), proxy.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	stored := func(id string) bool {
		var n int
		if err := direct.QueryRowContext(context.Background(), "SELECT count(*) FROM tasks WHERE id = $1", id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == 1
	}
	return newTestTaskStore(t, conn, postgres.TaskStoreConfig{}), proxy, stored
}

func newTask(t *testing.T) task.Change {
	t.Helper()
	tk, err := task.New(uuid.NewString(), "u1", "Pay the invoice", "", task.PriorityHigh, time.Time{}, time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	return task.NewChange(task.ActionCreated, tk)
}

// A connection that ends at any point of a transaction is the database being unavailable (503 at
// the API, retried by consumers), never an internal error: before the begin, between statements
// and at the commit.
func TestLostConnectionIsUnavailable(t *testing.T) {
	t.Parallel()
	for _, statement := range []string{"begin", "commit"} {
		t.Run("dropped at "+statement, func(t *testing.T) {
			t.Parallel()
			store, proxy, stored := newProxiedTaskStore(t)
			c := newTask(t)
			proxy.DropBefore(statement)
			_, err := store.Add(t.Context(), c, taskMeta)
			assertKind(t, "Add", err, shared.KindUnavailable)
			if stored(c.Task.ID) {
				t.Error("the task was stored although the connection ended before its commit")
			}
		})
	}
	t.Run("backends terminated between statements", func(t *testing.T) {
		t.Parallel()
		dbURL, direct := pgtest.NewDatabase(t)
		conn, err := postgres.Open(t.Context(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = conn.Close() })
		store := newTestTaskStore(t, conn, postgres.TaskStoreConfig{})
		tk := addTestTask(t, store, "u1", "a")
		err = store.Change(t.Context(), "u1", tk.ID(), taskMeta, func(tk *task.Task) (*task.Change, error) {
			// What an administrator or a restarting server does (SQLSTATE 57P01 to the client).
			if _, err := direct.ExecContext(context.Background(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
				WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
				t.Fatal(err)
			}
			return rename("b")(tk)
		})
		assertKind(t, "Change", err, shared.KindUnavailable)
	})
	t.Run("all connections dropped between statements", func(t *testing.T) {
		t.Parallel()
		store, proxy, _ := newProxiedTaskStore(t)
		tk := addTestTask(t, store, "u1", "a")
		err := store.Change(t.Context(), "u1", tk.ID(), taskMeta, func(tk *task.Task) (*task.Change, error) {
			proxy.DropAll() // the task is locked: the transaction is open
			return rename("b")(tk)
		})
		assertKind(t, "Change", err, shared.KindUnavailable)
	})
}

// A commit whose answer is lost may have been carried out: the error says so and is marked
// shared.ErrOutcomeUnknown (the HTTP port adds how to retry). The retry of the same change (same id) then finds the
// task stored and stores nothing twice.
func TestAmbiguousCommitIsUnavailableAndSaysHowToRetry(t *testing.T) {
	t.Parallel()
	store, proxy, stored := newProxiedTaskStore(t)
	c := newTask(t)
	proxy.DropAfter("commit")
	_, err := store.Add(t.Context(), c, taskMeta)
	assertKind(t, "Add", err, shared.KindUnavailable)
	if msg := err.Error(); !strings.Contains(msg, "may or may not") || !errors.Is(err, shared.ErrOutcomeUnknown) {
		t.Errorf("the error does not say the outcome is unknown and how to retry: %s", msg)
	}
	if !stored(c.Task.ID) {
		t.Fatal("the proxy dropped the connection before the commit was carried out")
	}
	added, err := store.Add(t.Context(), c, taskMeta)
	if err != nil || added {
		t.Errorf("the retry: Add = %v, %v; want false (stored by the first attempt), nil", added, err)
	}
}
