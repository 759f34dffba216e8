package postgres

import (
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/postgres/internal/db"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

// PostgreSQL keeps timestamps to the microsecond; values are truncated before they are stored
// so that what a method returns is exactly what a later read returns.
func toDBTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// toDomainTodo rebuilds a to-do from a row. The row types of GetTodo, ListTodos and
// GetTodoForUpdate have the same fields, so callers convert theirs to db.GetTodoRow.
func toDomainTodo(row db.GetTodoRow) *todo.Todo {
	return todo.Rehydrate(row.ID.String(), shared.UserID(row.UserID), row.Title, row.Description,
		row.Completed, row.CreatedAt, row.UpdatedAt)
}

// toDomainUpdatedTodo returns t as Update stored it.
func toDomainUpdatedTodo(t *todo.Todo, p db.UpdateTodoParams) *todo.Todo {
	return todo.Rehydrate(p.ID.String(), shared.UserID(p.UserID), p.Title, p.Description,
		p.Completed, t.CreatedAt(), p.UpdatedAt)
}

func toDBUpdateParams(t *todo.Todo) db.UpdateTodoParams {
	return db.UpdateTodoParams{
		Title:       t.Title(),
		Description: t.Description(),
		Completed:   t.Completed(),
		UpdatedAt:   toDBTime(t.UpdatedAt()),
		UserID:      string(t.UserID()),
		ID:          uuid.MustParse(t.ID()),
	}
}

// toDBListParams asks for Limit+1 rows: the extra row only tells whether another page follows.
func toDBListParams(q todo.ListQuery) (db.ListTodosParams, error) {
	if q.Limit < 1 || q.Limit > todo.MaxPageSize {
		return db.ListTodosParams{}, shared.Invalid("limit", "must be between 1 and %d", todo.MaxPageSize)
	}
	p := db.ListTodosParams{UserID: string(q.UserID), PageLimit: int32(q.Limit + 1)}
	if q.Completed != nil {
		p.Completed.Bool, p.Completed.Valid = *q.Completed, true
	}
	if q.After != nil {
		id, ok := parseID(q.After.ID)
		if !ok {
			return db.ListTodosParams{}, shared.Invalid("cursor", "is not valid")
		}
		p.CursorCreatedAt.Time, p.CursorCreatedAt.Valid = q.After.CreatedAt, true
		p.CursorID.UUID, p.CursorID.Valid = id, true
	}
	return p, nil
}
