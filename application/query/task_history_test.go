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

// The owner reads the whole trail, oldest first, also after the task's deletion; another user
// asking for the task's id, like anyone asking for an unknown task, gets not found.
func TestTaskHistoryIsTheOwnersAlone(t *testing.T) {
	t.Parallel()
	alices, bobs := taskAt(t, 1, "alice"), taskAt(t, 2, "bob")
	want := trail(t, alices)
	r := &fakeTaskReader{history: map[string][]task.AuditEntry{alices.ID(): want, bobs.ID(): trail(t, bobs)}}
	history := query.NewTaskHistoryHandler(r)
	got, err := history.Handle(context.Background(), query.TaskHistory{UserID: "alice", ID: alices.ID()})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range got {
		actions = append(actions, e.Action.String())
	}
	if !slices.Equal(actions, []string{"created", "completed", "deleted"}) || got[0].EventID != want[0].EventID || got[2].Task.Version != 3 {
		t.Errorf("history %v, want alice's trail oldest first", actions)
	}
	unknown := "0193a1e0-0000-7000-8000-0000000000ff"
	for _, q := range []query.TaskHistory{{UserID: "bob", ID: alices.ID()}, {UserID: "alice", ID: bobs.ID()}, {UserID: "alice", ID: unknown}} {
		if got, err := history.Handle(context.Background(), q); shared.KindOf(err) != shared.KindNotFound || got != nil {
			t.Errorf("%+v = %v, %v; want not found", q, got, err)
		}
	}
	asked := []string{"alice|" + alices.ID(), "bob|" + alices.ID(), "alice|" + bobs.ID(), "alice|" + unknown}
	if !slices.Equal(r.histories, asked) || len(r.gets) != 0 {
		t.Errorf("asked the history of %q and the task of %q; want the history of %q only", r.histories, r.gets, asked)
	}
}

func TestTaskHistoryReturnsTheReadersError(t *testing.T) {
	t.Parallel()
	r := &fakeTaskReader{fail: errReader}
	if _, err := query.NewTaskHistoryHandler(r).Handle(context.Background(), query.TaskHistory{UserID: "alice", ID: "0193a1e0-0000-7000-8000-0000000000ff"}); !errors.Is(err, errReader) {
		t.Errorf("error %v, want the reader's", err)
	}
}
