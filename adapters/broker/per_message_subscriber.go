package broker

import (
	"context"
	"errors"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/platform/batch"
)

// PerMessageSubscriber runs a batch handler on a Watermill subscriber that delivers one message
// at a time and waits for its ack (GoChannel, and any broker without a batch adapter): every
// batch holds one message, acknowledged after it was processed.
type PerMessageSubscriber struct {
	subscriber message.Subscriber
	processor  batch.Processor
}

var _ batch.Subscriber = (*PerMessageSubscriber)(nil)

// NewPerMessageSubscriber returns a batch subscriber over sub. p must be complete except for
// its Handler, which Run sets.
func NewPerMessageSubscriber(sub message.Subscriber, p batch.Processor) (*PerMessageSubscriber, error) {
	if sub == nil {
		return nil, errors.New("per-message subscriber: nil subscriber")
	}
	return &PerMessageSubscriber{subscriber: sub, processor: p}, nil
}

// Run consumes topic until ctx is cancelled.
func (s *PerMessageSubscriber) Run(ctx context.Context, topic string, h batch.Handler) error {
	p := s.processor
	p.Handler = h
	if err := p.Validate(); err != nil {
		return err
	}
	msgs, err := s.subscriber.Subscribe(ctx, topic)
	if err != nil {
		return err
	}
	for msg := range msgs {
		if err := p.Process(ctx, topic, []*message.Message{msg}); err != nil {
			msg.Nack()
			return nil
		}
		msg.Ack()
	}
	return nil
}
