package messaging

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/taskstream/taskstream/domain/shared"
)

// Consumer is one handler of one topic in one consumer group, run on a Watermill router with
// retries and a poison topic (Run). The handler's name and the topic are a public contract:
// renaming either re-consumes or skips messages.
type Consumer struct {
	// Name names the handler in logs, metrics and the handler_poisoned header.
	Name string
	// Topic is the topic it consumes.
	Topic string
	// Subscriber delivers the topic's messages for the consumer's group.
	Subscriber message.Subscriber
	// Handle applies one message. It returns nil when the message is applied (or was applied
	// before); an error of kind invalid when the message can never be applied (parked at once);
	// an error of kind unavailable when a dependency is down (retried until it is back, never
	// parked); any other error is retried with backoff, then parked.
	Handle message.NoPublishHandlerFunc
}

// ConsumerConfig holds what every consumer shares.
type ConsumerConfig struct {
	// Poison receives the messages that are parked, on PoisonTopic, with Watermill's poison
	// headers (reason_poisoned, topic_poisoned, handler_poisoned, subscriber_poisoned).
	Poison      message.Publisher
	PoisonTopic string
	// Group is the consumer group, for the subscriber_poisoned header and logs.
	Group string
	// MaxRetries, InitialInterval and MaxInterval shape the backoff (doubling) before a failing
	// message is parked.
	MaxRetries      int
	InitialInterval time.Duration
	MaxInterval     time.Duration
	// CloseTimeout bounds how long a stopping consumer waits for the message in hand.
	CloseTimeout time.Duration
	Logger       *slog.Logger
}

// Validate reports a missing dependency.
func (c ConsumerConfig) Validate() error {
	if c.Poison == nil || c.PoisonTopic == "" || c.Logger == nil || c.InitialInterval <= 0 || c.MaxInterval < c.InitialInterval || c.MaxRetries < 0 {
		return errors.New("messaging: consumer config needs a poison publisher and topic, a logger and a valid backoff")
	}
	return nil
}

// Transient reports whether err says a dependency is down or the work was cut short, rather
// than that the message is bad: such a message is retried until the dependency is back, or
// delivered again to the next consumer, and never parked. The batch worker uses the same rule
// (batch.Processor.Transient).
func Transient(err error) bool {
	return shared.KindOf(err) == shared.KindUnavailable || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// parkable reports whether a failed message goes to the poison topic: not when it failed for a
// transient reason, and not when the consumer is stopping.
func parkable(stopping context.Context, err error) bool {
	return stopping.Err() == nil && !Transient(err)
}

// outlive gives each message a context the router's stop does not cancel: once stop is done the
// handler in hand has grace to finish, then its context is cancelled. (The router would cancel it
// at once, cutting a database transaction short.)
func outlive(stop context.Context, grace time.Duration) message.HandlerMiddleware {
	return func(h message.HandlerFunc) message.HandlerFunc {
		return func(msg *message.Message) ([]*message.Message, error) {
			ctx, cancel := context.WithCancel(context.WithoutCancel(msg.Context()))
			defer cancel()
			stopWatching := context.AfterFunc(stop, func() {
				select {
				case <-time.After(grace):
					cancel()
				case <-ctx.Done(): // the handler returned
				}
			})
			defer stopWatching()
			msg.SetContext(ctx)
			return h(msg)
		}
	}
}

// groupStamp names the consumer group in the subscriber_poisoned header of what it parks;
// Watermill's middleware writes the subscriber's type name there.
type groupStamp struct {
	message.Publisher
	group string
}

func (g groupStamp) Publish(topic string, msgs ...*message.Message) error {
	for _, m := range msgs {
		m.Metadata.Set(middleware.PoisonedSubscriberKey, g.group)
	}
	return g.Publisher.Publish(topic, msgs...)
}

// Run consumes until ctx is done, then lets the message in hand finish (up to CloseTimeout).
// A message is acknowledged only after its handler returned nil or it was parked, so a crash
// redelivers it: handlers must be idempotent.
func Run(ctx context.Context, c Consumer, cfg ConsumerConfig) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	if c.Name == "" || c.Topic == "" || c.Subscriber == nil || c.Handle == nil {
		return errors.New("messaging: consumer needs a name, a topic, a subscriber and a handler")
	}
	logger := watermill.NewSlogLogger(cfg.Logger.With("consumer", c.Name, "group", cfg.Group))
	router, err := message.NewRouter(message.RouterConfig{CloseTimeout: cfg.CloseTimeout}, logger)
	if err != nil {
		return err
	}
	poison, err := middleware.PoisonQueueWithFilter(groupStamp{cfg.Poison, cfg.Group}, cfg.PoisonTopic, func(err error) bool {
		return parkable(ctx, err)
	})
	if err != nil {
		return err
	}
	// The first middleware is the outermost: let the message in hand finish when the consumer
	// stops, park what still fails after the retries, retry inside, and turn a handler's panic
	// into an error that is retried and parked like any other.
	router.AddMiddleware(outlive(ctx, cfg.CloseTimeout), poison, middleware.Retry{
		MaxRetries:          cfg.MaxRetries,
		InitialInterval:     cfg.InitialInterval,
		MaxInterval:         cfg.MaxInterval,
		Multiplier:          2,
		RandomizationFactor: 0.2,
		ShouldRetry: func(p middleware.RetryParams) bool {
			return ctx.Err() == nil && shared.KindOf(p.Err) != shared.KindInvalid
		},
		Logger: logger,
	}.Middleware, middleware.Recoverer)
	router.AddConsumerHandler(c.Name, c.Topic, c.Subscriber, c.Handle)
	if err := router.Run(ctx); err != nil {
		return fmt.Errorf("consumer %s: %w", c.Name, err)
	}
	return nil
}
