package config_test

import (
	"slices"
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
	if !c.Embedded() || c.Broker != config.BrokerGoChannel || c.HTTPAddr != "127.0.0.1:8080" {
		t.Errorf("defaults: embedded %v, broker %s, addr %s", c.Embedded(), c.Broker, c.HTTPAddr)
	}
	if c.Topics.TodoCreate != "todo-create" || c.Groups.Todo != "todo" {
		t.Errorf("design names: topic %s, group %s", c.Topics.TodoCreate, c.Groups.Todo)
	}
	if c.Topics.NotificationCreated != "notification.created" || !slices.Contains(c.Topics.All(), "notification.created") {
		t.Errorf("notification.created topic: %q, all %v", c.Topics.NotificationCreated, c.Topics.All())
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

// validEnv is a complete configuration on PostgreSQL and Kafka; each bad case changes one thing
// in it, so that the error can only come from that change.
func validEnv() map[string]string {
	return map[string]string{
		"KAFKA_BROKERS":   "k1:9092,k2:9092",
		"DATABASE_URL":    "postgres://app:pw@db:5432/taskstream?sslmode=disable",
		"AUTH_JWT_SECRET": strings.Repeat("s", 32),
	}
}

func TestBadValuesNameTheirVariable(t *testing.T) {
	t.Parallel()
	if _, err := config.Load(env(validEnv())); err != nil {
		t.Fatalf("the valid environment is refused: %v", err)
	}
	// Forms the driver takes are not refused here.
	for _, u := range []string{"postgres:///taskstream?host=/var/run/postgresql", "postgresql://app@db", "host=db user=app dbname=taskstream"} {
		kv := validEnv()
		kv["DATABASE_URL"] = u
		if _, err := config.Load(env(kv)); err != nil {
			t.Errorf("DATABASE_URL %q refused: %v", u, err)
		}
	}
	cases := []struct {
		set  map[string]string
		want string // the variable the error must name
	}{
		{map[string]string{"HTTP_ADDR": "8080"}, "HTTP_ADDR"},
		{map[string]string{"KAFKA_BROKERS": "no-port"}, "KAFKA_BROKERS"},
		{map[string]string{"KAFKA_BROKERS": "k:abc"}, "KAFKA_BROKERS"},
		{map[string]string{"KAFKA_BROKERS": ":9092"}, "KAFKA_BROKERS"},
		{map[string]string{"KAFKA_SECURITY_PROTOCOL": "TLS"}, "KAFKA_SECURITY_PROTOCOL"},
		{map[string]string{"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_MECHANISM": "GSSAPI", "KAFKA_SASL_USERNAME": "u", "KAFKA_SASL_PASSWORD": "p"}, "KAFKA_SASL_MECHANISM"},
		{map[string]string{"KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT"}, "KAFKA_SASL_MECHANISM"},
		{map[string]string{"KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "KAFKA_SASL_MECHANISM": "PLAIN"}, "KAFKA_SASL_USERNAME"},
		{map[string]string{"KAFKA_SASL_USERNAME": "u", "KAFKA_SASL_PASSWORD": "p"}, "KAFKA_SASL_MECHANISM"}, // ignored under PLAINTEXT
		{map[string]string{"KAFKA_TLS_CA_FILE": "/ca.pem"}, "KAFKA_TLS_CA_FILE"},                            // ignored under PLAINTEXT
		{map[string]string{"KAFKA_SECURITY_PROTOCOL": "SSL", "KAFKA_TLS_CERT_FILE": "/c.pem"}, "KAFKA_TLS_CERT_FILE"},
		{map[string]string{"KAFKA_ENABLED": "maybe"}, "KAFKA_ENABLED"},
		{map[string]string{"KAFKA_TOPIC_TODO_CREATE": "bad topic"}, "KAFKA_TOPIC_TODO_CREATE"},
		{map[string]string{"KAFKA_TOPIC_TODO_CREATE": ".."}, "KAFKA_TOPIC_TODO_CREATE"},
		{map[string]string{"KAFKA_TOPIC_POISON": "todo-create"}, "KAFKA_TOPIC_POISON"},
		{map[string]string{"KAFKA_TOPIC_REPLICATION_FACTOR": "0"}, "KAFKA_TOPIC_REPLICATION_FACTOR"},
		{map[string]string{"KAFKA_TOPIC_PARTITIONS": "0"}, "KAFKA_TOPIC_PARTITIONS"},
		{map[string]string{"TODO_BATCH_MAX_RECORDS": "0"}, "TODO_BATCH_MAX_RECORDS"},
		{map[string]string{"TODO_BATCH_MAX_WAIT": "soon"}, "TODO_BATCH_MAX_WAIT"},
		{map[string]string{"TODO_BATCH_LINGER": "1m"}, "TODO_BATCH_LINGER"},
		{map[string]string{"AUTH_JWT_SECRET": "short"}, "AUTH_JWT_SECRET"},
		{map[string]string{"LOG_LEVEL": "loud"}, "LOG_LEVEL"},
		{map[string]string{"SHUTDOWN_TIMEOUT": "0s"}, "SHUTDOWN_TIMEOUT"},
		{map[string]string{"DATABASE_URL": "postgres://%zz"}, "DATABASE_URL"},
		{map[string]string{"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL"},
		{map[string]string{"DATABASE_URL": ""}, "DATABASE_URL"}, // Kafka without PostgreSQL
		{map[string]string{"BROKER": "rabbitmq"}, "BROKER"},
		{map[string]string{"KAFKA_ENABLED": "false", "BROKER": "kafka"}, "BROKER"},
		{map[string]string{"KAFKA_TOPIC_TEST_RESULTS_READY": "test_submissions"}, "KAFKA_TOPIC_TEST_RESULTS_READY"},
		{map[string]string{"KAFKA_TOPIC_NOTIFICATION_CREATED": "notification.request"}, "KAFKA_TOPIC_NOTIFICATION_CREATED"},
		{map[string]string{"KAFKA_CONSUMER_GROUP_ANALYTICS": "notification-service"}, "KAFKA_CONSUMER_GROUP_ANALYTICS"},
		{map[string]string{"KAFKA_CONSUMER_GROUP_RESULTS": "todo"}, "KAFKA_CONSUMER_GROUP_RESULTS"},
		{map[string]string{"RESULT_CALCULATOR_WORKERS": "0"}, "RESULT_CALCULATOR_WORKERS"},
		{map[string]string{"SMTP_PORT": "70000"}, "SMTP_PORT"},
		{map[string]string{"SMTP_TLS": "ssl3"}, "SMTP_TLS"},
		{map[string]string{"SMTP_USERNAME": "u"}, "SMTP_USERNAME"},
		{map[string]string{"SMTP_USERNAME": "u", "SMTP_PASSWORD": "p", "SMTP_TLS": "none"}, "SMTP_TLS"},
		{map[string]string{"SMTP_FROM": "taskstream"}, "SMTP_FROM"},
		{map[string]string{"SMS_WEBHOOK_URL": "ftp://gateway/sms"}, "SMS_WEBHOOK_URL"},
		{map[string]string{"NOTIFY_TIMEOUT": "0s"}, "NOTIFY_TIMEOUT"},
		{map[string]string{"REMINDER_WINDOW": "-1h"}, "REMINDER_WINDOW"},
		{map[string]string{"REMINDER_INTERVAL": "0s"}, "REMINDER_INTERVAL"},
		{map[string]string{"REMINDER_CHANNELS": "in_app,pager"}, "REMINDER_CHANNELS"},
		{map[string]string{"REMINDER_CHANNELS": "in_app,in_app"}, "REMINDER_CHANNELS"},
	}
	for _, tc := range cases {
		kv := validEnv()
		for k, v := range tc.set {
			kv[k] = v
		}
		_, err := config.Load(env(kv))
		if err == nil {
			t.Errorf("%v was accepted", tc.set)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %q does not name %s", tc.set, err, tc.want)
		}
	}
}

// Outside the embedded mode the API needs a way to check tokens; the other parts do not.
func TestRequireAuth(t *testing.T) {
	t.Parallel()
	kv := validEnv()
	delete(kv, "AUTH_JWT_SECRET")
	c, err := config.Load(env(kv))
	if err != nil {
		t.Fatalf("a worker's configuration without a secret was refused: %v", err)
	}
	if err := c.RequireAuth(); err == nil || !strings.Contains(err.Error(), "AUTH_JWT_SECRET") {
		t.Errorf("RequireAuth without a secret: %v", err)
	}
	kv["AUTH_JWKS_URL"] = "https://id.example/jwks.json"
	kv["AUTH_JWT_AUDIENCE"], kv["AUTH_JWT_ISSUER"] = "taskstream", "https://id.example/"
	if c, err = config.Load(env(kv)); err != nil || c.RequireAuth() != nil {
		t.Errorf("with a key set: %v, %v", err, c.RequireAuth())
	}
	embedded, err := config.Load(env(map[string]string{}))
	if err != nil || embedded.RequireAuth() != nil {
		t.Errorf("the embedded default needs no secret: %v, %v", err, embedded.RequireAuth())
	}
}

// DATABASE_URL alone selects the postgres broker, so events are as durable as the data; the
// in-process GoChannel needs BROKER=gochannel then.
func TestDatabaseAloneSelectsThePostgresBroker(t *testing.T) {
	t.Parallel()
	c, err := config.Load(env(map[string]string{"DATABASE_URL": "postgres://u@h/db", "AUTH_JWT_SECRET": strings.Repeat("s", 32)}))
	if err != nil || c.Broker != config.BrokerPostgres {
		t.Errorf("broker %q, %v; want postgres", c.Broker, err)
	}
	c, err = config.Load(env(map[string]string{"DATABASE_URL": "postgres://u@h/db", "BROKER": "gochannel"}))
	if err != nil || c.Broker != config.BrokerGoChannel {
		t.Errorf("explicit gochannel: %q, %v", c.Broker, err)
	}
}
