package kafka

import (
	"log/slog"
	"time"

	"github.com/IBM/sarama"

	"github.com/ThreeDotsLabs/watermill"
	wmkafka "github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/config"
)

// NewSubscriber returns Watermill's Kafka subscriber for consumer group: one message at a time
// per partition, the next one only after the handler acknowledged the last, offsets committed
// after the ack. A new group starts at the oldest offset, or at the newest when fromNewest
// (for consumers that only care about what happens from now on, such as live updates).
func NewSubscriber(c config.Kafka, group string, fromNewest bool, logger *slog.Logger) (message.Subscriber, error) {
	sc, err := ConsumerConfig(c)
	if err != nil {
		return nil, err
	}
	if fromNewest {
		sc.Consumer.Offsets.Initial = sarama.OffsetNewest
	}
	return wmkafka.NewSubscriber(wmkafka.SubscriberConfig{
		Brokers:               c.Brokers,
		Unmarshaler:           wmkafka.DefaultMarshaler{},
		OverwriteSaramaConfig: sc,
		ConsumerGroup:         group,
		// A nacked message (its handler failed and it was not parked) is tried again after this.
		NackResendSleep:     500 * time.Millisecond,
		ReconnectRetrySleep: time.Second,
	}, watermill.NewSlogLogger(logger))
}
