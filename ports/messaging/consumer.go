package messaging

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/domain/shared"
)

// Consumer is one handler of one topic in one consumer group that takes one message at a time
// (Run). The handler's name and the topic are a public contract: renaming either re-consumes or
// skips messages.
type Consumer struct {
	// Name names the handler in logs, metrics and the handler_poisoned header.
	Name string
	// Topic is the topic it consumes.
	Topic string
	// Subscriber delivers the topic's messages for the consumer's group (Policy.Group).
	Subscriber message.Subscriber
	// Handle applies one message; its context is msg.Context(). It returns nil when the message
	// is applied (or was applied before); what an error does is the Policy's.
	Handle func(msg *message.Message) error
}

// maxInFlight bounds the messages one consumer handles at once. Brokers hold back a partition's
// next message until the last one is acknowledged, so on Kafka as many run at once as the
// process has partitions; GoChannel hands over every message at once, and this keeps that
// bounded.
const maxInFlight = 64

// Run consumes c.Topic until ctx is done, each message through the Policy's pipeline (as a
// batch of one), and then lets the messages in hand finish (up to the Policy's Grace). A message
// is acknowledged only after it was applied or parked, so a crash redelivers it: handlers must
// be idempotent. Messages of different partitions are handled side by side; those of one
// partition one after the other, as the subscriber delivers them.
func Run(ctx context.Context, c Consumer, p Policy) error {
	if c.Subscriber == nil || c.Handle == nil {
		return errors.New("messaging: a consumer needs a subscriber and a handler")
	}
	pipe, err := NewPipeline(c.Name, c.Topic, one(c.Handle), p)
	if err != nil {
		return err
	}
	defer func() { _ = c.Subscriber.Close() }()
	// The subscription outlives ctx until the messages in hand are done: the subscribers take an
	// acknowledgement only while subscribed (watermill-kafka drops it once its context ends, the
	// PostgreSQL pub/sub commits it only while open), and a message finished in the grace must
	// be committed, not delivered again.
	subCtx, unsubscribe := context.WithCancel(context.WithoutCancel(ctx))
	defer unsubscribe()
	msgs, err := c.Subscriber.Subscribe(subCtx, c.Topic)
	if err != nil {
		return fmt.Errorf("consumer %s: subscribe to %s: %w", c.Name, c.Topic, err)
	}
	var inFlight sync.WaitGroup
	defer inFlight.Wait()
	slots := make(chan struct{}, maxInFlight)
	for {
		select {
		case <-ctx.Done():
			return nil
		case msg, ok := <-msgs:
			if !ok {
				return nil
			}
			slots <- struct{}{}
			inFlight.Go(func() {
				defer func() { <-slots }()
				if pipe.Process(ctx, []*message.Message{msg}) != nil {
					msg.Nack() // stopped first: the broker delivers it again
					return
				}
				msg.Ack()
			})
		}
	}
}

// one is a message handler as a batch handler of batches of one: a message that is invalid is
// rejected (parked at once), any other error fails the batch (retried by the Policy).
func one(handle func(*message.Message) error) BatchHandler {
	return func(ctx context.Context, msgs []*message.Message) ([]Rejected, error) {
		var rejected []Rejected
		for _, msg := range msgs {
			msg.SetContext(ctx)
			err := handle(msg)
			switch {
			case shared.KindOf(err) == shared.KindInvalid:
				rejected = append(rejected, Rejected{Message: msg, Reason: err})
			case err != nil:
				return nil, err
			}
		}
		return rejected, nil
	}
}
