package brokertest

import (
	"fmt"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/platform/envelope"
)

// eventType is the ce_type of the suite's events.
const eventType = "brokertest.event"

// payload numbers each user's events in publish order.
type payload struct {
	User   string `json:"user"`
	Seq    int    `json:"seq"`
	Reject bool   `json:"reject,omitempty"`
}

// newEvents makes perUser events for each of users users, numbered 0 to perUser-1 per user;
// reject marks the sequence numbers a rejecting handler refuses (nil: none).
func (e *env) newEvents(users, perUser int, reject func(seq int) bool) [][]*message.Message {
	e.t.Helper()
	byUser := make([][]*message.Message, users)
	for u := range byUser {
		user := fmt.Sprintf("user-%d-%s", u, e.suffix)
		for seq := range perUser {
			msg, err := envelope.New(envelope.Event{
				Type: eventType, SchemaVersion: "1", UserID: user, Time: time.Now(),
				Payload: payload{User: user, Seq: seq, Reject: reject != nil && reject(seq)},
			})
			if err != nil {
				e.t.Fatalf("envelope.New: %v", err)
			}
			byUser[u] = append(byUser[u], msg)
		}
	}
	return byUser
}

// publish publishes every user's events in order through the broker's publisher, the users
// concurrently (as the API's requests do), and returns once the broker acknowledged them all.
func (e *env) publish(topic string, byUser [][]*message.Message) {
	e.t.Helper()
	const chunk = 20
	errs := make(chan error, len(byUser))
	var wg sync.WaitGroup
	for _, msgs := range byUser {
		wg.Go(func() {
			for i := 0; i < len(msgs); i += chunk {
				if err := e.b.Publisher().Publish(topic, msgs[i:min(i+chunk, len(msgs))]...); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(deliveryTimeout):
		e.t.Fatalf("publishing to %s took more than %s", topic, deliveryTimeout)
	}
	close(errs)
	for err := range errs {
		e.t.Fatalf("publish to %s: %v", topic, err)
	}
}

func decode(msg *message.Message) (payload, error) {
	var p payload
	err := envelope.Decode(msg, eventType, "1", &p)
	return p, err
}

func flatten(byUser [][]*message.Message) []*message.Message {
	var all []*message.Message
	for _, msgs := range byUser {
		all = append(all, msgs...)
	}
	return all
}

// recorder collects the messages a handler processed, in the order it processed them.
type recorder struct {
	mu      sync.Mutex
	msgs    []*message.Message
	biggest int
}

// add records one batch.
func (r *recorder) add(msgs ...*message.Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, msgs...)
	r.biggest = max(r.biggest, len(msgs))
}

// biggestBatch is the size of the biggest batch recorded.
func (r *recorder) biggestBatch() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.biggest
}

func (r *recorder) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.msgs)
}

func (r *recorder) all() []*message.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*message.Message(nil), r.msgs...)
}
