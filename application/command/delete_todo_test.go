package command_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
)

func TestDeleteTodoRemovesTheUsersTodo(t *testing.T) {
	t.Parallel()
	store := newFakeTodos()
	storedTodo(t, store)
	if _, err := command.NewDeleteTodoHandler(store).Handle(context.Background(), command.DeleteTodo{UserID: "alice", ID: todoID}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(store.deletes, []string{todoID}) {
		t.Errorf("deleted %q, want %q", store.deletes, todoID)
	}
	if _, err := store.Get(context.Background(), "alice", todoID); shared.KindOf(err) != shared.KindNotFound {
		t.Errorf("Get after the delete: %v, want not found", err)
	}
}

// Only the owner deletes a to-do: anyone else's request, like one for an unknown to-do, is not
// found and removes nothing.
func TestDeleteTodoOfWhatTheUserHasNot(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cmd  command.DeleteTodo
	}{
		{"another user's", command.DeleteTodo{UserID: "bob", ID: todoID}},
		{"an unknown id", command.DeleteTodo{UserID: "alice", ID: "0193a1e0-0000-7000-8000-0000000000ff"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := newFakeTodos()
			storedTodo(t, store)
			if _, err := command.NewDeleteTodoHandler(store).Handle(context.Background(), tc.cmd); shared.KindOf(err) != shared.KindNotFound {
				t.Errorf("error %v, want not found", err)
			}
			if len(store.deletes) != 0 {
				t.Errorf("deleted %q", store.deletes)
			}
			if _, err := store.Get(context.Background(), "alice", todoID); err != nil {
				t.Errorf("alice's to-do is gone: %v", err)
			}
		})
	}
}

func TestDeleteTodoReturnsTheStoresError(t *testing.T) {
	t.Parallel()
	store := newFakeTodos()
	store.fail = errStore
	if _, err := command.NewDeleteTodoHandler(store).Handle(context.Background(), command.DeleteTodo{UserID: "alice", ID: todoID}); !errors.Is(err, errStore) {
		t.Errorf("error %v, want the store's", err)
	}
}
