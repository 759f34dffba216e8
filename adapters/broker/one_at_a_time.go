package broker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/platform/batch"
)

// oneAtATime is the batch subscriber of brokers without a batch consumer (GoChannel, the
// PostgreSQL pub/sub): it hands over every message as a batch of one and acknowledges it once
// it was processed.
//
// On GoChannel, which keeps nothing for absent subscribers, it subscribes when it is made, not
// when it runs, so that no message published in between is missed; for the same reason a
// stopped Run drains what is still on its way before it unsubscribes: GoChannel would drop it.
//
// On a durable broker (PostgreSQL) it subscribes when Run starts and drains nothing: the broker
// keeps what was not acknowledged, and a subscription nobody reads would hold a database
// transaction open (in a process that runs only the API, for one).
type oneAtATime struct {
	topic       string
	messages    <-chan *message.Message // subscribed when made (GoChannel)
	unsubscribe context.CancelFunc
	drain       time.Duration
	durable     message.Subscriber // set on a durable broker: Run subscribes to it
}

var _ batch.Subscriber = (*oneAtATime)(nil)

// drainIdle is how long a stopping Run waits for one more message before it unsubscribes. The
// API has stopped publishing by then (the HTTP server drains first), so what still arrives was
// already accepted.
const drainIdle = 100 * time.Millisecond

// defaultDrain bounds a stopping Run's drain when BatchOptions.Drain is zero.
const defaultDrain = 15 * time.Second

// subscribeNow subscribes to topic on sub until Run has stopped and drained for at most drain
// (or sub is closed, for a subscriber that never ran).
func subscribeNow(sub message.Subscriber, topic string, drain time.Duration) (*oneAtATime, error) {
	if drain <= 0 {
		drain = defaultDrain
	}
	ctx, unsubscribe := context.WithCancel(context.Background())
	msgs, err := sub.Subscribe(ctx, topic)
	if err != nil {
		unsubscribe()
		return nil, fmt.Errorf("subscribe to %s: %w", topic, err)
	}
	return &oneAtATime{topic: topic, messages: msgs, unsubscribe: unsubscribe, drain: drain}, nil
}

// subscribeOnRun returns a subscriber that subscribes to topic on sub when Run starts, and
// closes sub when Run returns.
func subscribeOnRun(sub message.Subscriber, topic string) *oneAtATime {
	return &oneAtATime{topic: topic, unsubscribe: func() {}, durable: sub}
}

// Run hands over the messages of the subscribed topic until ctx is cancelled.
func (s *oneAtATime) Run(ctx context.Context, topic string, process batch.Process) error {
	defer s.unsubscribe()
	if topic != s.topic {
		return fmt.Errorf("subscribed to %s, asked to run %s", s.topic, topic)
	}
	if process == nil {
		return errors.New("nil process")
	}
	messages := s.messages
	if s.durable != nil {
		defer func() { _ = s.durable.Close() }()
		// Unsubscribed only when Run returns, after the message in hand: its acknowledgement
		// must reach the broker, which takes it only while subscribed.
		subCtx, unsubscribe := context.WithCancel(context.WithoutCancel(ctx))
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
				s.drainAfterStop(ctx, process)
			}
			return nil
		case msg, ok := <-messages:
			if !ok || !handOver(ctx, process, msg) {
				return nil
			}
		}
	}
}

// handOver processes one message and acknowledges it; false when it could not be (stopped first).
func handOver(ctx context.Context, process batch.Process, msg *message.Message) bool {
	if err := process(ctx, []*message.Message{msg}); err != nil {
		msg.Nack()
		return false
	}
	msg.Ack()
	return true
}

// drainAfterStop processes the messages still arriving after a stop, until none came for
// drainIdle or the drain time has passed.
func (s *oneAtATime) drainAfterStop(ctx context.Context, process batch.Process) {
	work, stop := context.WithTimeout(context.WithoutCancel(ctx), s.drain)
	defer stop()
	idle := time.NewTimer(drainIdle)
	defer idle.Stop()
	for {
		select {
		case msg, ok := <-s.messages:
			if !ok || !handOver(work, process, msg) {
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
