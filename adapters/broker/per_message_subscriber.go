package broker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/platform/batch"
)

// PerMessageSubscriber runs a batch handler on a Watermill subscriber that delivers one message
// at a time and waits for its ack (GoChannel, and any broker without a batch adapter): every
// batch holds one message, acknowledged after it was processed.
//
// It subscribes when it is made, not when it runs, so that with GoChannel (which keeps nothing
// for absent subscribers) no message published in between is missed. For the same reason a
// stopped Run drains what is still on its way before it unsubscribes: GoChannel would drop it.
//
// On a durable broker (PostgreSQL) it subscribes when Run starts and drains nothing: the broker
// keeps what was not acknowledged, and a subscription nobody reads would hold a database
// transaction open (in a process that runs only the API, for one).
type PerMessageSubscriber struct {
	topic       string
	messages    <-chan *message.Message
	unsubscribe context.CancelFunc
	processor   batch.Processor
	durable     message.Subscriber // set on a durable broker: Run subscribes to it
}

// drainIdle is how long a stopping Run waits for one more message before it unsubscribes. The
// API has stopped publishing by then (the HTTP server drains first), so what still arrives was
// already accepted.
const drainIdle = 100 * time.Millisecond

var _ batch.Subscriber = (*PerMessageSubscriber)(nil)

// NewPerMessageSubscriber subscribes to topic on sub until Run has stopped and drained (or sub
// is closed, for a subscriber that never ran). p must be complete except for its Handler, which
// Run sets.
func NewPerMessageSubscriber(ctx context.Context, sub message.Subscriber, topic string, p batch.Processor) (*PerMessageSubscriber, error) {
	if sub == nil {
		return nil, errors.New("per-message subscriber: nil subscriber")
	}
	subCtx, unsubscribe := context.WithCancel(context.WithoutCancel(ctx))
	msgs, err := sub.Subscribe(subCtx, topic)
	if err != nil {
		unsubscribe()
		return nil, fmt.Errorf("subscribe to %s: %w", topic, err)
	}
	return &PerMessageSubscriber{topic: topic, messages: msgs, unsubscribe: unsubscribe, processor: p}, nil
}

// newDurablePerMessageSubscriber returns a subscriber that subscribes to topic on sub when Run
// starts, and closes sub when Run returns.
func newDurablePerMessageSubscriber(sub message.Subscriber, topic string, p batch.Processor) *PerMessageSubscriber {
	return &PerMessageSubscriber{topic: topic, unsubscribe: func() {}, processor: p, durable: sub}
}

// Run handles the messages of the subscribed topic until ctx is cancelled.
func (s *PerMessageSubscriber) Run(ctx context.Context, topic string, h batch.Handler) error {
	defer s.unsubscribe()
	if topic != s.topic {
		return fmt.Errorf("per-message subscriber: subscribed to %s, asked to run %s", s.topic, topic)
	}
	p := s.processor
	p.Handler = h
	if err := p.Validate(); err != nil {
		return err
	}
	messages := s.messages
	if s.durable != nil {
		defer func() { _ = s.durable.Close() }()
		subCtx, unsubscribe := context.WithCancel(ctx)
		defer unsubscribe()
		var err error
		if messages, err = s.durable.Subscribe(subCtx, topic); err != nil {
			return fmt.Errorf("subscribe to %s: %w", topic, err)
		}
	}
	for {
		select {
		case <-ctx.Done():
			if s.durable == nil {
				s.drain(ctx, &p)
			}
			return nil
		case msg, ok := <-messages:
			if !ok {
				return nil
			}
			if !s.handle(ctx, &p, msg) {
				return nil
			}
		}
	}
}

// handle processes one message and acknowledges it; false when it could not be (stopped first).
func (s *PerMessageSubscriber) handle(ctx context.Context, p *batch.Processor, msg *message.Message) bool {
	if err := p.Process(ctx, s.topic, []*message.Message{msg}); err != nil {
		msg.Nack()
		return false
	}
	msg.Ack()
	return true
}

// drain processes the messages still arriving after a stop, until none came for drainIdle or
// the processor's FinishTimeout has passed.
func (s *PerMessageSubscriber) drain(ctx context.Context, p *batch.Processor) {
	work, stop := context.WithTimeout(context.WithoutCancel(ctx), p.FinishTimeout)
	defer stop()
	idle := time.NewTimer(drainIdle)
	defer idle.Stop()
	for {
		select {
		case msg, ok := <-s.messages:
			if !ok || !s.handle(work, p, msg) {
				return
			}
			idle.Reset(drainIdle)
		case <-idle.C:
			return
		case <-work.Done():
			return
		}
	}
}
