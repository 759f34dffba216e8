// Package kafkatest gives integration tests the Kafka they run against (KAFKA_BROKERS, default:
// the one `make services` starts), names of their own for topics and groups, and the cleanup
// that deletes them, so tests run in parallel and runs do not pile topics up. An unreachable
// Kafka fails the test: only -short skips integration tests.
package kafkatest

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/taskstream/taskstream/adapters/kafka"
)

// Integration skips t under -short, runs it in parallel and returns the client settings for
// KAFKA_BROKERS (default 127.0.0.1:9092) after checking that a broker answers there.
func Integration(t *testing.T) kafka.Config {
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
		conn, err := net.DialTimeout("tcp", addr, 3*time.Second) //nolint:gosec // the test Kafka of KAFKA_BROKERS
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

// Unique returns prefix with a random suffix, for a test's own topic or group.
func Unique(prefix string) string {
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	return prefix + hex.EncodeToString(suffix)
}

// Forget returns what deletes a test's topics and consumer groups on k.
func Forget(k kafka.Config) func(t *testing.T, topics, groups []string) {
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
