// Package brokertest is the contract suite every broker Taskstream runs on must pass, driven
// through the real consumer pipeline (ports/messaging), for both kinds of consumer: those that
// take batches (the to-do worker, the result calculator) and those that take one message at a
// time (the other seven). It checks what a consumer relies on: no loss, no duplicates, each
// user's order, retries, poison parking and replay, and, for brokers that keep messages, when
// offsets are committed, where a new group starts and how far a stopped group is behind. It is
// ordinary (non-test) code under tests/ so that the tests of each broker run it: GoChannel in
// unit tests, Kafka and PostgreSQL in integration tests (adapters/broker).
package brokertest

import (
	"testing"

	"github.com/taskstream/taskstream/adapters/broker"
)

// Features are what a broker guarantees beyond the contract every broker keeps. A subtest that
// needs a feature the broker lacks is skipped, or checks less, and says so in the test log.
type Features struct {
	// KeyOrder: the messages of one partition key (a user id) reach a consumer group in the
	// order they were published. Kafka and PostgreSQL keep it; GoChannel hands every message to
	// its own goroutine and does not.
	KeyOrder bool
	// Durable: the broker keeps messages for consumer groups. A group commits its offsets only
	// after a batch (or a message) was processed, so a new member of the group gets again
	// exactly what was not processed, and a new group starts at the oldest message.
	Durable bool
	// CommitsAfterStop: a message a one-at-a-time consumer finishes after it was told to stop is
	// committed, so the next member of the group does not get it again. The PostgreSQL pub/sub
	// does. Watermill's Kafka subscriber does not: it drops the acknowledgement of a message
	// finished after the stop ("session ctx cancelled before ack" in its trace log), so that
	// message comes again to the next member, which the inbox makes harmless. Kafka's batch
	// subscriber, Taskstream's own, commits it.
	CommitsAfterStop bool
	// Forget, when set, is called once a subtest is over with the topics and consumer groups it
	// made, so the broker does not pile them up run after run.
	Forget func(t *testing.T, topics, groups []string)
}

// Run runs the contract against the brokers newBroker returns, whose poison topic is
// poisonTopic. Every subtest runs in parallel and uses its own topics and consumer groups, so
// newBroker may hand all of them the same broker (one Kafka publisher for the whole suite, for
// example).
func Run(t *testing.T, newBroker func(t *testing.T) broker.Broker, poisonTopic string, f Features) {
	t.Helper()
	tests := []struct {
		name    string
		durable bool
		run     func(e *env)
	}{
		{name: "Batches/DeliversEveryMessageOnce", run: deliversEveryMessageOnce},
		{name: "Batches/ParksRejectedMessages", run: parksRejectedMessages},
		{name: "Batches/RetriesFailedBatches", run: retriesFailedBatches},
		{name: "Batches/CommitsOnlyAfterSuccess", durable: true, run: commitsOnlyAfterSuccess},
		{name: "Batches/NewGroupStartsAtOldest", durable: true, run: newGroupStartsAtOldest},
		{name: "Batches/ReplaysParkedMessages", durable: true, run: replaysParkedMessages},
		{name: "Batches/CommitsTheBatchFinishedAfterTheStop", durable: true, run: commitsTheBatchFinishedAfterTheStop},
		{name: "Each/DeliversEveryMessageOnce", run: eachDeliversEveryMessageOnce},
		{name: "Each/ParksInvalidAndFailingMessages", run: eachParksInvalidAndFailingMessages},
		{name: "Each/RetriesTransientFailures", run: eachRetriesTransientFailures},
		{name: "Each/NewestStartsAfterWhatWasPublished", run: eachNewestStartsAfterWhatWasPublished},
		{name: "Each/AcknowledgesOnlyWhatWasProcessed", durable: true, run: eachAcknowledgesOnlyWhatWasProcessed},
		{name: "Each/CommitsWhatFinishesAfterTheStop", durable: true, run: eachCommitsWhatFinishesAfterTheStop},
		{name: "Lag/StoppedGroupFallsBehind", durable: true, run: stoppedGroupFallsBehind},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.durable && !f.Durable {
				t.Skip("the broker does not keep messages for consumer groups (Features.Durable)")
			}
			tt.run(newEnv(t, newBroker(t), poisonTopic, f))
		})
	}
}
