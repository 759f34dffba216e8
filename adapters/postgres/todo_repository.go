package postgres

import (
	"context"
	"database/sql"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/postgres/internal/db"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

// TodoRepository is a todo.Repository on PostgreSQL (table todos). Deleted to-dos stay as
// tombstones: Get, List, Update and Delete ignore them, AddBatch never brings them back. It is
// safe for concurrent use.
type TodoRepository struct {
	db *sql.DB
	q  *db.Queries
}

var _ todo.Repository = (*TodoRepository)(nil)

// NewTodoRepository returns a repository on conn, a pool opened with Open. It panics on nil.
func NewTodoRepository(conn *sql.DB) *TodoRepository {
	if conn == nil {
		panic("postgres: nil *sql.DB for TodoRepository")
	}
	return &TodoRepository{db: conn, q: db.New(conn)}
}

// Get returns the user's to-do, or a not-found error when it does not exist, was deleted or
// belongs to another user.
func (r *TodoRepository) Get(ctx context.Context, userID shared.UserID, id string) (*todo.Todo, error) {
	uid, ok := parseID(id)
	if !ok {
		return nil, shared.NotFound("todo")
	}
	row, err := r.q.GetTodo(ctx, db.GetTodoParams{UserID: string(userID), ID: uid})
	if err != nil {
		return nil, queryError("get todo", err)
	}
	return toDomainTodo(row), nil
}

// List returns one page of the user's live to-dos, newest first. It asks for one row more than
// the page size to learn whether another page follows.
func (r *TodoRepository) List(ctx context.Context, q todo.ListQuery) (todo.Page, error) {
	params, err := toDBListParams(q)
	if err != nil {
		return todo.Page{}, err
	}
	rows, err := r.q.ListTodos(ctx, params)
	if err != nil {
		return todo.Page{}, queryError("list todos", err)
	}
	page := todo.Page{Items: make([]*todo.Todo, 0, min(len(rows), q.Limit))}
	for i, row := range rows {
		if i == q.Limit {
			last := page.Items[len(page.Items)-1]
			page.Next = &todo.Cursor{CreatedAt: last.CreatedAt(), ID: last.ID()}
			break
		}
		page.Items = append(page.Items, toDomainTodo(db.GetTodoRow(row)))
	}
	return page, nil
}

// Update locks the user's live to-do (SELECT ... FOR UPDATE), applies change and stores the
// result in the same transaction. When change fails nothing is stored and its error is returned
// as is.
func (r *TodoRepository) Update(ctx context.Context, userID shared.UserID, id string, change func(*todo.Todo) error) (*todo.Todo, error) {
	uid, ok := parseID(id)
	if !ok {
		return nil, shared.NotFound("todo")
	}
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, queryError("begin update todo", err)
	}
	defer func() { _ = tx.Rollback() }()

	q := r.q.WithTx(tx)
	row, err := q.GetTodoForUpdate(ctx, db.GetTodoForUpdateParams{UserID: string(userID), ID: uid})
	if err != nil {
		return nil, queryError("lock todo", err)
	}
	t := toDomainTodo(db.GetTodoRow(row))
	if err := change(t); err != nil {
		return nil, err
	}
	params := toDBUpdateParams(t)
	if _, err := q.UpdateTodo(ctx, params); err != nil {
		return nil, queryError("update todo", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, commitError("commit update todo", err)
	}
	return toDomainUpdatedTodo(t, params), nil
}

// Delete turns the user's live to-do into a tombstone.
func (r *TodoRepository) Delete(ctx context.Context, userID shared.UserID, id string) error {
	uid, ok := parseID(id)
	if !ok {
		return shared.NotFound("todo")
	}
	n, err := r.q.SoftDeleteTodo(ctx, db.SoftDeleteTodoParams{UserID: string(userID), ID: uid})
	if err != nil {
		return queryError("delete todo", err)
	}
	if n == 0 {
		return shared.NotFound("todo")
	}
	return nil
}

// parseID parses a to-do id; an id that is not a UUID cannot exist, so callers report not found.
func parseID(id string) (uuid.UUID, bool) {
	u, err := uuid.Parse(id)
	return u, err == nil && len(id) == 36
}
