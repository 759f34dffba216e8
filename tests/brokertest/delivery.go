package brokertest

import (
	"context"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/ports/messaging"
)

// deliversEveryMessageOnce: a consumer group gets every published message once, each user's in
// publish order, in batches no bigger than MaxRecords.
func deliversEveryMessageOnce(e *env) {
	topic, group := e.topic("delivery"), e.group("delivery")
	opts := batchOptions()
	// Subscribe before publishing: GoChannel keeps nothing for absent subscribers.
	sub := e.batchSubscriber(topic, group, opts)
	events := e.newEvents(5, 100, nil)
	e.publish(topic, events)

	var got recorder
	stop := e.runBatches(sub, topic, group, e.topic("delivery-poison"), func(_ context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
		got.add(msgs...)
		return nil, nil
	})
	want := flatten(events)
	e.waitForCount("every message", &got, len(want))
	stop()

	e.assertExactlyOnce("delivered", got.all(), want)
	e.assertKeyOrder("delivered", got.all())
	if n := got.biggestBatch(); n > opts.MaxRecords {
		e.t.Errorf("a batch held %d messages, more than MaxRecords %d", n, opts.MaxRecords)
	}
}
