package broker

import (
	"context"
	"errors"
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/platform/batch"
)

// PerMessageSubscriber runs a batch handler on a Watermill subscriber that delivers one message
// at a time and waits for its ack (GoChannel, and any broker without a batch adapter): every
// batch holds one message, acknowledged after it was processed.
//
// It subscribes when it is made, not when it runs, so that with GoChannel (which keeps nothing
// for absent subscribers) no message published in between is missed.
type PerMessageSubscriber struct {
	topic     string
	messages  <-chan *message.Message
	processor batch.Processor
}

var _ batch.Subscriber = (*PerMessageSubscriber)(nil)

// NewPerMessageSubscriber subscribes to topic on sub until ctx ends. p must be complete except
// for its Handler, which Run sets.
func NewPerMessageSubscriber(ctx context.Context, sub message.Subscriber, topic string, p batch.Processor) (*PerMessageSubscriber, error) {
	if sub == nil {
		return nil, errors.New("per-message subscriber: nil subscriber")
	}
	msgs, err := sub.Subscribe(ctx, topic)
	if err != nil {
		return nil, fmt.Errorf("subscribe to %s: %w", topic, err)
	}
	return &PerMessageSubscriber{topic: topic, messages: msgs, processor: p}, nil
}

// Run handles the messages of the subscribed topic until ctx is cancelled.
func (s *PerMessageSubscriber) Run(ctx context.Context, topic string, h batch.Handler) error {
	if topic != s.topic {
		return fmt.Errorf("per-message subscriber: subscribed to %s, asked to run %s", s.topic, topic)
	}
	p := s.processor
	p.Handler = h
	if err := p.Validate(); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case msg, ok := <-s.messages:
			if !ok {
				return nil
			}
			if err := p.Process(ctx, topic, []*message.Message{msg}); err != nil {
				msg.Nack()
				return nil
			}
			msg.Ack()
		}
	}
}
