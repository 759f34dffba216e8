package component_test

import (
	"strings"
	"testing"

	"github.com/IBM/sarama"

	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/tests/internal/proc"
)

// stack is one taskstream deployment on its own database, topics and consumer groups.
type stack struct {
	env         map[string]string
	todoTopic   string
	poisonTopic string
}

// newStack gives the test a fresh database and fresh names for every topic and group, so no
// process of another test (or of `make run-services`) shares a topic or a group with it. The
// topics and groups are deleted at the end.
func newStack(t *testing.T) stack {
	t.Helper()
	url, _ := pgtest.NewDatabase(t)
	s := randomSuffix(t)
	st := stack{todoTopic: "todo-create-" + s, poisonTopic: "poison-" + s}
	st.env = map[string]string{
		"DATABASE_URL":                      url,
		"KAFKA_BROKERS":                     kafkaBrokers(),
		"AUTH_JWT_SECRET":                   secret,
		"KAFKA_TOPIC_TODO_CREATE":           st.todoTopic,
		"KAFKA_TOPIC_TASK_EVENTS":           "task-events-" + s,
		"KAFKA_TOPIC_TASK_UPDATES":          "task-updates-" + s,
		"KAFKA_TOPIC_POISON":                st.poisonTopic,
		"KAFKA_TOPIC_PARTITIONS":            "4",
		"KAFKA_CONSUMER_GROUP_TODO":         "todo-" + s,
		"KAFKA_CONSUMER_GROUP_AUDIT":        "audit-" + s,
		"KAFKA_CONSUMER_GROUP_WEBSOCKET":    "websocket-" + s,
		"KAFKA_TOPIC_NOTIFICATION_REQUEST":  "notification.request-" + s,
		"KAFKA_TOPIC_NOTIFICATION_CREATED":  "notification.created-" + s,
		"KAFKA_TOPIC_TEST_SUBMISSIONS":      "test_submissions-" + s,
		"KAFKA_TOPIC_TEST_RESULTS_READY":    "test_results_ready-" + s,
		"KAFKA_CONSUMER_GROUP_NOTIFICATION": "notification-" + s,
		"KAFKA_CONSUMER_GROUP_RESULTS":      "results-" + s,
		"KAFKA_CONSUMER_GROUP_ANALYTICS":    "analytics-" + s,
		"TODO_BATCH_LINGER":                 "20ms",
	}
	t.Cleanup(func() { st.deleteKafkaNames() })
	return st
}

// deleteKafkaNames deletes the stack's topics and groups, as far as Kafka lets it: a group that
// still has a member (of a process killed with SIGKILL) stays until it expires.
func (s stack) deleteKafkaNames() {
	admin, err := sarama.NewClusterAdmin(strings.Split(kafkaBrokers(), ","), sarama.NewConfig())
	if err != nil {
		return
	}
	defer func() { _ = admin.Close() }()
	groups, _ := admin.ListConsumerGroups()
	for g := range groups {
		if g == s.env["KAFKA_CONSUMER_GROUP_TODO"] || g == s.env["KAFKA_CONSUMER_GROUP_AUDIT"] ||
			g == s.env["KAFKA_CONSUMER_GROUP_NOTIFICATION"] || g == s.env["KAFKA_CONSUMER_GROUP_RESULTS"] ||
			g == s.env["KAFKA_CONSUMER_GROUP_ANALYTICS"] ||
			strings.HasPrefix(g, s.env["KAFKA_CONSUMER_GROUP_WEBSOCKET"]+"-") {
			_ = admin.DeleteConsumerGroup(g)
		}
	}
	for _, name := range []string{"TODO_CREATE", "TASK_EVENTS", "TASK_UPDATES", "NOTIFICATION_REQUEST", "NOTIFICATION_CREATED",
		"TEST_SUBMISSIONS", "TEST_RESULTS_READY", "POISON"} {
		_ = admin.DeleteTopic(s.env["KAFKA_TOPIC_"+name])
	}
}

// start runs `taskstream <part>` on a free address of its own and returns it with its base URL.
func (s stack) start(t *testing.T, part string) (*proc.Process, string) {
	t.Helper()
	return s.startWith(t, part, nil)
}

// startWith is start with extra settings for this process alone.
func (s stack) startWith(t *testing.T, part string, extra map[string]string) (*proc.Process, string) {
	t.Helper()
	addr := proc.FreeAddr(t)
	env := map[string]string{"HTTP_ADDR": addr}
	for k, v := range s.env {
		env[k] = v
	}
	for k, v := range extra {
		env[k] = v
	}
	return proc.Start(t, part+" on "+addr, binary, env, part), "http://" + addr
}
