package query_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// A task is its owner's alone: another user's, like an unknown one, is not found.
func TestGetTaskIsTheOwnersAlone(t *testing.T) {
	t.Parallel()
	alices, bobs := taskAt(t, 1, "alice"), taskAt(t, 2, "bob")
	r := &fakeTaskReader{tasks: []*task.Task{alices, bobs}}
	get := query.NewGetTaskHandler(r)
	got, err := get.Handle(context.Background(), query.GetTask{UserID: "alice", ID: alices.ID()})
	if err != nil || got != alices {
		t.Fatalf("GetTask = %v, %v; want alice's task", got, err)
	}
	unknown := "0193a1e0-0000-7000-8000-0000000000ff"
	for _, q := range []query.GetTask{{UserID: "bob", ID: alices.ID()}, {UserID: "alice", ID: bobs.ID()}, {UserID: "alice", ID: unknown}} {
		if got, err := get.Handle(context.Background(), q); shared.KindOf(err) != shared.KindNotFound || got != nil {
			t.Errorf("%+v = %v, %v; want not found", q, got, err)
		}
	}
	want := []string{"alice|" + alices.ID(), "bob|" + alices.ID(), "alice|" + bobs.ID(), "alice|" + unknown}
	if !slices.Equal(r.gets, want) {
		t.Errorf("asked %q, want %q", r.gets, want)
	}
}

func TestGetTaskReturnsTheReadersError(t *testing.T) {
	t.Parallel()
	r := &fakeTaskReader{fail: errReader}
	if _, err := query.NewGetTaskHandler(r).Handle(context.Background(), query.GetTask{UserID: "alice", ID: "0193a1e0-0000-7000-8000-0000000000ff"}); !errors.Is(err, errReader) {
		t.Errorf("error %v, want the reader's", err)
	}
}
