package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/taskstream/taskstream/domain/todo"
)

// AddBatchViaTempTable is the alternative to AddBatch that BenchmarkAddBatch compares it with:
// in one transaction, COPY the batch into a temporary table, then INSERT ... SELECT ... ON
// CONFLICT DO NOTHING from it. It measured slower than the single unnest statement, so it lives
// here only for the benchmark.
func AddBatchViaTempTable(ctx context.Context, db *sql.DB, todos []*todo.Todo) (int, error) {
	cols, err := todoColumnsOf(todos)
	if err != nil {
		return 0, err
	}
	var inserted int
	err = withPgxConn(ctx, db, func(c *pgx.Conn) error {
		return pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `CREATE TEMP TABLE todos_in
				(LIKE todos INCLUDING DEFAULTS) ON COMMIT DROP`); err != nil {
				return fmt.Errorf("create temp table: %w", err)
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"todos_in"}, todoColumns, cols.source()); err != nil {
				return fmt.Errorf("copy: %w", err)
			}
			tag, err := tx.Exec(ctx, `INSERT INTO todos SELECT * FROM todos_in ON CONFLICT (id) DO NOTHING`)
			if err != nil {
				return fmt.Errorf("insert: %w", err)
			}
			inserted = int(tag.RowsAffected())
			return nil
		})
	})
	return inserted, err
}
