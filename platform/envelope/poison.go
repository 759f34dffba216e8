package envelope

import (
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
)

// The headers of a parked message are Watermill's poison headers, so that any Watermill tool
// reads them: why it was parked, the topic it came from, and the handler and consumer group
// that gave up on it.
const (
	KeyPoisonReason  = middleware.ReasonForPoisonedKey
	KeyPoisonTopic   = middleware.PoisonedTopicKey
	KeyPoisonHandler = middleware.PoisonedHandlerKey
	KeyPoisonGroup   = middleware.PoisonedSubscriberKey
	// KeyPayloadOmitted marks a parked message whose payload was too large for the poison
	// topic: its value gives the size and the broker's error.
	KeyPayloadOmitted = "poison_payload_omitted"
)

// Where a consumed Kafka record came from, added to its message by the batch subscriber, so
// that a parked copy points back at its original.
const (
	KeyKafkaPartition = "kafka_partition"
	KeyKafkaOffset    = "kafka_offset"
)

// MarkPoisoned writes the poison headers on m. Every component that parks a message (the
// consumer pipeline, the outbox relay) writes them this way, so that `taskstream poison` reads
// them all.
func MarkPoisoned(m *message.Message, reason, topic, handler, group string) {
	m.Metadata.Set(KeyPoisonReason, reason)
	m.Metadata.Set(KeyPoisonTopic, topic)
	m.Metadata.Set(KeyPoisonHandler, handler)
	m.Metadata.Set(KeyPoisonGroup, group)
}
