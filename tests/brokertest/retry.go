package brokertest

import (
	"context"
	"errors"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/ports/messaging"
)

// failuresPerBatch is how often the flaky handler fails each batch before processing it.
const failuresPerBatch = 2

// errTransient is a dependency that is down: retried for as long as it lasts, never parked.
var errTransient = shared.Unavailable("brokertest: transient failure", errors.New("down"))

// retriesFailedBatches: a batch whose handler fails is retried after a backoff until it is
// processed, and nothing is lost or processed twice.
func retriesFailedBatches(e *env) {
	topic, group := e.topic("retry"), e.group("retry")
	sub := e.batchSubscriber(topic, group, batchOptions())
	events := e.newEvents(3, 10, nil)
	e.publish(topic, events)

	var (
		processed recorder
		mu        sync.Mutex
		failures  = map[string]int{} // by the batch's first message
		succeeded []string
	)
	stop := e.runBatches(sub, topic, group, e.topic("retry-poison"), func(_ context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
		mu.Lock()
		defer mu.Unlock()
		key := msgs[0].UUID
		if failures[key] < failuresPerBatch {
			failures[key]++
			return nil, errTransient
		}
		succeeded = append(succeeded, key)
		processed.add(msgs...)
		return nil, nil
	})
	want := flatten(events)
	e.waitForCount("every message", &processed, len(want))
	stop()

	e.assertExactlyOnce("processed", processed.all(), want)
	e.assertKeyOrder("processed", processed.all())
	mu.Lock()
	defer mu.Unlock()
	for _, key := range succeeded {
		if failures[key] != failuresPerBatch {
			e.t.Errorf("the batch starting with %s was processed after %d failures, want %d", key, failures[key], failuresPerBatch)
		}
	}
}
