package broker_test

import (
	"testing"

	"github.com/IBM/sarama"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/adapters/kafka"
	"github.com/taskstream/taskstream/adapters/kafka/kafkatest"
	"github.com/taskstream/taskstream/tests/brokertest"
)

// TestKafkaContract runs the broker contract against a real Kafka: the one `make services`
// starts, or KAFKA_BROKERS. An unreachable Kafka fails the test; only -short skips it.
func TestKafkaContract(t *testing.T) {
	k := kafkatest.Integration(t)
	cfg := kafkaBrokerConfig(k, "contract-") // the process's own topics; the subtests make theirs
	t.Cleanup(func() { kafkatest.Forget(k)(t, cfg.Topics, nil) })
	b, err := broker.NewKafka(cfg, brokertest.Logger(t))
	if err != nil {
		t.Fatalf("Kafka at %v: %v; start it with `make services` or set KAFKA_BROKERS", k.Brokers, err)
	}
	t.Cleanup(func() { _ = b.Close() })
	// One publisher for the whole suite: the subtests use their own topics and groups.
	brokertest.Run(t, func(*testing.T) broker.Broker { return b }, cfg.PoisonTopic, brokertest.Features{
		KeyOrder: true,
		Durable:  true,
		Forget:   kafkatest.Forget(k),
	})
}

// The readiness check answers from one long-lived client: concurrent checks all pass on a live
// broker, and the check fails once the broker is closed.
func TestKafkaReadiness(t *testing.T) {
	k := kafkatest.Integration(t)
	cfg := kafkaBrokerConfig(k, "ready-")
	t.Cleanup(func() { kafkatest.Forget(k)(t, cfg.Topics, nil) })
	b, err := broker.NewKafka(cfg, brokertest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for range cap(errs) {
		go func() { errs <- b.Check(t.Context()) }()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Errorf("Check on a live broker: %v", err)
		}
	}
	_ = b.Close()
	if err := b.Check(t.Context()); err == nil {
		t.Error("Check passed after the broker was closed")
	}
	if !b.TooLarge(sarama.ErrMessageSizeTooLarge) {
		t.Error("TooLarge(ErrMessageSizeTooLarge) is false")
	}
}

// kafkaBrokerConfig is the broker on k with a poison and a probe topic of its own (one
// partition each), created at start.
func kafkaBrokerConfig(k kafka.Config, prefix string) broker.KafkaConfig {
	poison, probe := kafkatest.Unique(prefix+"poison-"), kafkatest.Unique(prefix+"probe-")
	return broker.KafkaConfig{
		Client: k, Topics: []string{poison, probe}, CreateTopics: true, Partitions: 1, ReplicationFactor: -1,
		PoisonTopic: poison, ProbeTopic: probe,
	}
}
