package poison_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/poison"
)

// shelf is a poison.Reader over a fixed list of parked messages.
type shelf []poison.Parked

func (s shelf) ReadParked(_ context.Context, fn func(poison.Parked) bool) error {
	for _, p := range s {
		if !fn(p) {
			return nil
		}
	}
	return nil
}

// published records what a replay publishes, and fails every publish once fail is set.
type published struct {
	topics []string
	msgs   []*message.Message
	fail   bool
}

func (p *published) Publish(topic string, msgs ...*message.Message) error {
	if p.fail {
		return errors.New("broker down")
	}
	for _, m := range msgs {
		p.topics, p.msgs = append(p.topics, topic), append(p.msgs, m)
	}
	return nil
}

func (*published) Close() error { return nil }

func threeParked() shelf {
	omitted := parkedMessage(map[string]string{"poison_payload_omitted": "2000000 bytes could not be parked"})
	omitted.Ref = "0/9"
	second := parkedMessage(nil)
	second.Ref = "0/8"
	return shelf{parkedMessage(nil), second, omitted}
}

func newParking(t *testing.T, s shelf, pub *published) *poison.Parking {
	t.Helper()
	p, err := poison.NewParking(s, pub, "taskstream.poison")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestListStopsAtTheLimit(t *testing.T) {
	t.Parallel()
	p := newParking(t, threeParked(), &published{})
	for limit, want := range map[int]int{0: 3, 2: 2, 5: 3} {
		got, err := p.List(t.Context(), limit)
		if err != nil || len(got) != want {
			t.Errorf("List(limit %d): %d messages (error %v), want %d", limit, len(got), err, want)
		}
	}
	if _, err := p.List(t.Context(), -1); err == nil {
		t.Error("List(limit -1): nil error")
	}
}

func TestSelectNamesTheReferencesItCannotFind(t *testing.T) {
	t.Parallel()
	p := newParking(t, threeParked(), &published{})
	got, err := p.Select(t.Context(), []string{"0/8", "0/7"}, false)
	if err != nil || len(got) != 2 || got[0].Ref != "0/7" || got[1].Ref != "0/8" {
		t.Fatalf("Select(0/8, 0/7): %v (error %v), want both in the topic's order", got, err)
	}
	if _, err := p.Select(t.Context(), []string{"0/8", "4/4"}, false); err == nil || !strings.Contains(err.Error(), "4/4") {
		t.Errorf("Select with an unknown reference: %v, want an error naming 4/4", err)
	}
	if all, err := p.Select(t.Context(), nil, true); err != nil || len(all) != 3 {
		t.Errorf("Select(all): %d (error %v), want 3", len(all), err)
	}
}

// A replay publishes each replayable message to its original topic, refuses the one parked
// without its payload, and publishes nothing on a dry run.
func TestReplayPublishesToTheOriginalTopicAndRefusesWhatItCannot(t *testing.T) {
	t.Parallel()
	pub := &published{}
	p := newParking(t, threeParked(), pub)
	selected, err := p.Select(t.Context(), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	var outcomes []poison.Outcome
	report := func(o poison.Outcome) { outcomes = append(outcomes, o) }
	if err := p.Replay(t.Context(), selected, true, report); err != nil || len(pub.msgs) != 0 || len(outcomes) != 3 {
		t.Fatalf("dry run: error %v, published %d, reported %d; want nothing published and 3 reported", err, len(pub.msgs), len(outcomes))
	}
	outcomes = nil
	if err := p.Replay(t.Context(), selected, false, report); err != nil {
		t.Fatal(err)
	}
	if len(pub.msgs) != 2 || pub.topics[0] != "task-events" || pub.msgs[0].Metadata.Get(poison.ReplayedFromKey) != "taskstream.poison 0/7" {
		t.Errorf("published %d to %v, want the two replayable ones to task-events", len(pub.msgs), pub.topics)
	}
	if !errors.Is(outcomes[2].Refused, poison.ErrPayloadOmitted) || outcomes[0].Refused != nil {
		t.Errorf("outcomes %+v, want the third refused for its omitted payload", outcomes)
	}
	pub.fail = true
	if err := p.Replay(t.Context(), selected[:1], false, report); err == nil {
		t.Error("a replay whose publish fails: nil error")
	}
}
