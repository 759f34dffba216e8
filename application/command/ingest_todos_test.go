package command_test

import (
	"context"
	"errors"
	"testing"

	"github.com/taskstream/taskstream/adapters/memory"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

func item(id, title string) command.IngestTodoItem {
	return command.IngestTodoItem{ID: id, UserID: "alice", Title: title, CreatedAt: fixedNow}
}

func TestIngestStoresValidItemsAndRejectsTheRest(t *testing.T) {
	t.Parallel()
	repo := memory.NewTodoRepository()
	h := command.NewIngestTodosHandler(repo)
	batch := command.IngestTodos{Items: []command.IngestTodoItem{
		item("01934b6e-0000-7000-8000-000000000001", "one"),
		item("not-a-uuid", "two"),
		item("01934b6e-0000-7000-8000-000000000003", ""),
		item("01934b6e-0000-7000-8000-000000000004", "four"),
	}}
	res, err := h.Handle(context.Background(), batch)
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 2 || len(res.Rejected) != 2 || res.Rejected[0].Index != 1 || res.Rejected[1].Index != 2 {
		t.Fatalf("result %+v", res)
	}
	if _, err := repo.Get(context.Background(), "alice", "01934b6e-0000-7000-8000-000000000004"); err != nil {
		t.Errorf("valid item not stored: %v", err)
	}

	replay, err := h.Handle(context.Background(), batch)
	if err != nil {
		t.Fatal(err)
	}
	if replay.Inserted != 0 || replay.Duplicates != 2 {
		t.Errorf("replay inserted %d, duplicates %d; want 0 and 2", replay.Inserted, replay.Duplicates)
	}
}

// failingRepo is a todo.Repository whose writes fail, as a database that went away.
type failingRepo struct{ todo.Repository }

func (failingRepo) AddBatch(context.Context, []*todo.Todo) (int, error) {
	return 0, shared.Unavailable("database", errors.New("connection refused"))
}

func TestIngestFailsTheWholeBatchWhenStorageFails(t *testing.T) {
	t.Parallel()
	_, err := command.NewIngestTodosHandler(failingRepo{}).Handle(context.Background(), command.IngestTodos{
		Items: []command.IngestTodoItem{item("01934b6e-0000-7000-8000-000000000001", "one")},
	})
	if err == nil {
		t.Fatal("a storage failure was not reported")
	}
}
