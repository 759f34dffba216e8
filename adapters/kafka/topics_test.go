package kafka_test

import (
	"strings"
	"testing"

	"github.com/IBM/sarama"

	"github.com/taskstream/taskstream/adapters/kafka"
	"github.com/taskstream/taskstream/adapters/kafka/kafkatest"
)

// TestEnsureTopicsCreatesMissingTopicsOnce: a missing topic is made with the partitions asked
// for, and a second call leaves it as it is instead of failing.
func TestEnsureTopicsCreatesMissingTopicsOnce(t *testing.T) {
	k := kafkatest.Integration(t)
	topic := kafkatest.Unique("ensuretest-")
	t.Cleanup(func() { kafkatest.Forget(k)(t, []string{topic}, nil) })

	for range 2 {
		if err := kafka.EnsureTopics(k, []string{topic}, 3, -1); err != nil {
			t.Fatalf("EnsureTopics: %v", err)
		}
	}
	sc, err := kafka.ConsumerConfig(k)
	if err != nil {
		t.Fatal(err)
	}
	client, err := sarama.NewClient(k.Brokers, sc)
	if err != nil {
		t.Fatalf("connect to Kafka: %v", err)
	}
	defer func() { _ = client.Close() }()
	partitions, err := client.Partitions(topic)
	if err != nil || len(partitions) != 3 {
		t.Errorf("topic %s has partitions %v (error %v), want 3", topic, partitions, err)
	}
}

// A consumer can read every partition of topics EnsureTopics created as soon as it returns: it
// waits for their leaders (a consumer started too early failed with "not the leader"). The race
// is rare on one local broker, so this checks the promise more than it reproduces the failure.
func TestEnsureTopicsReturnsOnceTheLeadersAnswer(t *testing.T) {
	k := kafkatest.Integration(t)
	topics := []string{kafkatest.Unique("leadertest-a-"), kafkatest.Unique("leadertest-b-"), kafkatest.Unique("leadertest-c-")}
	t.Cleanup(func() { kafkatest.Forget(k)(t, topics, nil) })
	if err := kafka.EnsureTopics(k, topics, 4, -1); err != nil {
		t.Fatalf("EnsureTopics: %v", err)
	}
	sc, err := kafka.ConsumerConfig(k)
	if err != nil {
		t.Fatal(err)
	}
	consumer, err := sarama.NewConsumer(k.Brokers, sc)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = consumer.Close() }()
	for _, topic := range topics {
		for p := range int32(4) {
			pc, err := consumer.ConsumePartition(topic, p, sarama.OffsetNewest)
			if err != nil {
				t.Fatalf("consume %s/%d right after EnsureTopics: %v", topic, p, err)
			}
			_ = pc.Close()
		}
	}
}

// With KAFKA_CREATE_TOPICS=false a missing topic stops the start with its name, instead of
// surfacing when the first bad message cannot be parked.
func TestCheckTopicsNamesTheMissingOnes(t *testing.T) {
	k := kafkatest.Integration(t)
	present, missing := kafkatest.Unique("checktest-"), kafkatest.Unique("checktest-missing-")
	t.Cleanup(func() { kafkatest.Forget(k)(t, []string{present}, nil) })
	if err := kafka.EnsureTopics(k, []string{present}, 1, -1); err != nil {
		t.Fatal(err)
	}
	if err := kafka.CheckTopics(k, []string{present}); err != nil {
		t.Errorf("CheckTopics of an existing topic: %v", err)
	}
	err := kafka.CheckTopics(k, []string{present, missing})
	if err == nil || !strings.Contains(err.Error(), missing) || strings.Contains(err.Error(), present+" ") {
		t.Errorf("CheckTopics = %v, want an error naming only %s", err, missing)
	}
}
