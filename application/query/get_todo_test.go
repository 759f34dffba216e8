package query_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

// A to-do is its owner's alone: another user's, like an unknown one, is not found.
func TestGetTodoIsTheOwnersAlone(t *testing.T) {
	t.Parallel()
	alices, bobs := todoAt(t, 1, "alice"), todoAt(t, 2, "bob")
	r := &fakeTodos{todos: []*todo.Todo{alices, bobs}}
	get := query.NewGetTodoHandler(r)
	got, err := get.Handle(context.Background(), query.GetTodo{UserID: "alice", ID: alices.ID()})
	if err != nil || got != alices {
		t.Fatalf("GetTodo = %v, %v; want alice's to-do", got, err)
	}
	unknown := "0193a1e0-0000-7000-8000-0000000000ff"
	for _, q := range []query.GetTodo{{UserID: "bob", ID: alices.ID()}, {UserID: "alice", ID: bobs.ID()}, {UserID: "alice", ID: unknown}} {
		if got, err := get.Handle(context.Background(), q); shared.KindOf(err) != shared.KindNotFound || got != nil {
			t.Errorf("%+v = %v, %v; want not found", q, got, err)
		}
	}
	want := []string{"alice|" + alices.ID(), "bob|" + alices.ID(), "alice|" + bobs.ID(), "alice|" + unknown}
	if !slices.Equal(r.gets, want) {
		t.Errorf("asked %q, want %q", r.gets, want)
	}
}

func TestGetTodoReturnsTheReadersError(t *testing.T) {
	t.Parallel()
	r := &fakeTodos{fail: errReader}
	if _, err := query.NewGetTodoHandler(r).Handle(context.Background(), query.GetTodo{UserID: "alice", ID: "0193a1e0-0000-7000-8000-0000000000ff"}); !errors.Is(err, errReader) {
		t.Errorf("error %v, want the reader's", err)
	}
}
