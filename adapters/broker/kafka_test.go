package broker_test

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/adapters/kafka"
	"github.com/taskstream/taskstream/tests/brokertest"
)

// TestKafkaContract runs the broker contract against a real Kafka: the one `make services`
// starts, or KAFKA_BROKERS. An unreachable Kafka fails the test; only -short skips it.
func TestKafkaContract(t *testing.T) {
	k := kafkaIntegration(t)
	cfg := kafkaBrokerConfig(k, "contract-") // the process's own topics; the subtests make theirs
	t.Cleanup(func() { forget(k)(t, cfg.Topics, nil) })
	b, err := broker.NewKafka(cfg, brokertest.Logger(t))
	if err != nil {
		t.Fatalf("Kafka at %v: %v; start it with `make services` or set KAFKA_BROKERS", k.Brokers, err)
	}
	t.Cleanup(func() { _ = b.Close() })
	// One publisher for the whole suite: the subtests use their own topics and groups.
	brokertest.Run(t, func(*testing.T) broker.Broker { return b }, cfg.PoisonTopic, brokertest.Features{
		KeyOrder: true,
		Durable:  true,
		Forget:   forget(k),
	})
}

// The readiness check answers from one long-lived client: concurrent checks all pass on a live
// broker, and the check fails once the broker is closed.
func TestKafkaReadiness(t *testing.T) {
	k := kafkaIntegration(t)
	cfg := kafkaBrokerConfig(k, "ready-")
	t.Cleanup(func() { forget(k)(t, cfg.Topics, nil) })
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
	poison, probe := unique(prefix+"poison-"), unique(prefix+"probe-")
	return broker.KafkaConfig{
		Client: k, Topics: []string{poison, probe}, CreateTopics: true, Partitions: 1, ReplicationFactor: -1,
		PoisonTopic: poison, ProbeTopic: probe,
	}
}

// kafkaIntegration skips t under -short, runs it in parallel and returns the client settings
// for KAFKA_BROKERS (default 127.0.0.1:9092) after checking that a broker answers there.
func kafkaIntegration(t *testing.T) kafka.Config {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: needs Kafka (make services)")
	}
	t.Parallel()
	brokers := strings.FieldsFunc(os.Getenv("KAFKA_BROKERS"), func(r rune) bool { return r == ',' || r == ' ' })
	if len(brokers) == 0 {
		brokers = []string{"127.0.0.1:9092"}
	}
	var errs []string
	for _, addr := range brokers {
		conn, err := net.DialTimeout("tcp", addr, 3*time.Second)
		if err == nil {
			_ = conn.Close()
			return kafka.Config{Brokers: brokers, ClientID: "taskstream-test"}
		}
		errs = append(errs, err.Error())
	}
	t.Fatalf("Kafka is not reachable at %v; start it with `make services` or set KAFKA_BROKERS: %s",
		brokers, strings.Join(errs, "; "))
	return kafka.Config{}
}

// unique returns prefix with a random suffix, for a test's own topic or group.
func unique(prefix string) string {
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	return prefix + hex.EncodeToString(suffix)
}

// forget deletes a subtest's topics and consumer groups, so runs do not pile them up.
func forget(k kafka.Config) func(t *testing.T, topics, groups []string) {
	return func(t *testing.T, topics, groups []string) {
		sc, err := kafka.ConsumerConfig(k)
		if err != nil {
			t.Errorf("forget: %v", err)
			return
		}
		sc.Admin.Timeout = 5 * time.Second
		admin, err := sarama.NewClusterAdmin(k.Brokers, sc)
		if err != nil {
			t.Logf("forget: cannot reach Kafka: %v", err)
			return
		}
		defer func() { _ = admin.Close() }()
		for _, g := range groups {
			// A group that never joined does not exist; that is fine.
			_ = admin.DeleteConsumerGroup(g)
		}
		for _, topic := range topics {
			_ = admin.DeleteTopic(topic)
		}
	}
}
