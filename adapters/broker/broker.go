package broker

import (
	"context"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/poison"
	"github.com/taskstream/taskstream/platform/batch"
)

// Broker is a message broker Taskstream runs on: Kafka, the PostgreSQL pub/sub, or the
// in-process GoChannel. di picks one from BROKER; everything else takes this interface, so what
// differs between brokers is here and nowhere else. Implementations are safe for concurrent use.
type Broker interface {
	// Name names the broker in logs and the readiness report: kafka, postgres or gochannel.
	Name() string
	// Publisher is the process's publisher; Publish returns once the broker holds the messages.
	Publisher() message.Publisher
	// Subscriber returns a subscriber for consumer group, one message at a time per partition:
	// each group gets every message once; members of a group share the partitions. A new group
	// starts at the oldest message, or with Newest at the next one published (a process that wants what
	// is published from now on, for itself: live updates; on Kafka it then reads every partition
	// without a group). The caller closes it.
	Subscriber(group string, from Start) (message.Subscriber, error)
	// BatchSubscriber returns a subscriber that hands over topic's messages for group in
	// batches (Kafka) or one at a time (the others).
	BatchSubscriber(topic, group string, opts BatchOptions) (batch.Subscriber, error)
	// RelayPublisher opens what the outbox relay forwards with, for the relay alone: on Kafka a
	// producer of its own that sends a whole batch per call. The caller closes it.
	RelayPublisher() (RelayPublisher, error)
	// ReadParked reads the poison topic (poison.Reader).
	ReadParked(ctx context.Context, fn func(poison.Parked) bool) error
	// TooLarge reports whether a publish failed for good because the message is larger than
	// the broker takes.
	TooLarge(err error) bool
	// Check reports whether the broker answers (readiness).
	Check(ctx context.Context) error
	// Run does the broker's upkeep until ctx ends (the PostgreSQL pub/sub's retention); it
	// returns at once for brokers that keep their own.
	Run(ctx context.Context) error
	// Close closes the publisher, flushing what it holds.
	Close() error
}

// Start is where a new consumer group starts reading.
type Start int

// The places a new group starts at.
const (
	// Oldest is the oldest message the broker keeps.
	Oldest Start = iota
	// Newest is the next message published.
	Newest
)

// BatchOptions tune a batch subscriber. Only Kafka reads in batches; on the other brokers a
// batch is one message, and only Drain applies.
type BatchOptions struct {
	// MaxRecords bounds a batch; MaxWait bounds how long it collects; Linger ends it early when
	// the partition goes quiet. Zero values take the Kafka subscriber's defaults.
	MaxRecords int
	MaxWait    time.Duration
	Linger     time.Duration
	// Drain is how long a stopped subscriber on GoChannel still handles messages on their way
	// (GoChannel keeps nothing, so what it drops is lost). Default 15s.
	Drain time.Duration
}

// RelayPublisher is the relay's publisher: an outbox.BatchPublisher that the relay closes.
type RelayPublisher interface {
	outbox.BatchPublisher
	Close() error
}

var _ poison.Reader = Broker(nil)
