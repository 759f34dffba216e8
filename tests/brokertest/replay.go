package brokertest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/poison"
	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/ports/messaging"
)

// replayLimit is the payload size the suite's poison publisher takes: the event larger than this
// is parked without its payload, as one larger than the broker takes would be.
const replayLimit = 1024

var errTooLarge = errors.New("brokertest: larger than the poison topic takes")

// replaysParkedMessages: the messages the pipeline parked in the broker's poison topic are
// listed with where they came from and why; replaying one, then all, puts them back on their
// original topic with their id, payload and metadata, without the parking headers and saying
// where they were replayed from. A message parked without its payload is refused.
func replaysParkedMessages(e *env) {
	topic := e.topic("replay-source")
	group := e.group("replay-source")
	events := flatten(e.newEvents(1, 3, nil))
	big := e.newEvents(1, 1, nil)[0][0]
	big.Payload = append(big.Payload[:len(big.Payload):len(big.Payload)], strings.Repeat(" ", replayLimit)...)
	all := append(slices.Clone(events), big)
	e.park(topic, group, all)

	parked := e.readParked(topic, len(all))
	for i, p := range parked {
		if p.EventID() != all[i].UUID || p.EventType() != eventType || p.Handler() != handlerName ||
			p.Group() != group || p.Reason() != "brokertest: parked on purpose" || p.Ref == "" {
			e.t.Errorf("parked %s: event %s type %s handler %s group %s reason %q", p.Ref, p.EventID(), p.EventType(), p.Handler(), p.Group(), p.Reason())
		}
		if since := time.Since(p.ParkedAt); since < 0 || since > time.Minute {
			e.t.Errorf("parked %s at %s, not just now", p.Ref, p.ParkedAt)
		}
		if (p.PayloadOmitted() != "") != (i == len(events)) {
			e.t.Errorf("parked %s: payload omitted %q", p.Ref, p.PayloadOmitted())
		}
	}

	parking, err := poison.NewParking(e.b, e.b.Publisher(), e.poison)
	if err != nil {
		e.t.Fatal(err)
	}
	outcomes := e.replay(parking, parked[:1])
	outcomes = append(outcomes, e.replay(parking, parked[1:])...)
	for i, o := range outcomes {
		if refused := o.Refused != nil; refused != (i == len(parked)-1) {
			e.t.Errorf("replaying %s: refused %v", o.Parked.Ref, o.Refused)
		}
	}
	if refused := outcomes[len(outcomes)-1].Refused; !errors.Is(refused, poison.ErrPayloadOmitted) {
		e.t.Errorf("replaying the message parked without its payload: %v, want ErrPayloadOmitted", refused)
	}

	var got recorder
	replayGroup := e.group("replayed")
	stop := e.runBatches(e.batchSubscriber(topic, replayGroup, batchOptions()), topic, replayGroup, e.topic("replay-poison"),
		func(_ context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
			got.add(msgs...)
			return nil, nil
		})
	e.waitForCount("the replayed messages", &got, len(events))
	stop()
	e.assertExactlyOnce("replayed", got.all(), events)
	e.assertKeyOrder("replayed", got.all())
	for _, m := range got.all() {
		e.assertReplayed(m, events, parked)
	}
}

// park runs the pipeline of a consumer of topic in group whose handler rejects msgs, so that it
// parks them in the broker's poison topic; a message over replayLimit goes without payload.
func (e *env) park(topic, group string, msgs []*message.Message) {
	e.t.Helper()
	policy := e.policy(group, e.poison)
	policy.Poison = limitedPublisher{e.b.Publisher()}
	policy.TooLarge = func(err error) bool { return errors.Is(err, errTooLarge) }
	pipe, err := messaging.NewPipeline(handlerName, topic, func(_ context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
		rejected := make([]messaging.Rejected, len(msgs))
		for i, m := range msgs {
			rejected[i] = messaging.Rejected{Message: m, Reason: errors.New("brokertest: parked on purpose")}
		}
		return rejected, nil
	}, policy)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := pipe.Process(e.t.Context(), msgs); err != nil {
		e.t.Fatalf("park: %v", err)
	}
}

// readParked returns the parked messages that came from topic, failing unless there are n.
func (e *env) readParked(topic string, n int) []poison.Parked {
	e.t.Helper()
	var parked []poison.Parked
	err := e.b.ReadParked(e.t.Context(), func(p poison.Parked) bool {
		if p.Topic() == topic {
			parked = append(parked, p)
		}
		return true
	})
	if err != nil || len(parked) != n {
		e.t.Fatalf("ReadParked: %d messages from %s (error %v), want %d", len(parked), topic, err, n)
	}
	return parked
}

// replay replays selected through parking and returns what it did with each.
func (e *env) replay(parking *poison.Parking, selected []poison.Parked) []poison.Outcome {
	e.t.Helper()
	var outcomes []poison.Outcome
	if err := parking.Replay(e.t.Context(), selected, false, func(o poison.Outcome) { outcomes = append(outcomes, o) }); err != nil {
		e.t.Fatalf("Replay: %v", err)
	}
	return outcomes
}

// assertReplayed checks that m is one of events with its payload and metadata, without parking
// headers, and says which parked message it was replayed from.
func (e *env) assertReplayed(m *message.Message, events []*message.Message, parked []poison.Parked) {
	e.t.Helper()
	for i, want := range events {
		if want.UUID != m.UUID {
			continue
		}
		if string(m.Payload) != string(want.Payload) || m.Metadata.Get(envelope.KeyID) != want.UUID ||
			m.Metadata.Get(envelope.KeyPartitionKey) != want.Metadata.Get(envelope.KeyPartitionKey) {
			e.t.Errorf("replayed %s: payload %s, metadata %v", m.UUID, m.Payload, m.Metadata)
		}
		if from := m.Metadata.Get(poison.ReplayedFromKey); from != e.poison+" "+parked[i].Ref {
			e.t.Errorf("replayed %s: %s = %q", m.UUID, poison.ReplayedFromKey, from)
		}
		if m.Metadata.Get(poison.ReplayedAtKey) == "" {
			e.t.Errorf("replayed %s: no %s", m.UUID, poison.ReplayedAtKey)
		}
		for _, key := range []string{"reason_poisoned", "topic_poisoned", "handler_poisoned", "subscriber_poisoned", envelope.KeyPayloadOmitted} {
			if v, ok := m.Metadata[key]; ok {
				e.t.Errorf("replayed %s still has %s = %q", m.UUID, key, v)
			}
		}
		return
	}
}

// limitedPublisher refuses messages larger than replayLimit, as a broker refuses one larger
// than it takes.
type limitedPublisher struct{ message.Publisher }

func (p limitedPublisher) Publish(topic string, msgs ...*message.Message) error {
	for _, m := range msgs {
		if len(m.Payload) > replayLimit {
			return errTooLarge
		}
	}
	return p.Publisher.Publish(topic, msgs...)
}
