// Package batch is the contract between a consumer that reads many messages at a time (the
// to-do worker's) and the inbound handler that processes them. Watermill's subscribers hand over
// one message at a time; the adapters that implement Subscriber add batching on top of the same
// broker clients.
package batch

import (
	"context"

	"github.com/ThreeDotsLabs/watermill/message"
)

// Rejected is a message that can never be processed, and why. The subscriber parks it in the
// poison topic with the reason and goes on with the rest of the batch.
type Rejected struct {
	Message *message.Message
	Reason  error
}

// Handler processes a batch. It returns the messages it rejected; every other message counts
// as processed once Handler returns a nil error. A non-nil error means nothing of the batch was
// applied: the subscriber retries the whole batch with backoff and does not acknowledge it.
type Handler func(ctx context.Context, msgs []*message.Message) ([]Rejected, error)

// Subscriber consumes a topic in batches for one consumer group.
type Subscriber interface {
	// Run consumes topic until ctx is cancelled, then returns after the batch in hand is done.
	// Offsets (or acks) are committed only after h returned nil and the rejected messages are in
	// the poison topic.
	Run(ctx context.Context, topic string, h Handler) error
}

// Metrics observes batches. Implementations must be safe for concurrent use.
type Metrics interface {
	ObserveBatch(handler string, size, rejected int, err error, seconds float64)
}
