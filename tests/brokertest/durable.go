package brokertest

import (
	"context"
	"slices"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/ports/messaging"
)

// commitsOnlyAfterSuccess: a member processes one batch and then hangs on every other one until
// it is stopped. A new member of the same group gets every message but the processed batch:
// the processed offsets were committed, the others were not.
func commitsOnlyAfterSuccess(e *env) {
	topic, group := e.topic("commit"), e.group("commit")
	opts := batchOptions()
	opts.MaxRecords = 5 // many batches per partition: the first one is far from all of it
	events := e.newEvents(4, 25, nil)
	e.publish(topic, events)

	first := e.processOneBatchThenHang(topic, group, opts)

	var replayed recorder
	stop := e.runBatches(e.batchSubscriber(topic, group, opts), topic, group, e.topic("commit-poison"),
		func(_ context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
			replayed.add(msgs...)
			return nil, nil
		})
	want := slices.DeleteFunc(flatten(events), func(m *message.Message) bool {
		return slices.ContainsFunc(first, func(f *message.Message) bool { return f.UUID == m.UUID })
	})
	// A replayed processed message would come before the unprocessed ones of its partition, so
	// once these all came, a wrong commit has shown.
	e.waitForCount("the unprocessed messages", &replayed, len(want))
	stop()
	e.assertExactlyOnce("after the restart", replayed.all(), want)
}

// processOneBatchThenHang runs a member of group that processes the first batch it gets and
// hangs on every later one until its context ends. It stops the member once the batch is
// acknowledged and returns the batch. Kafka commits a partition's batch before it hands over the
// next one; PostgreSQL commits the acknowledgements of the rows it polled together, here when
// the member stops.
func (e *env) processOneBatchThenHang(topic, group string, opts broker.BatchOptions) []*message.Message {
	var (
		mu      sync.Mutex
		first   []*message.Message
		keys    = map[string]bool{} // partition keys of the processed batch
		settled = make(chan struct{})
		once    sync.Once
	)
	stop := e.runBatches(e.batchSubscriber(topic, group, opts), topic, group, e.topic("commit-poison-first"),
		func(ctx context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
			mu.Lock()
			if first == nil {
				first = msgs
				for _, m := range msgs {
					keys[m.Metadata.Get(envelope.KeyPartitionKey)] = true
				}
				mu.Unlock()
				return nil, nil
			}
			// A later batch with a key of the first one comes from the first one's partition
			// (the only one, on PostgreSQL), which hands it over only after the first one was
			// acknowledged.
			if slices.ContainsFunc(msgs, func(m *message.Message) bool { return keys[m.Metadata.Get(envelope.KeyPartitionKey)] }) {
				once.Do(func() { close(settled) })
			}
			mu.Unlock()
			<-ctx.Done()
			return nil, ctx.Err()
		})
	e.waitFor("the first batch to be acknowledged", settled)
	stop()
	mu.Lock()
	defer mu.Unlock()
	return first
}

// newGroupStartsAtOldest: groups that join after the messages were published get all of them,
// each group independently of the others.
func newGroupStartsAtOldest(e *env) {
	topic := e.topic("oldest")
	events := e.newEvents(2, 10, nil)
	e.publish(topic, events)
	want := flatten(events)

	for _, name := range []string{"oldest-a", "oldest-b"} {
		var got recorder
		group := e.group(name)
		stop := e.runBatches(e.batchSubscriber(topic, group, batchOptions()), topic, group, e.topic(name+"-poison"),
			func(_ context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
				got.add(msgs...)
				return nil, nil
			})
		e.waitForCount("group "+name+" to get every message", &got, len(want))
		stop()
		e.assertExactlyOnce("group "+name, got.all(), want)
		e.assertKeyOrder("group "+name, got.all())
	}
}
