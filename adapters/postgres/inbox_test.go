package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

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
	apply := func(fail bool) func(*sql.Tx) error {
		return func(tx *sql.Tx) error {
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
