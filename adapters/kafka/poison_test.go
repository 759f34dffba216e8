package kafka_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/kafka"
	"github.com/taskstream/taskstream/adapters/kafka/kafkatest"
	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/ports/messaging"
	"github.com/taskstream/taskstream/tests/brokertest"
)

// A rejected record that the broker took but whose poison copy (the record plus the poison
// headers) is over the producer's limit is parked without its payload, with the size, the
// reason and where the original is, and the partition goes on: its offsets are committed.
func TestATooLargeRejectedRecordIsParkedWithoutItsPayload(t *testing.T) {
	k := kafkatest.Integration(t)
	topic, poisonTopic, group := kafkatest.Unique("bigtest-"), kafkatest.Unique("bigtest-poison-"), kafkatest.Unique("bigtest-group-")
	t.Cleanup(func() { kafkatest.Forget(k)(t, []string{topic, poisonTopic}, []string{group}) })
	if err := kafka.EnsureTopics(k, []string{topic, poisonTopic}, 1, -1); err != nil {
		t.Fatal(err)
	}

	// Another producer writes a record just under the broker's limit (max.message.bytes,
	// 1,048,588 by default); the poison headers push its copy over the producer's 1 MiB.
	sc, err := kafka.ProducerConfig(k)
	if err != nil {
		t.Fatal(err)
	}
	sc.Producer.MaxMessageBytes = 1_048_588
	producer, err := sarama.NewSyncProducer(k.Brokers, sc)
	if err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 1_048_400)
	_, _, err = producer.SendMessage(&sarama.ProducerMessage{Topic: topic, Value: sarama.ByteEncoder(big)})
	_ = producer.Close()
	if err != nil {
		t.Fatalf("produce the large record: %v", err)
	}

	poison, err := kafka.NewPublisher(k, brokertest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = poison.Close() })
	// The check the processor relies on, against the real client.
	tooBig := message.NewMessage("x", make([]byte, 1_100_000))
	if err := poison.Publish(poisonTopic, tooBig); !kafka.TooLarge(err) {
		t.Fatalf("publishing 1,100,000 bytes: %v; kafka.TooLarge does not recognise it", err)
	}

	sub, err := kafka.NewBatchSubscriber(k, kafka.BatchConfig{Group: group, MaxWait: time.Second}, brokertest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		// The consumer pipeline parks what the handler rejects, as the service's consumers do.
		done <- messaging.RunBatches(ctx, messaging.BatchConsumer{Name: "bigtest", Topic: topic, Subscriber: sub,
			Handle: func(_ context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
				rejected := make([]messaging.Rejected, len(msgs))
				for i, m := range msgs {
					rejected[i] = messaging.Rejected{Message: m, Reason: errors.New("not a to-do")}
				}
				return rejected, nil
			}}, messaging.Policy{Group: group, Poison: poison, PoisonTopic: poisonTopic, TooLarge: kafka.TooLarge,
			Logger: brokertest.Logger(t), Metrics: noMetrics{}})
	}()

	parked := readOne(ctx, t, k, poisonTopic)
	if len(parked.Value) != 0 {
		t.Errorf("parked %d bytes, want the payload omitted", len(parked.Value))
	}
	headers := map[string]string{}
	for _, h := range parked.Headers {
		headers[string(h.Key)] = string(h.Value)
	}
	for key, want := range map[string]string{
		envelope.KeyPoisonReason: "not a to-do", envelope.KeyPoisonTopic: topic,
		envelope.KeyKafkaPartition: "0", envelope.KeyKafkaOffset: "0",
	} {
		if headers[key] != want {
			t.Errorf("header %s = %q, want %q", key, headers[key], want)
		}
	}
	if headers[envelope.KeyPayloadOmitted] == "" {
		t.Errorf("no %s header: %v", envelope.KeyPayloadOmitted, headers)
	}
	waitCommitted(ctx, t, k, group, topic, 1)
	cancel()
	if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("Run: %v", err)
	}
}

type noMetrics struct{}

func (noMetrics) ObserveBatch(string, int, int, error, float64) {}

func (noMetrics) ObserveParked(string, int) {}

// readOne returns the first record of topic's partition 0.
func readOne(ctx context.Context, t *testing.T, k kafka.Config, topic string) *sarama.ConsumerMessage {
	t.Helper()
	sc, err := kafka.ConsumerConfig(k)
	if err != nil {
		t.Fatal(err)
	}
	consumer, err := sarama.NewConsumer(k.Brokers, sc)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = consumer.Close() }()
	pc, err := consumer.ConsumePartition(topic, 0, sarama.OffsetOldest)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = pc.Close() }()
	select {
	case m := <-pc.Messages():
		return m
	case <-ctx.Done():
		t.Fatalf("nothing parked in %s", topic)
		return nil
	}
}

// waitCommitted waits until group has committed offset want on topic's partition 0.
func waitCommitted(ctx context.Context, t *testing.T, k kafka.Config, group, topic string, want int64) {
	t.Helper()
	sc, err := kafka.ConsumerConfig(k)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sarama.NewClusterAdmin(k.Brokers, sc)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close() }()
	var got int64 = -1
	for ctx.Err() == nil {
		resp, err := admin.ListConsumerGroupOffsets(group, map[string][]int32{topic: {0}})
		if err == nil {
			if b := resp.GetBlock(topic, 0); b != nil {
				got = b.Offset
			}
		}
		if got == want {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("group %s committed offset %d on %s, want %d", group, got, topic, want)
}
