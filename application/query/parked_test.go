package query_test

import (
	"context"
	"testing"

	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
)

// fakeParked is a poison topic holding these messages, oldest first; it counts the messages
// fn saw, so a test sees that a read stopped early.
type fakeParked struct {
	msgs []query.ParkedMessage
	seen int
	err  error
}

func (f *fakeParked) ReadParked(_ context.Context, fn func(query.ParkedMessage) bool) error {
	if f.err != nil {
		return f.err
	}
	for _, m := range f.msgs {
		f.seen++
		if !fn(m) {
			return nil
		}
	}
	return nil
}

func sampleParked() *fakeParked {
	return &fakeParked{msgs: []query.ParkedMessage{
		{Ref: "1", Topic: "task-events", Handler: "audit", Group: "audit", Reason: "snapshot does not decode"},
		{Ref: "2", Topic: "todo-create", Handler: "ingest", Group: "todo", Reason: "store: timeout"},
		{Ref: "3", Topic: "task-events", Handler: "audit", Group: "audit", Reason: "Snapshot does not decode: eof"},
		{Ref: "4", Topic: "task-events", Handler: "notify", Group: "notify", Reason: "store: timeout"},
	}}
}

func refsOf(ms []query.ParkedMessage) []string {
	refs := make([]string, 0, len(ms))
	for _, m := range ms {
		refs = append(refs, m.Ref)
	}
	return refs
}

func TestListParkedFiltersLimitsAndCountsByReason(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		q       query.ListParked
		refs    []string
		matched int
		reasons []query.ReasonCount
	}{
		{"all", query.ListParked{}, []string{"1", "2", "3", "4"}, 4, []query.ReasonCount{
			{Reason: "store: timeout", Count: 2}, {Reason: "Snapshot does not decode: eof", Count: 1}, {Reason: "snapshot does not decode", Count: 1},
		}},
		{"reason substring, any case", query.ListParked{Filter: query.ParkedFilter{ReasonContains: "SNAPSHOT"}}, []string{"1", "3"}, 2, nil},
		{"topic and handler", query.ListParked{Filter: query.ParkedFilter{Topic: "task-events", Handler: "notify"}}, []string{"4"}, 1, nil},
		{"group", query.ListParked{Filter: query.ParkedFilter{Group: "todo"}}, []string{"2"}, 1, nil},
		{"limit counts every match", query.ListParked{Limit: 1, Filter: query.ParkedFilter{Topic: "task-events"}}, []string{"1"}, 3, nil},
		{"none", query.ListParked{Filter: query.ParkedFilter{Group: "other"}}, []string{}, 0, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := query.NewListParkedHandler(sampleParked()).Handle(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if r := refsOf(got.Messages); len(r) != len(tc.refs) || (len(r) > 0 && r[0] != tc.refs[0]) || got.Matched != tc.matched {
				t.Fatalf("refs %v matched %d, want %v matched %d", r, got.Matched, tc.refs, tc.matched)
			}
			if tc.reasons != nil && len(got.ByReason) != len(tc.reasons) {
				t.Fatalf("by reason %v, want %v", got.ByReason, tc.reasons)
			}
			for i, want := range tc.reasons {
				if got.ByReason[i] != want {
					t.Errorf("by reason %d: %+v, want %+v", i, got.ByReason[i], want)
				}
			}
		})
	}
}

func TestListParkedRefusesANegativeLimit(t *testing.T) {
	t.Parallel()
	_, err := query.NewListParkedHandler(sampleParked()).Handle(context.Background(), query.ListParked{Limit: -1})
	if shared.KindOf(err) != shared.KindInvalid {
		t.Fatalf("error %v, want invalid", err)
	}
}

func TestGetParkedFindsOneAndStopsReading(t *testing.T) {
	t.Parallel()
	p := sampleParked()
	m, err := query.NewGetParkedHandler(p).Handle(context.Background(), query.GetParked{Ref: "2"})
	if err != nil || m.Handler != "ingest" {
		t.Fatalf("got %+v, %v", m, err)
	}
	if p.seen != 2 {
		t.Errorf("read %d messages, want 2 (stop at the one found)", p.seen)
	}
	_, err = query.NewGetParkedHandler(sampleParked()).Handle(context.Background(), query.GetParked{Ref: "9"})
	if shared.KindOf(err) != shared.KindNotFound {
		t.Fatalf("unknown ref: %v, want not found", err)
	}
}
