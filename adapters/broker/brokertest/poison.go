package brokertest

import (
	"context"
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/taskstream/taskstream/platform/batch"
)

// parksRejectedMessages: the messages a handler rejects land in the poison topic with
// Watermill's poison headers, and the consumer processes the rest and goes on with what is
// published later.
func parksRejectedMessages(e *env) {
	topic, poison := e.topic("poison-source"), e.topic("poison")
	bc := batchConfig(e.group("poison-source"))
	// The poison reader subscribes first: GoChannel keeps nothing for absent subscribers.
	reader := e.subscriber(poison, e.topic("poison-reader-poison"), batchConfig(e.group("poison-reader")))
	sub := e.subscriber(topic, poison, bc)
	events := e.newEvents(3, 20, func(seq int) bool { return seq%4 == 1 })
	e.publish(topic, events)

	var processed, parked recorder
	e.run(reader, poison, func(_ context.Context, msgs []*message.Message) ([]batch.Rejected, error) {
		parked.add(msgs...)
		return nil, nil
	})
	stop := e.run(sub, topic, func(_ context.Context, msgs []*message.Message) ([]batch.Rejected, error) {
		var rejected []batch.Rejected
		for _, m := range msgs {
			p, err := decode(m)
			if err != nil {
				e.t.Errorf("poison source: %v", err)
			}
			if p.Reject {
				rejected = append(rejected, batch.Rejected{Message: m, Reason: rejectReason(p)})
				continue
			}
			processed.add(m)
		}
		return rejected, nil
	})
	wantProcessed, wantParked := splitRejected(e, events)
	e.waitForCount("the processed messages", &processed, len(wantProcessed))
	e.waitForCount("the parked messages", &parked, len(wantParked))
	// The consumer goes on after parking.
	later := e.newEvents(3, 2, nil)
	e.publish(topic, later)
	wantProcessed = append(wantProcessed, flatten(later)...)
	e.waitForCount("the messages published after the parked ones", &processed, len(wantProcessed))
	stop()

	e.assertExactlyOnce("processed", processed.all(), wantProcessed)
	e.assertExactlyOnce("parked", parked.all(), wantParked)
	for _, m := range parked.all() {
		e.assertPoisonHeaders(m, topic, bc.Group)
	}
}

func rejectReason(p payload) error {
	return fmt.Errorf("brokertest: event %d of %s is rejected on purpose", p.Seq, p.User)
}

func splitRejected(e *env, byUser [][]*message.Message) (kept, rejected []*message.Message) {
	for _, m := range flatten(byUser) {
		p, err := decode(m)
		if err != nil {
			e.t.Fatalf("decode own event: %v", err)
		}
		if p.Reject {
			rejected = append(rejected, m)
		} else {
			kept = append(kept, m)
		}
	}
	return kept, rejected
}

// assertPoisonHeaders checks that m says why, where and by whom it was parked, and still is the
// event it was.
func (e *env) assertPoisonHeaders(m *message.Message, topic, group string) {
	e.t.Helper()
	p, err := decode(m)
	if err != nil {
		e.t.Errorf("parked message %s: %v", m.UUID, err)
		return
	}
	want := map[string]string{
		middleware.ReasonForPoisonedKey:  rejectReason(p).Error(),
		middleware.PoisonedTopicKey:      topic,
		middleware.PoisonedHandlerKey:    handlerName,
		middleware.PoisonedSubscriberKey: group,
	}
	for key, value := range want {
		if got := m.Metadata.Get(key); got != value {
			e.t.Errorf("parked message %s: %s = %q, want %q", m.UUID, key, got, value)
		}
	}
}
