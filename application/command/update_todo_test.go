package command_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/taskstream/taskstream/adapters/memory"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
)

func TestUpdateTodoStoresNothingWhenAChangeIsInvalid(t *testing.T) {
	t.Parallel()
	repo := memory.NewTodoRepository()
	id := "01934b6e-0000-7000-8000-000000000009"
	if _, err := command.NewIngestTodosHandler(repo).Handle(context.Background(), command.IngestTodos{
		Items: []command.IngestTodoItem{item(id, "original")},
	}); err != nil {
		t.Fatal(err)
	}
	later := fixedNow.Add(time.Hour)
	update := command.NewUpdateTodoHandler(repo, func() time.Time { return later })
	// The title is valid and applied first; the description then breaks a rule. Nothing of the
	// change may reach the stored to-do.
	done, renamed, tooLong := true, "renamed", strings.Repeat("x", 2001)
	_, err := update.Handle(context.Background(), command.UpdateTodo{UserID: "alice", ID: id, Title: &renamed, Completed: &done, Description: &tooLong})
	if shared.KindOf(err) != shared.KindInvalid {
		t.Fatalf("error %v, want invalid", err)
	}
	got, _ := repo.Get(context.Background(), "alice", id)
	if got.Completed() || got.Title() != "original" || got.Description() != "" || !got.UpdatedAt().Equal(fixedNow) {
		t.Errorf("a refused update changed the to-do: title %q, completed %v", got.Title(), got.Completed())
	}
	updated, err := update.Handle(context.Background(), command.UpdateTodo{UserID: "alice", ID: id, Completed: &done})
	if err != nil || !updated.Completed() || !updated.UpdatedAt().Equal(later) {
		t.Errorf("update: %v, completed %v, updated_at %v", err, updated.Completed(), updated.UpdatedAt())
	}
}
