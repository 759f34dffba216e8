package messaging

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/domain/shared"
)

// Policy is what every consumer does with a message that fails, whether it takes one message at
// a time (Run) or a batch (RunBatches): the same retries, the same poison topic, the same grace
// on stop. Its fields are the consumer settings (CONSUMER_*, SHUTDOWN_TIMEOUT), so one setting
// means one thing for every consumer.
//
// A failure is one of three kinds:
//   - transient (Transient: a dependency is down, or the work was cut short): retried with
//     backoff for as long as it lasts, never parked, since the message is not at fault;
//   - invalid (shared.KindInvalid: the message can never be applied): parked at once with the
//     reason;
//   - anything else (a bug, a handler's panic, a refusal we do not understand): retried
//     MaxRetries times, then parked with the reason. A batch that keeps failing is split in
//     halves until the messages that fail on their own are found, so one bad message cannot hold
//     its partition forever.
type Policy struct {
	// Group is the consumer group, written to the subscriber_poisoned header of what it parks.
	Group string
	// Poison receives the parked messages on PoisonTopic, with the poison headers
	// (platform/envelope.MarkPoisoned). Required.
	Poison      message.Publisher
	PoisonTopic string
	// MaxRetries bounds the retries of a failure that is neither transient nor invalid
	// (CONSUMER_MAX_RETRIES); 0 parks it after its first failure.
	MaxRetries int
	// InitialBackoff (CONSUMER_RETRY_INITIAL_INTERVAL, default 100ms) doubles after each failed
	// try up to MaxBackoff (CONSUMER_RETRY_MAX_INTERVAL, default 5s, at least InitialBackoff).
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
	// Grace is how long the message or batch in hand may still take once the consumer is told to
	// stop, so that it is committed instead of replayed (default 15s). Past it, the work is cut
	// and the broker delivers it again.
	Grace time.Duration
	// TooLarge reports whether publishing to the poison topic failed because a message is larger
	// than the broker takes, which no retry can change: the message is then parked without its
	// payload (the poison_payload_omitted header says so) and, if need be, without its long
	// metadata values, so that its partition goes on. Nil: every failed publish is retried.
	TooLarge func(error) bool
	Logger   *slog.Logger
	// Metrics observes every batch (a message alone is a batch of one). Required.
	Metrics Metrics
}

// Metrics observes what a consumer does. Implementations must be safe for concurrent use.
type Metrics interface {
	// ObserveBatch records one try at a batch: its size, how many of its messages the handler
	// rejected, its error (a failed try) and how long it took.
	ObserveBatch(handler string, size, rejected int, err error, seconds float64)
	// ObserveParked records n messages parked in the poison topic: rejected by the handler, or
	// failing on their own after the retries.
	ObserveParked(handler string, n int)
}

// withDefaults returns p with the documented defaults, or what is missing.
func (p Policy) withDefaults() (Policy, error) {
	if p.Poison == nil || p.PoisonTopic == "" || p.Logger == nil || p.Metrics == nil {
		return p, errors.New("messaging: a consumer policy needs a poison publisher and topic, a logger and metrics")
	}
	if p.MaxRetries < 0 || p.InitialBackoff < 0 || p.MaxBackoff < 0 || p.Grace < 0 {
		return p, errors.New("messaging: a consumer policy's retries, backoff and grace must not be negative")
	}
	if p.InitialBackoff == 0 {
		p.InitialBackoff = 100 * time.Millisecond
	}
	if p.MaxBackoff == 0 {
		p.MaxBackoff = 5 * time.Second
	}
	p.MaxBackoff = max(p.MaxBackoff, p.InitialBackoff) // never let the backoff shrink
	if p.Grace == 0 {
		p.Grace = 15 * time.Second
	}
	return p, nil
}

// Transient reports whether err says a dependency is down or the work was cut short, rather
// than that the message is bad: such a message is retried until the dependency is back, or
// delivered again to the next consumer, and never parked.
func Transient(err error) bool {
	return shared.KindOf(err) == shared.KindUnavailable || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
