package brokertest

import (
	"context"
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/ports/messaging"
)

// parksRejectedMessages: the messages a handler rejects land in the poison topic with
// Watermill's poison headers, and the consumer processes the rest and goes on with what is
// published later.
func parksRejectedMessages(e *env) {
	topic, poison := e.topic("poison-source"), e.topic("poison")
	group, readerGroup := e.group("poison-source"), e.group("poison-reader")
	// The poison reader subscribes first: GoChannel keeps nothing for absent subscribers.
	reader := e.batchSubscriber(poison, readerGroup, batchOptions())
	sub := e.batchSubscriber(topic, group, batchOptions())
	events := e.newEvents(3, 20, func(seq int) bool { return seq%4 == 1 })
	e.publish(topic, events)

	var processed, parked recorder
	e.runBatches(reader, poison, readerGroup, e.topic("poison-reader-poison"), func(_ context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
		parked.add(msgs...)
		return nil, nil
	})
	stop := e.runBatches(sub, topic, group, poison, func(_ context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
		var rejected []messaging.Rejected
		for _, m := range msgs {
			p, err := decode(m)
			if err != nil {
				e.t.Errorf("poison source: %v", err)
			}
			if p.Reject {
				rejected = append(rejected, messaging.Rejected{Message: m, Reason: rejectReason(p)})
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
		e.assertPoisonHeaders(m, topic, group, rejectReason)
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
func (e *env) assertPoisonHeaders(m *message.Message, topic, group string, reason func(payload) error) {
	e.t.Helper()
	p, err := decode(m)
	if err != nil {
		e.t.Errorf("parked message %s: %v", m.UUID, err)
		return
	}
	want := map[string]string{
		envelope.KeyPoisonReason:  reason(p).Error(),
		envelope.KeyPoisonTopic:   topic,
		envelope.KeyPoisonHandler: handlerName,
		envelope.KeyPoisonGroup:   group,
	}
	for key, value := range want {
		if got := m.Metadata.Get(key); got != value {
			e.t.Errorf("parked message %s: %s = %q, want %q", m.UUID, key, got, value)
		}
	}
}
