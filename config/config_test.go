package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/taskstream/taskstream/config"
)

func env(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := kv[k]; return v, ok }
}

func TestDefaultsAreTheEmbeddedMode(t *testing.T) {
	t.Parallel()
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Embedded() || c.Broker != config.BrokerGoChannel || c.HTTPAddr != ":8080" {
		t.Errorf("defaults: embedded %v, broker %s, addr %s", c.Embedded(), c.Broker, c.HTTPAddr)
	}
	if c.Topics.TodoCreate != "todo-create" || c.Groups.Todo != "todo" {
		t.Errorf("design names: topic %s, group %s", c.Topics.TodoCreate, c.Groups.Todo)
	}
	if c.Ingest.MaxRecords != 5000 || c.Ingest.MaxWait != 10*time.Second {
		t.Errorf("ingest defaults: %+v", c.Ingest)
	}
}

func TestKafkaSettings(t *testing.T) {
	t.Parallel()
	c, err := config.Load(env(map[string]string{
		"KAFKA_BOOTSTRAP_SERVERS": "k1:9092, k2:9092",
		"DATABASE_URL":            "postgres://db/taskstream",
		"KAFKA_SECURITY_PROTOCOL": "sasl_ssl",
		"KAFKA_SASL_MECHANISM":    "SCRAM-SHA-512",
		"KAFKA_SASL_USERNAME":     "u",
		"KAFKA_SASL_PASSWORD":     "p",
		"AUTH_JWT_SECRET":         strings.Repeat("s", 32),
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Broker != config.BrokerKafka || len(c.Kafka.Brokers) != 2 || c.Kafka.SecurityProtocol != "SASL_SSL" {
		t.Errorf("kafka: broker %s, %+v", c.Broker, c.Kafka)
	}
}

func TestKafkaEnabledFalseKeepsGoChannel(t *testing.T) {
	t.Parallel()
	c, err := config.Load(env(map[string]string{"KAFKA_BROKERS": "k:9092", "KAFKA_ENABLED": "false"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Broker != config.BrokerGoChannel {
		t.Errorf("broker %s, want gochannel", c.Broker)
	}
}

func TestBadValuesNameTheirVariable(t *testing.T) {
	t.Parallel()
	cases := []map[string]string{
		{"HTTP_ADDR": "8080"},
		{"KAFKA_BROKERS": "no-port", "AUTH_JWT_SECRET": strings.Repeat("s", 32)},
		{"KAFKA_SECURITY_PROTOCOL": "TLS"},
		{"KAFKA_SASL_MECHANISM": "GSSAPI"},
		{"KAFKA_ENABLED": "maybe"},
		{"KAFKA_TOPIC_TODO_CREATE": "bad topic"},
		{"TODO_BATCH_MAX_RECORDS": "0"},
		{"TODO_BATCH_MAX_WAIT": "soon"},
		{"TODO_BATCH_LINGER": "1m"},
		{"AUTH_JWT_SECRET": "short"},
		{"LOG_LEVEL": "loud"},
		{"DATABASE_URL": "postgres://x"},
		{"KAFKA_BROKERS": "k:9092", "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "AUTH_JWT_SECRET": strings.Repeat("s", 32)},
		{"KAFKA_BROKERS": "k:9092", "AUTH_JWT_SECRET": strings.Repeat("s", 32)}, // Kafka without PostgreSQL
	}
	for _, kv := range cases {
		_, err := config.Load(env(kv))
		if err == nil {
			t.Errorf("%v was accepted", kv)
			continue
		}
		named := false
		for k := range kv {
			named = named || strings.Contains(err.Error(), k)
		}
		if !named && !strings.Contains(err.Error(), "AUTH_JWT_SECRET") && !strings.Contains(err.Error(), "KAFKA_SASL") {
			t.Errorf("%v: error %q names none of the variables", kv, err)
		}
	}
}
