package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
)

// The inbox records a message once per consumer group.
func TestInboxRecordsAMessageOncePerGroup(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewDB(t)
	for _, tc := range []struct {
		group, id string
		want      bool
	}{
		{"audit-service", "m1", true},
		{"audit-service", "m1", false},
		{"audit-service", "m2", true},
		{"analytics", "m1", true},
	} {
		got := inTx(t, conn, func(tx *sql.Tx) bool {
			first, err := postgres.MarkProcessed(context.Background(), tx, tc.group, tc.id)
			if err != nil {
				t.Fatalf("MarkProcessed: %v", err)
			}
			return first
		})
		if got != tc.want {
			t.Errorf("MarkProcessed(%s, %s) = %v, want %v", tc.group, tc.id, got, tc.want)
		}
	}
}

func inTx(t *testing.T, conn *sql.DB, fn func(tx *sql.Tx) bool) bool {
	t.Helper()
	tx, err := conn.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := fn(tx)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return got
}

// A message whose processing fails leaves no inbox row, so its redelivery is processed; one
// that was processed is not processed again.
func TestProcessOnceAppliesUntilItSucceeds(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewDB(t)
	ctx, errApply := context.Background(), errors.New("apply failed")
	calls := 0
	apply := func(fail bool) func(context.Context, *sql.Tx) error {
		return func(_ context.Context, tx *sql.Tx) error {
			calls++
			if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS effects (n int)`); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO effects VALUES (1)`); err != nil {
				return err
			}
			if fail {
				return errApply
			}
			return nil
		}
	}

	if ran, err := postgres.ProcessOnce(ctx, conn, "g", "m", apply(true)); ran || !errors.Is(err, errApply) {
		t.Fatalf("failing apply: ProcessOnce = %v, %v; want false and its error", ran, err)
	}
	for i, want := range []bool{true, false} {
		if ran, err := postgres.ProcessOnce(ctx, conn, "g", "m", apply(false)); ran != want || err != nil {
			t.Fatalf("delivery %d: ProcessOnce = %v, %v; want %v, nil", i+2, ran, err, want)
		}
	}
	var effects int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM effects`).Scan(&effects); err != nil {
		t.Fatal(err)
	}
	if calls != 2 || effects != 1 {
		t.Errorf("apply ran %d times and left %d effects; want 2 and 1", calls, effects)
	}
}

// Pruning deletes the rows older than the cut-off, in batches, and keeps the newer ones.
func TestPruneInboxDeletesOnlyOldRows(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewDB(t)
	if _, err := conn.Exec(`INSERT INTO inbox (consumer_group, message_id, processed_at)
		SELECT 'g', 'old-' || i, now() - interval '30 days' FROM generate_series(1, 25) i
		UNION ALL SELECT 'g', 'new-' || i, now() FROM generate_series(1, 3) i`); err != nil {
		t.Fatal(err)
	}
	n, err := postgres.PruneInbox(context.Background(), conn, time.Now().Add(-14*24*time.Hour), 10)
	if err != nil || n != 25 {
		t.Fatalf("PruneInbox = %d, %v; want the 25 old rows, in batches of 10", n, err)
	}
	var left int
	if err := conn.QueryRow(`SELECT count(*) FROM inbox WHERE message_id LIKE 'new-%'`).Scan(&left); err != nil || left != 3 {
		t.Errorf("%d recent rows left (%v), want 3", left, err)
	}
}
