// Package batch is the contract between the subscribers that hand over a topic's messages many
// at a time (adapters: Kafka's batch consumer, one message at a time on the other brokers) and
// the consumer pipeline that processes them (ports/messaging): a subscriber commits a batch
// only after the pipeline said it is done.
package batch

import (
	"context"

	"github.com/ThreeDotsLabs/watermill/message"
)

// Process processes a batch of one topic's messages. It returns nil once every message is done:
// applied, or parked in the poison topic with its reason. A non-nil error means it stopped
// first (its context ended): nothing of the batch may be committed, and the broker delivers it
// again.
type Process func(ctx context.Context, msgs []*message.Message) error

// Subscriber consumes a topic in batches for one consumer group.
type Subscriber interface {
	// Run hands topic's messages to process, batch after batch, in order within a partition,
	// until ctx is cancelled; then it returns after the batch in hand is done. Offsets (or acks)
	// are committed only after process returned nil for the batch.
	Run(ctx context.Context, topic string, process Process) error
}
