package broker

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

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
	poison    string // the poison topic
	publisher message.Publisher
	channel   *gochannel.GoChannel
	probe     *kafkaProbe // Kafka's readiness check
	db        *sql.DB     // the postgres broker's database
	tables    *postgresTables
	topics    []string // the postgres broker's, pruned by RunRetention
	logger    *slog.Logger
}

// New connects to the broker cfg names. db is the PostgreSQL pool of DATABASE_URL (nil without
// it); the postgres broker keeps its topics there and needs it. The returned cleanup closes the
// publisher, flushing what it holds; it leaves db open.
func New(cfg config.Config, db *sql.DB, logger *slog.Logger) (*Broker, func(), error) {
	b := &Broker{kind: cfg.Broker, kafka: cfg.Kafka, poison: cfg.Topics.Poison, logger: logger}
	var err error
	switch cfg.Broker {
	case config.BrokerKafka:
		err = b.startKafka(cfg)
	case config.BrokerPostgres:
		err = b.startPostgres(cfg, db)
	case config.BrokerGoChannel:
		b.channel = gochannel.NewGoChannel(gochannel.Config{OutputChannelBuffer: 1024}, watermill.NewSlogLogger(logger))
		b.publisher = b.channel
	default:
		err = fmt.Errorf("unknown broker %q", cfg.Broker)
	}
	if err != nil {
		return nil, nil, err
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

func (b *Broker) startKafka(cfg config.Config) error {
	if cfg.Topics.Create {
		partitions, replicas := int32(cfg.Topics.Partitions), int16(cfg.Topics.ReplicationFactor) //nolint:gosec // config bounds them to 1..10000 and -1..32
		if err := kafka.EnsureTopics(cfg.Kafka, cfg.Topics.All(), partitions, replicas); err != nil {
			return err
		}
	} else if err := kafka.CheckTopics(cfg.Kafka, cfg.Topics.All()); err != nil {
		return err
	}
	pub, err := kafka.NewPublisher(cfg.Kafka, b.logger)
	if err != nil {
		return fmt.Errorf("connect to Kafka at %v: %w", cfg.Kafka.Brokers, err)
	}
	b.publisher = pub
	b.probe = &kafkaProbe{cfg: cfg.Kafka, topic: cfg.Topics.TodoCreate}
	return nil
}

// startPostgres creates the tables of every configured topic, so that a writer's transaction can
// publish to them without creating tables, and starts deleting rows past the retention.
func (b *Broker) startPostgres(cfg config.Config, db *sql.DB) error {
	if db == nil {
		return errors.New("the postgres broker needs DATABASE_URL")
	}
	b.db, b.tables = db, &postgresTables{db: db}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, topic := range cfg.Topics.All() {
		if err := b.tables.ensure(ctx, topic); err != nil {
			return err
		}
	}
	pub, err := newPostgresPublisher(db, b.tables, watermill.NewSlogLogger(b.logger))
	if err != nil {
		return err
	}
	b.publisher = pub
	b.topics = cfg.Topics.All()
	return nil
}

// TooLarge reports whether a publish failed for good because the message is larger than the
// broker takes (batch.Processor.TooLarge). GoChannel takes any size, and PostgreSQL up to a
// gigabyte per column.
func (b *Broker) TooLarge(err error) bool {
	return b.kind == config.BrokerKafka && kafka.TooLarge(err)
}

// Kind names the broker.
func (b *Broker) Kind() config.Broker { return b.kind }

// Publisher returns the process's publisher. It is safe for concurrent use.
func (b *Broker) Publisher() message.Publisher { return b.publisher }

// BatchSubscriber returns a batch subscriber on topic for consumer group bc.Group: Kafka's own
// batch consumer, or one message at a time on GoChannel and PostgreSQL.
func (b *Broker) BatchSubscriber(ctx context.Context, topic string, bc kafka.BatchConfig, p batch.Processor) (batch.Subscriber, error) {
	p.Group = bc.Group
	switch b.kind {
	case config.BrokerKafka:
		return kafka.NewBatchSubscriber(b.kafka, bc, p)
	case config.BrokerPostgres:
		sub, err := b.Subscriber(bc.Group, false)
		if err != nil {
			return nil, err
		}
		return newDurablePerMessageSubscriber(sub, topic, p), nil
	default:
		return NewPerMessageSubscriber(ctx, b.channel, topic, p)
	}
}

// Subscriber returns a subscriber for consumer group on this broker: each group gets every
// message once, members of one group share the partitions (Kafka). A new group starts at the
// oldest message. The caller closes it (a Watermill router closes its handlers' subscribers).
//
// fromNewest is for a process that wants every message published from now on, for itself
// (live updates: every API instance): the caller names a group of its own. Kafka then reads
// every partition from its end without a group (nothing is committed and no empty group is
// left behind when the process stops); PostgreSQL starts the group at the last row.
//
// On PostgreSQL one member of a group reads at a time (it locks the group's position while it
// handles a batch of up to 100 rows) and gets them in commit order.
//
// GoChannel has no groups: every subscriber gets every message, and only those published while
// it is subscribed; closing the returned subscriber leaves the shared channel open.
func (b *Broker) Subscriber(group string, fromNewest bool) (message.Subscriber, error) {
	switch b.kind {
	case config.BrokerKafka:
		return kafka.NewSubscriber(b.kafka, group, fromNewest, b.logger)
	case config.BrokerPostgres:
		if group == "" {
			return nil, errors.New("postgres subscriber: a consumer group is required")
		}
		return &postgresSubscriber{db: b.db, tables: b.tables, group: group, fromNewest: fromNewest,
			logger: watermill.NewSlogLogger(b.logger)}, nil
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
// on a long-lived client (kafkaProbe); for PostgreSQL, a ping of the database.
func (b *Broker) Check(ctx context.Context) error {
	switch b.kind {
	case config.BrokerKafka:
		return b.probe.check(ctx)
	case config.BrokerPostgres:
		return b.db.PingContext(ctx)
	default:
		return nil
	}
}
