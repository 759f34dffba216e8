package memory_test

import (
	"testing"

	"github.com/taskstream/taskstream/adapters/contract"
	"github.com/taskstream/taskstream/adapters/memory"
	"github.com/taskstream/taskstream/domain/todo"
)

func TestTodoRepository(t *testing.T) {
	t.Parallel()
	contract.TodoRepository(t, func(*testing.T) todo.Repository { return memory.NewTodoRepository() })
}
