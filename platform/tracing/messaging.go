package tracing

import (
	"strconv"

	wmkafka "github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	"github.com/ThreeDotsLabs/watermill/message"
	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	"github.com/taskstream/taskstream/platform/envelope"
)

// MessageAttributes are the messaging conventions' attributes of one message on topic: its
// destination, id, Kafka key and, when the subscriber recorded them, its partition and offset
// (the system is Kafka then).
func MessageAttributes(topic string, msg *message.Message) []attribute.KeyValue {
	attrs := []attribute.KeyValue{
		semconv.MessagingDestinationName(topic),
		semconv.MessagingMessageID(msg.UUID),
	}
	if key := msg.Metadata.Get(envelope.KeyPartitionKey); key != "" {
		attrs = append(attrs, semconv.MessagingKafkaMessageKey(key))
	}
	// The batch subscriber records the partition and offset in the metadata, Watermill's Kafka
	// subscriber in the message's context.
	if p := msg.Metadata.Get(envelope.KeyKafkaPartition); p != "" {
		attrs = append(attrs, semconv.MessagingSystemKafka, semconv.MessagingDestinationPartitionID(p))
		if o, err := strconv.Atoi(msg.Metadata.Get(envelope.KeyKafkaOffset)); err == nil {
			attrs = append(attrs, semconv.MessagingKafkaOffset(o))
		}
	} else if p, ok := wmkafka.MessagePartitionFromCtx(msg.Context()); ok {
		attrs = append(attrs, semconv.MessagingSystemKafka, semconv.MessagingDestinationPartitionID(strconv.Itoa(int(p))))
		if o, ok := wmkafka.MessagePartitionOffsetFromCtx(msg.Context()); ok {
			attrs = append(attrs, semconv.MessagingKafkaOffset(int(o)))
		}
	}
	return attrs
}

// SpanName is the messaging conventions' span name: the operation and the destination
// ("send task-events", "process task-events").
func SpanName(operation, topic string) string { return operation + " " + topic }
