package broker

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"

	"github.com/taskstream/taskstream/adapters/kafka"
	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/platform/batch"
)

// Broker is the configured message broker: one publisher for the process, batch subscribers per
// consumer group, and a readiness check.
type Broker struct {
	kind      config.Broker
	kafka     config.Kafka
	publisher message.Publisher
	channel   *gochannel.GoChannel
	probe     *kafkaProbe // Kafka's readiness check
	logger    *slog.Logger
}

// New connects to the broker cfg names. The returned cleanup closes the publisher, flushing
// what it holds.
func New(cfg config.Config, logger *slog.Logger) (*Broker, func(), error) {
	b := &Broker{kind: cfg.Broker, kafka: cfg.Kafka, logger: logger}
	switch cfg.Broker {
	case config.BrokerKafka:
		if cfg.Topics.Create {
			partitions, replicas := int32(cfg.Topics.Partitions), int16(cfg.Topics.ReplicationFactor) //nolint:gosec // config bounds them to 1..10000 and -1..32
			err := kafka.EnsureTopics(cfg.Kafka, cfg.Topics.All(), partitions, replicas)
			if err != nil {
				return nil, nil, err
			}
		} else if err := kafka.CheckTopics(cfg.Kafka, cfg.Topics.All()); err != nil {
			return nil, nil, err
		}
		pub, err := kafka.NewPublisher(cfg.Kafka, logger)
		if err != nil {
			return nil, nil, fmt.Errorf("connect to Kafka at %v: %w", cfg.Kafka.Brokers, err)
		}
		b.publisher = pub
		b.probe = &kafkaProbe{cfg: cfg.Kafka, topic: cfg.Topics.TodoCreate}
	case config.BrokerGoChannel:
		b.channel = gochannel.NewGoChannel(gochannel.Config{OutputChannelBuffer: 1024}, watermill.NewSlogLogger(logger))
		b.publisher = b.channel
	default:
		return nil, nil, fmt.Errorf("unknown broker %q", cfg.Broker)
	}
	cleanup := func() {
		if b.probe != nil {
			b.probe.close()
		}
		if err := b.publisher.Close(); err != nil {
			logger.Warn("closing the publisher", "error", err)
		}
	}
	return b, cleanup, nil
}

// TooLarge reports whether a publish failed for good because the message is larger than the
// broker takes (batch.Processor.TooLarge). GoChannel takes any size.
func (b *Broker) TooLarge(err error) bool {
	return b.kind == config.BrokerKafka && kafka.TooLarge(err)
}

// Kind names the broker.
func (b *Broker) Kind() config.Broker { return b.kind }

// Publisher returns the process's publisher. It is safe for concurrent use.
func (b *Broker) Publisher() message.Publisher { return b.publisher }

// BatchSubscriber returns a batch subscriber on topic for consumer group bc.Group: Kafka's own
// batch consumer, or one message at a time on GoChannel.
func (b *Broker) BatchSubscriber(ctx context.Context, topic string, bc kafka.BatchConfig, p batch.Processor) (batch.Subscriber, error) {
	if b.kind == config.BrokerKafka {
		return kafka.NewBatchSubscriber(b.kafka, bc, p)
	}
	p.Group = bc.Group
	return NewPerMessageSubscriber(ctx, b.channel, topic, p)
}

// Subscriber returns a subscriber for consumer group on this broker: each group gets every
// message once, members of one group share the partitions (Kafka). A new group starts at the
// oldest message, or at the newest when fromNewest. The caller closes it (a Watermill router
// closes its handlers' subscribers).
//
// GoChannel has no groups: every subscriber gets every message, and only those published while
// it is subscribed; closing the returned subscriber leaves the shared channel open.
func (b *Broker) Subscriber(group string, fromNewest bool) (message.Subscriber, error) {
	switch b.kind {
	case config.BrokerKafka:
		return kafka.NewSubscriber(b.kafka, group, fromNewest, b.logger)
	case config.BrokerGoChannel:
		return sharedChannel{b.channel}, nil
	default:
		return nil, fmt.Errorf("broker %q has no subscriber", b.kind)
	}
}

// sharedChannel is the process's GoChannel as one consumer's subscriber: closing it must not
// close the channel the publisher and the other consumers use.
type sharedChannel struct{ *gochannel.GoChannel }

func (sharedChannel) Close() error { return nil }

// Check reports whether the broker answers: for Kafka, a metadata refresh of the to-do topic
// on a long-lived client (kafkaProbe).
func (b *Broker) Check(ctx context.Context) error {
	if b.kind != config.BrokerKafka {
		return nil
	}
	return b.probe.check(ctx)
}
