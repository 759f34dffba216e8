package kafka

import (
	"errors"
	"log/slog"
	"strings"

	"github.com/IBM/sarama"

	wmkafka "github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/platform/watermilllog"
)

// NewPublisher returns Watermill's Kafka publisher on the durable producer settings, keying each
// record by the event's user id. Publish returns once all in-sync replicas hold the records. One
// publisher serves the whole process: concurrent callers share the producer's batches.
func NewPublisher(c Config, logger *slog.Logger) (message.Publisher, error) {
	sc, err := ProducerConfig(c)
	if err != nil {
		return nil, err
	}
	pub, err := wmkafka.NewPublisher(wmkafka.PublisherConfig{
		Brokers:               c.Brokers,
		Marshaler:             wmkafka.NewWithPartitioningMarshaler(envelope.PartitionKey),
		OverwriteSaramaConfig: sc,
	}, watermilllog.New(logger))
	if err != nil {
		return nil, connectError(c, err)
	}
	return pub, nil
}

// TooLarge reports whether a publish failed because the record is larger than the producer's
// Producer.MaxMessageBytes (sarama refuses it before sending) or the broker's max.message.bytes.
// No retry can change that.
func TooLarge(err error) bool {
	var ce sarama.ConfigurationError
	return errors.Is(err, sarama.ErrMessageSizeTooLarge) ||
		(errors.As(err, &ce) && strings.Contains(string(ce), "MaxMessageBytes"))
}
