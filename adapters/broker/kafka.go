package broker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/kafka"
	"github.com/taskstream/taskstream/adapters/poison"
	"github.com/taskstream/taskstream/platform/batch"
)

// KafkaConfig configures the Kafka broker.
type KafkaConfig struct {
	// Client holds the connection settings.
	Client kafka.Config
	// Topics are every topic the process uses. With CreateTopics the missing ones are created
	// with Partitions and ReplicationFactor (-1: the broker's default); without it the start
	// fails while one is missing.
	Topics            []string
	CreateTopics      bool
	Partitions        int32
	ReplicationFactor int16
	// PoisonTopic holds the parked messages. Required.
	PoisonTopic string
	// ProbeTopic is the topic whose metadata the readiness check asks for: the one the API
	// cannot answer without (todo-create). Required.
	ProbeTopic string
}

// Kafka is the broker of production deployments: durable, partitioned, consumer groups.
type Kafka struct {
	cfg       KafkaConfig
	publisher message.Publisher
	probe     *kafka.Probe
	logger    *slog.Logger
}

var _ Broker = (*Kafka)(nil)

// NewKafka creates or checks the topics and connects the process's publisher (acks from all
// in-sync replicas, idempotent).
func NewKafka(cfg KafkaConfig, logger *slog.Logger) (*Kafka, error) {
	if cfg.PoisonTopic == "" || cfg.ProbeTopic == "" || logger == nil {
		return nil, errors.New("kafka broker: the poison and probe topics and a logger are required")
	}
	if cfg.CreateTopics {
		if err := kafka.EnsureTopics(cfg.Client, cfg.Topics, cfg.Partitions, cfg.ReplicationFactor); err != nil {
			return nil, err
		}
	} else if err := kafka.CheckTopics(cfg.Client, cfg.Topics); err != nil {
		return nil, err
	}
	pub, err := kafka.NewPublisher(cfg.Client, logger)
	if err != nil {
		return nil, err
	}
	return &Kafka{cfg: cfg, publisher: pub, probe: kafka.NewProbe(cfg.Client, cfg.ProbeTopic), logger: logger}, nil
}

// Name is "kafka".
func (k *Kafka) Name() string { return "kafka" }

// Publisher is Watermill's Kafka publisher, keyed by the event's user.
func (k *Kafka) Publisher() message.Publisher { return k.publisher }

// Subscriber is Watermill's Kafka subscriber for group; with Newest it reads every partition
// from its end without a group.
func (k *Kafka) Subscriber(group string, from Start) (message.Subscriber, error) {
	return kafka.NewSubscriber(k.cfg.Client, group, from == Newest, k.logger)
}

// BatchSubscriber is Kafka's own batch consumer.
func (k *Kafka) BatchSubscriber(_, group string, opts BatchOptions) (batch.Subscriber, error) {
	return kafka.NewBatchSubscriber(k.cfg.Client, kafka.BatchConfig{
		Group: group, MaxRecords: opts.MaxRecords, MaxWait: opts.MaxWait, Linger: opts.Linger,
	}, k.logger)
}

// RelayPublisher is a producer of the relay's own that sends a whole batch per call.
func (k *Kafka) RelayPublisher() (RelayPublisher, error) {
	return kafka.NewBatchPublisher(k.cfg.Client)
}

// ReadParked reads the poison topic partition by partition; a parked message's reference is
// "partition/offset".
func (k *Kafka) ReadParked(ctx context.Context, fn func(poison.Parked) bool) error {
	return kafka.ReadTopic(ctx, k.cfg.Client, k.cfg.PoisonTopic, func(r kafka.Record) bool {
		return fn(poison.Parked{Ref: fmt.Sprintf("%d/%d", r.Partition, r.Offset), ParkedAt: knownTime(r), Message: r.Message})
	})
}

// TooLarge reports a record larger than the producer or the broker takes.
func (k *Kafka) TooLarge(err error) bool { return kafka.TooLarge(err) }

// Check refreshes the probe topic's metadata on one long-lived client.
func (k *Kafka) Check(ctx context.Context) error { return k.probe.Check(ctx) }

// Run returns at once: Kafka keeps its own retention.
func (k *Kafka) Run(context.Context) error { return nil }

// Close closes the probe and the publisher, flushing it.
func (k *Kafka) Close() error {
	k.probe.Close()
	return k.publisher.Close()
}

// knownTime is r's timestamp, or the zero time for a record without one.
func knownTime(r kafka.Record) time.Time {
	if r.Timestamp.Unix() <= 0 {
		return time.Time{}
	}
	return r.Timestamp
}
