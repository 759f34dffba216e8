package kafka

import (
	"context"
	"errors"
	"fmt"

	"github.com/IBM/sarama"
	wmkafka "github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"

	"github.com/taskstream/taskstream/platform/envelope"
)

// BatchPublisher sends many messages to Kafka in one call on the durable producer settings
// (acks from all in-sync replicas, idempotent, one request in flight per broker, so records keep
// their order per partition). Records are keyed by the event's user id and carry the same headers
// as Watermill's Kafka publisher writes, so Watermill subscribers read them as usual. It is what
// the outbox relay forwards with (outbox.BatchPublisher): Watermill's publisher sends one
// message per round trip.
type BatchPublisher struct {
	producer  sarama.SyncProducer
	marshaler wmkafka.Marshaler
}

// NewBatchPublisher connects a producer to the cluster c names.
func NewBatchPublisher(c Config) (*BatchPublisher, error) {
	sc, err := ProducerConfig(c)
	if err != nil {
		return nil, err
	}
	p, err := sarama.NewSyncProducer(c.Brokers, sc)
	if err != nil {
		return nil, connectError(c, err)
	}
	return &BatchPublisher{producer: p, marshaler: wmkafka.NewWithPartitioningMarshaler(envelope.PartitionKey)}, nil
}

// PublishBatch sends msgs and returns once Kafka acknowledged every one of them, or the first
// error, or when ctx ends (the send goes on in the background; its records may still be
// written). After an error some messages may have been written: the caller sends them all
// again (at least once).
func (p *BatchPublisher) PublishBatch(ctx context.Context, msgs []envelope.Routed) error {
	records := make([]*sarama.ProducerMessage, len(msgs))
	for i, m := range msgs {
		r, err := p.marshaler.Marshal(m.Topic, m.Message)
		if err != nil {
			return fmt.Errorf("marshal message %s for %s: %w", m.Message.UUID, m.Topic, err)
		}
		records[i] = r
	}
	sent := make(chan error, 1)
	go func() { sent <- p.producer.SendMessages(records) }()
	var err error
	select {
	case err = <-sent:
	case <-ctx.Done():
		return fmt.Errorf("kafka did not acknowledge %d records in time: %w", len(records), ctx.Err())
	}
	if err != nil {
		var errs sarama.ProducerErrors
		if errors.As(err, &errs) && len(errs) > 0 {
			return fmt.Errorf("kafka refused %d of %d records, the first: %w", len(errs), len(records), errs[0].Err)
		}
		return err
	}
	return nil
}

// Close flushes and closes the producer.
func (p *BatchPublisher) Close() error { return p.producer.Close() }
