package component_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
)

// A message on todo-create that cannot be decoded or breaks a rule is parked in the poison
// topic with its reason, and the messages after it are processed.
func TestMalformedMessagesAreParkedWithTheirReason(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL and Kafka (make services)")
	}
	t.Parallel()
	st := newStack(t)
	st.env["MIGRATE_ON_START"] = "true"

	bad := []*sarama.ProducerMessage{
		rawEvent(st.todoTopic, "taskstream.todo.create_requested", `{"id":`),
		rawEvent(st.todoTopic, "taskstream.task.created", `{}`),
		rawEvent(st.todoTopic, "taskstream.todo.create_requested",
			`{"id":"01900000-0000-7000-8000-000000000001","user_id":"u1","title":"","description":"","created_at":"2026-01-01T00:00:00Z"}`),
		rawEvent(st.todoTopic, "taskstream.todo.create_requested",
			`{"id":"01900000-0000-7000-8000-000000000002","user_id":"u1","title":"x","created_at":"2026-01-01T00:00:00Z"}`),
	}
	produce(t, bad)

	all, base := st.start(t, "all")
	all.WaitReady(t, base)
	alice := newClient(t, base, "alice")
	loc := alice.expect("POST", "/v1/todos", `{"title":"after the poison"}`, http.StatusAccepted).header.Get("Location")
	eventually(t, 15*time.Second, func() error {
		if r := alice.do("GET", loc, ""); r.status != http.StatusOK {
			return fmt.Errorf("GET %s: %d", loc, r.status)
		}
		return nil
	})

	parked := consumeAll(t, st.poisonTopic, len(bad))
	wantReasons := []string{"unexpected EOF", `event type "taskstream.task.created"`, "title", `missing required field "description"`}
	for i, m := range parked {
		reason := header(m, "reason_poisoned")
		if !strings.Contains(reason, wantReasons[i]) {
			t.Errorf("parked message %d: reason %q does not mention %q", i, reason, wantReasons[i])
		}
		if header(m, "topic_poisoned") != st.todoTopic || header(m, "handler_poisoned") != "todo-ingest" {
			t.Errorf("parked message %d: headers %v", i, m.Headers)
		}
		if string(m.Value) != string(mustEncode(bad[i].Value)) {
			t.Errorf("parked message %d: payload %q, want the original", i, m.Value)
		}
	}
	all.Stop(t, stopTimeout)
}

func rawEvent(topic, eventType, payload string) *sarama.ProducerMessage {
	return &sarama.ProducerMessage{
		Topic: topic,
		Key:   sarama.StringEncoder("u1"), // one partition, so the order is kept
		Value: sarama.StringEncoder(payload),
		Headers: []sarama.RecordHeader{
			{Key: []byte("ce_type"), Value: []byte(eventType)},
			{Key: []byte("_watermill_message_uuid"), Value: []byte("poison-" + eventType)},
		},
	}
}

func mustEncode(e sarama.Encoder) []byte {
	b, _ := e.Encode()
	return b
}

func produce(t *testing.T, msgs []*sarama.ProducerMessage) {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V3_6_0_0
	cfg.Producer.Return.Successes = true
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	p, err := sarama.NewSyncProducer(strings.Split(kafkaBrokers(), ","), cfg)
	if err != nil {
		t.Fatalf("connect to Kafka (run make services): %v", err)
	}
	defer func() { _ = p.Close() }()
	if err := p.SendMessages(msgs); err != nil {
		t.Fatal(err)
	}
}

// consumeAll reads n records of topic, from every partition, in the order they were written
// within the partition (the test writes to one partition).
func consumeAll(t *testing.T, topic string, n int) []*sarama.ConsumerMessage {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V3_6_0_0
	c, err := sarama.NewConsumer(strings.Split(kafkaBrokers(), ","), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var parts []int32
	for ctx.Err() == nil {
		if parts, err = c.Partitions(topic); err == nil && len(parts) > 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	out := make(chan *sarama.ConsumerMessage, n)
	for _, p := range parts {
		pc, err := c.ConsumePartition(topic, p, sarama.OffsetOldest)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = pc.Close() }()
		go func() {
			for m := range pc.Messages() {
				out <- m
			}
		}()
	}
	var got []*sarama.ConsumerMessage
	for len(got) < n {
		select {
		case m := <-out:
			got = append(got, m)
		case <-ctx.Done():
			t.Fatalf("read %d of %d records from %s", len(got), n, topic)
		}
	}
	return got
}

func header(m *sarama.ConsumerMessage, key string) string {
	for _, h := range m.Headers {
		if string(h.Key) == key {
			return string(h.Value)
		}
	}
	return ""
}
