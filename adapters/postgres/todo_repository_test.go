package postgres_test

import (
	"testing"

	"github.com/taskstream/taskstream/adapters/contract"
	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/domain/todo"
)

func TestTodoRepository(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs PostgreSQL (make services)")
	}
	t.Parallel()
	// One database for the whole suite: every subtest uses its own user ids.
	repo := postgres.NewTodoRepository(pgtest.NewDB(t))
	contract.TodoRepository(t, func(*testing.T) todo.Repository { return repo })
}
