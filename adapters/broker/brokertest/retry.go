package brokertest

import (
	"context"
	"errors"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/platform/batch"
)

// failuresPerBatch is how often the flaky handler fails each batch before processing it.
const failuresPerBatch = 2

var errTransient = errors.New("brokertest: transient failure")

// retriesFailedBatches: a batch whose handler fails is retried after a backoff until it is
// processed, and nothing is lost or processed twice.
func retriesFailedBatches(e *env) {
	topic := e.topic("retry")
	sub := e.subscriber(topic, e.topic("retry-poison"), batchConfig(e.group("retry")))
	events := e.newEvents(3, 10, nil)
	e.publish(topic, events)

	var (
		processed recorder
		mu        sync.Mutex
		failures  = map[string]int{} // by the batch's first message
		succeeded []string
	)
	stop := e.run(sub, topic, func(_ context.Context, msgs []*message.Message) ([]batch.Rejected, error) {
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
