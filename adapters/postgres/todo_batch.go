package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/taskstream/taskstream/domain/todo"
)

// insertTodosUnnest inserts a whole batch in one statement: each column travels as one array
// parameter in pgx's binary encoding, unnest turns the arrays back into rows, and ON CONFLICT
// skips every id already stored (live or tombstone) and every repeat inside the batch.
const insertTodosUnnest = `INSERT INTO todos (id, user_id, title, description, completed, created_at, updated_at)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::timestamptz[], $7::timestamptz[])
ON CONFLICT (id) DO NOTHING`

// todoColumns are the columns AddBatch and CopyTodosBaseline write, in the order of todoColumnsOf.
var todoColumns = []string{"id", "user_id", "title", "description", "completed", "created_at", "updated_at"}

// AddBatch stores the to-dos atomically and returns how many were new. It is idempotent by id.
// This is the hot path of the ingest worker, so it is optimistic: a batch whose ids are all new
// (the normal case) goes in with one COPY, which costs PostgreSQL about half the CPU of the
// idempotent insert. When the COPY hits an id that is already stored (a replay after a crash, or
// a repeat inside the batch) it fails as a whole, having written nothing, and the batch is
// inserted again with INSERT ... ON CONFLICT DO NOTHING.
func (r *TodoRepository) AddBatch(ctx context.Context, todos []*todo.Todo) (int, error) {
	if len(todos) == 0 {
		return 0, nil
	}
	cols, err := todoColumnsOf(todos)
	if err != nil {
		return 0, err
	}
	var inserted int64
	err = withPgxConn(ctx, r.db, func(c *pgx.Conn) error {
		n, err := c.CopyFrom(ctx, pgx.Identifier{"todos"}, todoColumns, cols.source())
		if err == nil || !isUniqueViolation(err) {
			inserted = n
			return err
		}
		tag, err := c.Exec(ctx, insertTodosUnnest,
			cols.ids, cols.userIDs, cols.titles, cols.descriptions, cols.completed, cols.createdAt, cols.updatedAt)
		inserted = tag.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: insert todo batch: %w", err)
	}
	return int(inserted), nil
}

// uniqueViolation is PostgreSQL's SQLSTATE for a duplicate key.
const uniqueViolation = "23505"

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == uniqueViolation
}

// CopyTodosBaseline writes the to-dos with a plain COPY todos FROM STDIN: no idempotency, and it
// fails on an id that is already stored. It is not for production use; the bench command runs it
// as the baseline the ingest rate of AddBatch is compared with.
func CopyTodosBaseline(ctx context.Context, db *sql.DB, todos []*todo.Todo) error {
	cols, err := todoColumnsOf(todos)
	if err != nil {
		return err
	}
	return withPgxConn(ctx, db, func(c *pgx.Conn) error {
		_, err := c.CopyFrom(ctx, pgx.Identifier{"todos"}, todoColumns, cols.source())
		if err != nil {
			return fmt.Errorf("postgres: copy todos: %w", err)
		}
		return nil
	})
}

// withPgxConn runs f on the pgx connection under one pooled database/sql connection, for the
// features database/sql does not expose (COPY).
func withPgxConn(ctx context.Context, db *sql.DB, f func(*pgx.Conn) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("postgres: get connection: %w", err)
	}
	defer func() { _ = conn.Close() }()
	return conn.Raw(func(dc any) error { return f(dc.(*stdlib.Conn).Conn()) })
}

// todoColumnsData is a batch of to-dos split into one slice per column.
type todoColumnsData struct {
	ids          [][16]byte
	userIDs      []string
	titles       []string
	descriptions []string
	completed    []bool
	createdAt    []time.Time
	updatedAt    []time.Time
}

func todoColumnsOf(todos []*todo.Todo) (todoColumnsData, error) {
	n := len(todos)
	c := todoColumnsData{
		ids: make([][16]byte, n), userIDs: make([]string, n), titles: make([]string, n),
		descriptions: make([]string, n), completed: make([]bool, n),
		createdAt: make([]time.Time, n), updatedAt: make([]time.Time, n),
	}
	for i, t := range todos {
		id, err := uuid.Parse(t.ID())
		if err != nil {
			return todoColumnsData{}, fmt.Errorf("postgres: todo id %q: %w", t.ID(), err)
		}
		c.ids[i] = id
		c.userIDs[i] = string(t.UserID())
		c.titles[i] = t.Title()
		c.descriptions[i] = t.Description()
		c.completed[i] = t.Completed()
		c.createdAt[i] = toDBTime(t.CreatedAt())
		c.updatedAt[i] = toDBTime(t.UpdatedAt())
	}
	return c, nil
}

// source returns the rows for pgx's CopyFrom, in the order of todoColumns.
func (c todoColumnsData) source() pgx.CopyFromSource {
	return pgx.CopyFromSlice(len(c.ids), func(i int) ([]any, error) {
		return []any{c.ids[i], c.userIDs[i], c.titles[i], c.descriptions[i], c.completed[i], c.createdAt[i], c.updatedAt[i]}, nil
	})
}
