package di

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/config"
)

// provideBroker connects the broker BROKER names: Kafka, the PostgreSQL pub/sub on db (the pool
// of DATABASE_URL), or the in-process GoChannel. The cleanup closes its publisher, flushing what
// it holds; db stays open.
func provideBroker(ctx context.Context, cfg config.Config, db *sql.DB, logger *slog.Logger) (broker.Broker, func(), error) {
	var (
		b   broker.Broker
		err error
	)
	switch cfg.Broker {
	case config.BrokerKafka:
		b, err = broker.NewKafka(kafkaBrokerConfig(cfg), logger)
	case config.BrokerPostgres:
		b, err = broker.NewPostgres(ctx, db, cfg.Topics.All(), cfg.Topics.Poison, logger)
	case config.BrokerGoChannel:
		b = broker.NewGoChannel(logger)
	default:
		err = fmt.Errorf("unknown broker %q", cfg.Broker)
	}
	if err != nil {
		return nil, nil, err
	}
	return b, func() {
		if err := b.Close(); err != nil {
			logger.Warn("closing the broker's publisher", "error", err)
		}
	}, nil
}

// provideEmbeddedBroker is the broker of the embedded default, which has no database: GoChannel,
// or Kafka when KAFKA_BROKERS is set.
func provideEmbeddedBroker(ctx context.Context, cfg config.Config, logger *slog.Logger) (broker.Broker, func(), error) {
	return provideBroker(ctx, cfg, nil, logger)
}

// kafkaBrokerConfig maps the Kafka settings onto the Kafka broker's configuration.
func kafkaBrokerConfig(cfg config.Config) broker.KafkaConfig {
	return broker.KafkaConfig{
		Client:            kafkaClient(cfg.Kafka),
		Topics:            cfg.Topics.All(),
		CreateTopics:      cfg.Topics.Create,
		Partitions:        int32(cfg.Topics.Partitions),        //nolint:gosec // config bounds it to 1..10000
		ReplicationFactor: int16(cfg.Topics.ReplicationFactor), //nolint:gosec // config bounds it to -1..32
		PoisonTopic:       cfg.Topics.Poison,
		ProbeTopic:        cfg.Topics.TodoCreate,
	}
}
