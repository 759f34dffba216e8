package broker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/taskstream/taskstream/adapters/kafka"
	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/platform/batch"
	"github.com/taskstream/taskstream/platform/envelope"
)

// The headers a replayed message carries.
const (
	// ReplayedFromKey names the parked message it is a copy of: the poison topic and the
	// reference, as in "taskstream.poison 3/1207".
	ReplayedFromKey = "replayed_from"
	// ReplayedAtKey is when it was replayed, in RFC 3339.
	ReplayedAtKey = "replayed_at"
)

var (
	// ErrPayloadOmitted refuses a replay: the message was parked without its payload (it was too large for the
	// poison topic), so there is nothing to replay.
	ErrPayloadOmitted = errors.New("its payload was omitted when it was parked")
	// ErrNothingKept refuses a read of the poison topic: the broker keeps no messages
	// (GoChannel), so none are parked.
	ErrNothingKept = errors.New("the gochannel broker keeps no messages, so none are parked: set KAFKA_BROKERS, or BROKER=postgres")
)

// Parked is a message in the poison topic.
type Parked struct {
	// Ref selects it: "partition/offset" on Kafka, the row's offset on PostgreSQL.
	Ref string
	// ParkedAt is when it was parked; zero when the broker does not say.
	ParkedAt time.Time
	// Message is the parked copy, with the poison headers.
	Message *message.Message
}

// EventID is the event's id (ce_id), or the Watermill message id when it has none.
func (p Parked) EventID() string {
	if id := p.Message.Metadata.Get(envelope.KeyID); id != "" {
		return id
	}
	return p.Message.UUID
}

// EventType is the event's type (ce_type).
func (p Parked) EventType() string { return p.Message.Metadata.Get(envelope.KeyType) }

// Topic is the topic it was consumed from, where a replay publishes it.
func (p Parked) Topic() string { return p.Message.Metadata.Get(middleware.PoisonedTopicKey) }

// Handler is the handler that rejected it.
func (p Parked) Handler() string { return p.Message.Metadata.Get(middleware.PoisonedHandlerKey) }

// Group is the consumer group (the subscriber, for Watermill's poison middleware) it was parked by.
func (p Parked) Group() string { return p.Message.Metadata.Get(middleware.PoisonedSubscriberKey) }

// Reason is why it was parked.
func (p Parked) Reason() string { return p.Message.Metadata.Get(middleware.ReasonForPoisonedKey) }

// PayloadOmitted says why the payload was left out (its size and the broker's error); empty
// when the payload is there.
func (p Parked) PayloadOmitted() string { return p.Message.Metadata.Get(batch.PayloadOmittedKey) }

// parkingHeaders are what parking added to a message; a replayed copy goes without them. The
// partition and offset of the original record are dropped too: the copy is another record.
var parkingHeaders = []string{
	middleware.ReasonForPoisonedKey, middleware.PoisonedTopicKey, middleware.PoisonedHandlerKey,
	middleware.PoisonedSubscriberKey, batch.PayloadOmittedKey, kafka.MetadataPartition, kafka.MetadataOffset,
}

// ReplayMessage returns the copy of p to publish to p.Topic(): the same message id, payload and
// metadata, without the parking headers, with ReplayedFromKey (poisonTopic and p.Ref) and
// ReplayedAtKey. A message parked without its payload is refused with ErrPayloadOmitted.
func ReplayMessage(p Parked, poisonTopic string, at time.Time) (*message.Message, error) {
	if omitted := p.PayloadOmitted(); omitted != "" {
		return nil, fmt.Errorf("parked message %s (event %s): %w (%s); it cannot be replayed", p.Ref, p.EventID(), ErrPayloadOmitted, omitted)
	}
	if p.Topic() == "" {
		return nil, fmt.Errorf("parked message %s (event %s) has no %s header: its original topic is unknown", p.Ref, p.EventID(), middleware.PoisonedTopicKey)
	}
	m := p.Message.Copy()
	for _, key := range parkingHeaders {
		delete(m.Metadata, key)
	}
	m.Metadata.Set(ReplayedFromKey, poisonTopic+" "+p.Ref)
	m.Metadata.Set(ReplayedAtKey, at.UTC().Format(time.RFC3339Nano))
	return m, nil
}

// PoisonTopic is the topic rejected messages are parked in.
func (b *Broker) PoisonTopic() string { return b.poison }

// ReadParked calls fn with every message in the poison topic when it starts, oldest first (on
// Kafka partition by partition), and returns without waiting for more. It stops early when fn
// returns false. GoChannel keeps nothing: ErrNothingKept.
func (b *Broker) ReadParked(ctx context.Context, fn func(Parked) bool) error {
	switch b.kind {
	case config.BrokerKafka:
		return kafka.ReadTopic(ctx, b.kafka, b.poison, func(r kafka.Record) bool {
			return fn(Parked{Ref: fmt.Sprintf("%d/%d", r.Partition, r.Offset), ParkedAt: knownTime(r.Timestamp), Message: r.Message})
		})
	case config.BrokerPostgres:
		return readPostgresTopic(ctx, b.db, b.poison, func(r postgresRow) bool {
			return fn(Parked{Ref: fmt.Sprint(r.offset), ParkedAt: r.createdAt, Message: r.message})
		})
	default:
		return ErrNothingKept
	}
}

// Replay publishes the replay copy of p (ReplayMessage) to its original topic and returns it.
func (b *Broker) Replay(ctx context.Context, p Parked, at time.Time) (*message.Message, error) {
	m, err := ReplayMessage(p, b.poison, at)
	if err != nil {
		return nil, err
	}
	m.SetContext(ctx)
	if err := b.publisher.Publish(p.Topic(), m); err != nil {
		return nil, fmt.Errorf("replay %s to %s: %w", p.Ref, p.Topic(), err)
	}
	return m, nil
}

// knownTime is t, or the zero time for a record without a timestamp.
func knownTime(t time.Time) time.Time {
	if t.Unix() <= 0 {
		return time.Time{}
	}
	return t
}
