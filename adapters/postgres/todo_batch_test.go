package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

// benchRows is the number of rows each benchmark iteration writes, in ingest-sized batches.
const (
	benchRows  = 50_000
	benchBatch = 5_000
)

// BenchmarkAddBatch compares ways to write 50,000 new to-dos and reports rows/s:
// unnest (AddBatch), temp-table (COPY into a temporary table, then INSERT ... SELECT), both
// idempotent and in batches of 5,000, and copy-baseline (one plain COPY, not idempotent).
func BenchmarkAddBatch(b *testing.B) {
	if testing.Short() {
		b.Skip("integration benchmark: needs PostgreSQL (make services)")
	}
	db := pgtest.NewDB(b)
	repo := postgres.NewTodoRepository(db)
	batched := func(add func(context.Context, []*todo.Todo) (int, error)) func(context.Context, []*todo.Todo) error {
		return func(ctx context.Context, todos []*todo.Todo) error {
			for i := 0; i < len(todos); i += benchBatch {
				batch := todos[i:min(i+benchBatch, len(todos))]
				n, err := add(ctx, batch)
				if err != nil {
					return err
				}
				if n != len(batch) {
					return fmt.Errorf("inserted %d of %d", n, len(batch))
				}
			}
			return nil
		}
	}
	cases := []struct {
		name  string
		write func(context.Context, []*todo.Todo) error
	}{
		{"unnest", batched(repo.AddBatch)},
		{"temp-table", batched(func(ctx context.Context, t []*todo.Todo) (int, error) {
			return postgres.AddBatchViaTempTable(ctx, db, t)
		})},
		{"copy-baseline", func(ctx context.Context, t []*todo.Todo) error {
			return postgres.CopyTodosBaseline(ctx, db, t)
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) { benchWrite(b, db, c.write) })
	}
}

func benchWrite(b *testing.B, db *sql.DB, write func(context.Context, []*todo.Todo) error) {
	ctx := context.Background()
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		todos := benchTodos(b, benchRows)
		if _, err := db.ExecContext(ctx, "TRUNCATE todos"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if err := write(ctx, todos); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
	}
	b.ReportMetric(float64(b.N*benchRows)/elapsed.Seconds(), "rows/s")
}

func benchTodos(b *testing.B, n int) []*todo.Todo {
	out := make([]*todo.Todo, n)
	base := time.Now()
	for i := range out {
		t, err := todo.New(uuid.NewString(), shared.UserID(fmt.Sprintf("user-%d", i%100)),
			fmt.Sprintf("to-do number %d", i), "a description of moderate length for the benchmark",
			base.Add(time.Duration(i)*time.Millisecond))
		if err != nil {
			b.Fatal(err)
		}
		out[i] = t
	}
	return out
}
