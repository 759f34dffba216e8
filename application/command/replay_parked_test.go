package command_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
)

// fakeReplayer is a poison topic holding these messages; Replay records what it was asked and
// refuses the refs in refuse.
type fakeReplayer struct {
	msgs    []query.ParkedMessage
	refuse  map[string]bool
	replays [][]string
	dryRuns []bool
}

func (f *fakeReplayer) ReadParked(_ context.Context, fn func(query.ParkedMessage) bool) error {
	for _, m := range f.msgs {
		if !fn(m) {
			return nil
		}
	}
	return nil
}

func (f *fakeReplayer) Replay(_ context.Context, selected []query.ParkedMessage, dryRun bool, report func(string, error)) error {
	refs := make([]string, 0, len(selected))
	for _, m := range selected {
		refs = append(refs, m.Ref)
	}
	f.replays = append(f.replays, refs)
	f.dryRuns = append(f.dryRuns, dryRun)
	for _, r := range refs {
		var refused error
		if f.refuse[r] {
			refused = errors.New("its payload was omitted")
		}
		report(r, refused)
	}
	return nil
}

func newReplayer() *fakeReplayer {
	return &fakeReplayer{msgs: []query.ParkedMessage{
		{Ref: "1", Topic: "task-events", Reason: "snapshot does not decode"},
		{Ref: "2", Topic: "todo-create", Reason: "store: timeout"},
		{Ref: "3", Topic: "task-events", Reason: "store: timeout"},
	}, refuse: map[string]bool{"3": true}}
}

func TestReplayParkedSelectsByRefsOrByFilter(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		c    command.ReplayParked
		want []string
	}{
		{"refs, in the topic's order", command.ReplayParked{Refs: []string{"3", "1"}}, []string{"1", "3"}},
		{"a filter", command.ReplayParked{Filter: query.ParkedFilter{ReasonContains: "timeout"}}, []string{"2", "3"}},
		{"no refs, no filter: all", command.ReplayParked{DryRun: true}, []string{"1", "2", "3"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newReplayer()
			res, err := command.NewReplayParkedHandler(r).Handle(context.Background(), tc.c)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.replays) != 1 || !slices.Equal(r.replays[0], tc.want) || r.dryRuns[0] != tc.c.DryRun {
				t.Fatalf("replayed %v (dry run %v), want %v (%v)", r.replays, r.dryRuns, tc.want, tc.c.DryRun)
			}
			if res.DryRun != tc.c.DryRun || len(res.Outcomes) != len(tc.want) || res.Outcomes[0].Message.Ref != tc.want[0] {
				t.Fatalf("result %+v", res)
			}
			wantReplayed := len(tc.want)
			if slices.Contains(tc.want, "3") {
				wantReplayed--
			}
			if res.Replayed() != wantReplayed {
				t.Errorf("replayed %d, want %d (3 is refused)", res.Replayed(), wantReplayed)
			}
		})
	}
}

// A ref that names no parked message replays nothing at all, not even the others.
func TestReplayParkedWithAnUnknownRefReplaysNothing(t *testing.T) {
	t.Parallel()
	r := newReplayer()
	_, err := command.NewReplayParkedHandler(r).Handle(context.Background(), command.ReplayParked{Refs: []string{"1", "9"}})
	if shared.KindOf(err) != shared.KindNotFound {
		t.Fatalf("error %v, want not found", err)
	}
	if len(r.replays) != 0 {
		t.Errorf("replayed %v", r.replays)
	}
}

func TestReplayParkedWithNoMatchPublishesNothing(t *testing.T) {
	t.Parallel()
	r := newReplayer()
	res, err := command.NewReplayParkedHandler(r).Handle(context.Background(), command.ReplayParked{Filter: query.ParkedFilter{Topic: "other"}})
	if err != nil || len(res.Outcomes) != 0 || len(r.replays) != 0 {
		t.Fatalf("result %+v, %v; replays %v", res, err, r.replays)
	}
}
