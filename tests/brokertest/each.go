package brokertest

import (
	"fmt"
	"slices"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/domain/shared"
)

// The consumers that take one message at a time (messaging.Run on Broker.Subscriber): six of the
// eight consumers of the service are such (the to-do ingest and the result calculator take
// batches).

// eachDeliversEveryMessageOnce: a group gets every message once, each user's in publish order.
func eachDeliversEveryMessageOnce(e *env) {
	topic := e.topic("each-delivery")
	var got recorder
	stop := e.runEach(topic, e.group("each-delivery"), broker.Oldest, e.topic("each-delivery-poison"), func(m *message.Message) error {
		got.add(m)
		return nil
	})
	events := e.newEvents(5, 40, nil)
	e.publish(topic, events)
	want := flatten(events)
	e.waitForCount("every message", &got, len(want))
	stop()
	e.assertExactlyOnce("delivered", got.all(), want)
	e.assertKeyOrder("delivered", got.all())
}

// eachParksInvalidAndFailingMessages: a message its handler calls invalid is parked at once,
// with the reason; one that keeps failing is parked after the retries; the consumer goes on
// with the others and with what comes later.
func eachParksInvalidAndFailingMessages(e *env) {
	topic, poison, group := e.topic("each-poison-source"), e.topic("each-poison"), e.group("each-poison-source")
	var parked recorder
	readerGroup := e.group("each-poison-reader")
	e.runEach(poison, readerGroup, broker.Oldest, e.topic("each-poison-reader-poison"), func(m *message.Message) error {
		parked.add(m)
		return nil
	})
	var processed recorder
	var mu sync.Mutex
	tries := map[string]int{}
	stop := e.runEach(topic, group, broker.Oldest, poison, func(m *message.Message) error {
		p, err := decode(m)
		if err != nil {
			return shared.Invalid("message", "%v", err)
		}
		if !p.Reject {
			processed.add(m)
			return nil
		}
		mu.Lock()
		tries[m.UUID]++
		mu.Unlock()
		return eachReason(p)
	})
	events := e.newEvents(3, 12, func(seq int) bool { return seq%4 == 1 })
	e.publish(topic, events)
	wantProcessed, wantParked := splitRejected(e, events)
	e.waitForCount("the processed messages", &processed, len(wantProcessed))
	e.waitForCount("the parked messages", &parked, len(wantParked))
	later := e.newEvents(2, 2, nil)
	e.publish(topic, later)
	wantProcessed = append(wantProcessed, flatten(later)...)
	e.waitForCount("the messages published after the parked ones", &processed, len(wantProcessed))
	stop()

	e.assertExactlyOnce("processed", processed.all(), wantProcessed)
	e.assertExactlyOnce("parked", parked.all(), wantParked)
	mu.Lock()
	defer mu.Unlock()
	for _, m := range parked.all() {
		e.assertPoisonHeaders(m, topic, group, eachReason)
		p, _ := decode(m)
		want := 1 // invalid: parked at once
		if p.Seq%8 == 5 {
			want = 1 + e.policy(group, poison).MaxRetries // failing: parked after the retries
		}
		if tries[m.UUID] != want {
			e.t.Errorf("parked %s (event %d of %s) after %d tries, want %d", m.UUID, p.Seq, p.User, tries[m.UUID], want)
		}
	}
}

// eachReason refuses a rejected event: every other one as invalid, the others with an error
// that is neither invalid nor transient (retried, then parked).
func eachReason(p payload) error {
	if p.Seq%8 == 1 {
		return shared.Invalid("event", "event %d of %s is invalid on purpose", p.Seq, p.User)
	}
	return fmt.Errorf("brokertest: event %d of %s fails on purpose", p.Seq, p.User)
}

// eachRetriesTransientFailures: a message whose handler fails because a dependency is down is
// retried until it is processed, and never parked.
func eachRetriesTransientFailures(e *env) {
	topic := e.topic("each-retry")
	var processed recorder
	var mu sync.Mutex
	failures := map[string]int{}
	stop := e.runEach(topic, e.group("each-retry"), broker.Oldest, e.topic("each-retry-poison"), func(m *message.Message) error {
		mu.Lock()
		defer mu.Unlock()
		// More failures than MaxRetries: a transient failure does not count towards them.
		if failures[m.UUID] < e.policy("", "").MaxRetries+2 {
			failures[m.UUID]++
			return errTransient
		}
		processed.add(m)
		return nil
	})
	events := e.newEvents(2, 5, nil)
	e.publish(topic, events)
	want := flatten(events)
	e.waitForCount("every message", &processed, len(want))
	stop()
	e.assertExactlyOnce("processed", processed.all(), want)
	e.assertKeyOrder("processed", processed.all())
}

// eachNewestStartsAfterWhatWasPublished: a consumer that starts at the newest message gets what
// is published once it runs, not what was published before.
func eachNewestStartsAfterWhatWasPublished(e *env) {
	topic := e.topic("each-newest")
	before := e.newEvents(2, 5, nil)
	e.publish(topic, before)
	e.waitUntilReadable(topic, flatten(before))
	var got recorder
	stop := e.runEach(topic, e.group("each-newest"), broker.Newest, e.topic("each-newest-poison"), func(m *message.Message) error {
		got.add(m)
		return nil
	})
	after := e.newEvents(2, 5, nil)
	e.publish(topic, after)
	want := flatten(after)
	e.waitForCount("the messages published after it started", &got, len(want))
	stop()
	e.assertExactlyOnce("from the newest", got.all(), want)
}

// eachAcknowledgesOnlyWhatWasProcessed: a member processes some messages and then hangs on the
// others until it is stopped; a new member of the group gets every message the first one did
// not process.
func eachAcknowledgesOnlyWhatWasProcessed(e *env) {
	topic, group := e.topic("each-ack"), e.group("each-ack")
	events := e.newEvents(4, 10, nil)
	e.publish(topic, events)
	const processFirst = 8
	var (
		mu    sync.Mutex
		first []*message.Message
		hung  = make(chan struct{})
		once  sync.Once
	)
	stopFirst := e.runEach(topic, group, broker.Oldest, e.topic("each-ack-poison"), func(m *message.Message) error {
		mu.Lock()
		if len(first) < processFirst {
			first = append(first, m)
			mu.Unlock()
			return nil
		}
		mu.Unlock()
		once.Do(func() { close(hung) })
		<-m.Context().Done()
		return m.Context().Err()
	})
	e.waitFor("the first member to hang", hung)
	stopFirst()

	var replayed recorder
	stop := e.runEach(topic, group, broker.Oldest, e.topic("each-ack-poison-2"), func(m *message.Message) error {
		replayed.add(m)
		return nil
	})
	mu.Lock()
	processed := slices.Clone(first)
	mu.Unlock()
	want := slices.DeleteFunc(flatten(events), func(m *message.Message) bool {
		return slices.ContainsFunc(processed, func(f *message.Message) bool { return f.UUID == m.UUID })
	})
	e.waitForCount("the unprocessed messages", &replayed, len(want))
	stop()
	e.assertAtLeastOnce("after the restart", replayed.all(), want, processed)
}

// waitUntilReadable waits until a new group of a durable broker reads msgs from topic: on the
// PostgreSQL pub/sub a row is read only once no older transaction of the server runs, and a
// group that starts at the newest message may still get the rows not readable yet when it
// joined (at least once, never a gap).
func (e *env) waitUntilReadable(topic string, msgs []*message.Message) {
	e.t.Helper()
	if !e.f.Durable {
		return
	}
	var got recorder
	stop := e.runEach(topic, e.group("readable"), broker.Oldest, e.topic("readable-poison"), func(m *message.Message) error {
		got.add(m)
		return nil
	})
	e.waitForCount("the messages to be readable", &got, len(msgs))
	stop()
}
