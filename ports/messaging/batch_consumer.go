package messaging

import (
	"context"
	"errors"
	"fmt"

	"github.com/taskstream/taskstream/platform/batch"
)

// BatchConsumer is one handler of one topic in one consumer group that takes many messages at
// a time (RunBatches): the to-do worker and the result calculator, which apply a batch in one
// transaction. Its name and topic are a public contract, as a Consumer's.
type BatchConsumer struct {
	Name  string
	Topic string
	// Subscriber delivers the topic's messages in batches for the consumer's group.
	Subscriber batch.Subscriber
	Handle     BatchHandler
}

// RunBatches consumes c.Topic until ctx is done, each batch through the Policy's pipeline,
// and then lets the batch in hand finish (up to the Policy's Grace). The subscriber commits a
// batch only after it was applied and its rejected messages parked.
func RunBatches(ctx context.Context, c BatchConsumer, p Policy) error {
	if c.Subscriber == nil {
		return errors.New("messaging: a batch consumer needs a subscriber")
	}
	pipe, err := NewPipeline(c.Name, c.Topic, c.Handle, p)
	if err != nil {
		return err
	}
	if err := c.Subscriber.Run(ctx, c.Topic, pipe.Process); err != nil {
		return fmt.Errorf("consumer %s: %w", c.Name, err)
	}
	return nil
}
