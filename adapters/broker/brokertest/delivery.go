package brokertest

import (
	"context"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/platform/batch"
)

// deliversEveryMessageOnce: a consumer group gets every published message once, each user's in
// publish order, in batches no bigger than MaxRecords.
func deliversEveryMessageOnce(e *env) {
	topic := e.topic("delivery")
	bc := batchConfig(e.group("delivery"))
	// Subscribe before publishing: GoChannel keeps nothing for absent subscribers.
	sub := e.subscriber(topic, e.topic("delivery-poison"), bc)
	events := e.newEvents(5, 100, nil)
	e.publish(topic, events)

	var got recorder
	stop := e.run(sub, topic, func(_ context.Context, msgs []*message.Message) ([]batch.Rejected, error) {
		got.add(msgs...)
		return nil, nil
	})
	want := flatten(events)
	e.waitForCount("every message", &got, len(want))
	stop()

	e.assertExactlyOnce("delivered", got.all(), want)
	e.assertKeyOrder("delivered", got.all())
	if n := got.biggestBatch(); n > bc.MaxRecords {
		e.t.Errorf("a batch held %d messages, more than MaxRecords %d", n, bc.MaxRecords)
	}
}
