package brokertest

import (
	"context"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/ports/messaging"
)

// releaseAfterStop is how long after the consumer is told to stop the message in hand finishes:
// well within the policy's grace (a second).
const releaseAfterStop = 200 * time.Millisecond

// eachCommitsWhatFinishesAfterTheStop: a consumer told to stop while a message is in hand lets it
// finish and acknowledges it, so the next member of the group does not get it again; it gets the
// messages after it.
func eachCommitsWhatFinishesAfterTheStop(e *env) {
	if !e.f.CommitsAfterStop {
		e.t.Skip("the broker's one-at-a-time subscriber does not commit a message finished after the stop (Features.CommitsAfterStop)")
	}
	topic, group := e.topic("each-grace"), e.group("each-grace")
	msgs := flatten(e.newEvents(1, 3, nil)) // one user: one partition, handed over in order
	e.publish(topic, [][]*message.Message{msgs})
	inHand, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	stop := e.runEach(topic, group, broker.Oldest, e.topic("each-grace-poison"), func(m *message.Message) error {
		once.Do(func() { close(inHand) })
		<-release
		return nil
	})
	e.stopWhileInHand(stop, inHand, release)
	e.expectTheRest(msgs, func(got *recorder) func() {
		return e.runEach(topic, group, broker.Oldest, e.topic("each-grace-poison-2"), func(m *message.Message) error {
			got.add(m)
			return nil
		})
	})
}

// commitsTheBatchFinishedAfterTheStop is the same for a batch consumer: the batch in hand when
// the stop comes is committed once it is done.
func commitsTheBatchFinishedAfterTheStop(e *env) {
	topic, group := e.topic("grace"), e.group("grace")
	msgs := flatten(e.newEvents(1, 3, nil))
	e.publish(topic, [][]*message.Message{msgs})
	opts := batchOptions()
	opts.MaxRecords = 1
	inHand, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	stop := e.runBatches(e.batchSubscriber(topic, group, opts), topic, group, e.topic("grace-poison"),
		func(context.Context, []*message.Message) ([]messaging.Rejected, error) {
			once.Do(func() { close(inHand) })
			<-release
			return nil, nil
		})
	e.stopWhileInHand(stop, inHand, release)
	e.expectTheRest(msgs, func(got *recorder) func() {
		return e.runBatches(e.batchSubscriber(topic, group, opts), topic, group, e.topic("grace-poison-2"),
			func(_ context.Context, batch []*message.Message) ([]messaging.Rejected, error) {
				got.add(batch...)
				return nil, nil
			})
	})
}

// stopWhileInHand waits until the consumer has a message in hand, tells it to stop, and lets the
// message finish releaseAfterStop later; it returns once the consumer stopped.
func (e *env) stopWhileInHand(stop func(), inHand, release chan struct{}) {
	e.t.Helper()
	e.waitFor("a message in hand", inHand)
	time.AfterFunc(releaseAfterStop, func() { close(release) })
	stop()
}

// expectTheRest runs a new member of the group (run, recording into got) and checks it gets
// every message but the first, which the stopped member finished: had the first been delivered
// again, it would have come before the others of its partition.
func (e *env) expectTheRest(msgs []*message.Message, run func(got *recorder) func()) {
	e.t.Helper()
	var got recorder
	stop := run(&got)
	e.waitForCount("the messages after the one finished in the grace", &got, len(msgs)-1)
	stop()
	e.assertExactlyOnce("after the stop", got.all(), msgs[1:])
}
