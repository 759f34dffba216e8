package poison

import (
	"errors"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/platform/envelope"
)

// ErrNothingKept refuses a read of the poison topic: the broker keeps no messages (GoChannel),
// so none are parked.
var ErrNothingKept = errors.New("the gochannel broker keeps no messages, so none are parked: set KAFKA_BROKERS, or BROKER=postgres")

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
func (p Parked) Topic() string { return p.Message.Metadata.Get(envelope.KeyPoisonTopic) }

// Handler is the handler that rejected it.
func (p Parked) Handler() string { return p.Message.Metadata.Get(envelope.KeyPoisonHandler) }

// Group is the consumer group that parked it.
func (p Parked) Group() string { return p.Message.Metadata.Get(envelope.KeyPoisonGroup) }

// Reason is why it was parked.
func (p Parked) Reason() string { return p.Message.Metadata.Get(envelope.KeyPoisonReason) }

// PayloadOmitted says why the payload was left out (its size and the broker's error); empty
// when the payload is there.
func (p Parked) PayloadOmitted() string { return p.Message.Metadata.Get(envelope.KeyPayloadOmitted) }
