package kafka_test

import (
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/taskstream/taskstream/adapters/kafka"
	"github.com/taskstream/taskstream/adapters/kafka/kafkatest"
)

// The lag of a group on each partition counts from its committed offset, or from the oldest
// record where it has committed nothing (where a new group starts); the age is the timestamp of
// the record at that offset, and a partition it is not behind on shows no age.
func TestLagCountsFromTheCommittedOffsetPerPartition(t *testing.T) {
	k := kafkatest.Integration(t)
	topic, group := kafkatest.Unique("lag-"), kafkatest.Unique("lag-group-")
	t.Cleanup(func() { kafkatest.Forget(k)(t, []string{topic}, []string{group}) })
	if err := kafka.EnsureTopics(k, []string{topic}, 3, -1); err != nil {
		t.Fatal(err)
	}
	sc, err := kafka.ProducerConfig(k)
	if err != nil {
		t.Fatal(err)
	}
	sc.Producer.Partitioner = sarama.NewManualPartitioner
	producer, err := sarama.NewSyncProducer(k.Brokers, sc)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = producer.Close() }()
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	at := func(p int32, i int) time.Time { return base.Add(time.Duration(int(p)*10+i) * time.Second) }
	for p, n := range map[int32]int{0: 5, 1: 3} {
		for i := range n {
			if _, _, err := producer.SendMessage(&sarama.ProducerMessage{Topic: topic, Partition: p,
				Value: sarama.StringEncoder("x"), Timestamp: at(p, i)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	commit(t, k, group, topic, 0, 2) // the group finished offsets 0 and 1 of partition 0

	r := kafka.NewLagReader(k)
	defer func() { _ = r.Close() }()
	for range 2 { // the second read takes the timestamps it remembered
		lags, err := r.Lag(t.Context(), []kafka.Subscription{{Group: group, Topic: topic}})
		if err != nil {
			t.Fatal(err)
		}
		want := map[int32]kafka.PartitionLag{
			0: {Group: group, Topic: topic, Partition: 0, Records: 3, Oldest: at(0, 2)},
			1: {Group: group, Topic: topic, Partition: 1, Records: 3, Oldest: at(1, 0)},
			2: {Group: group, Topic: topic, Partition: 2},
		}
		if len(lags) != 3 {
			t.Fatalf("lag of %d partitions, want 3: %+v", len(lags), lags)
		}
		for _, l := range lags {
			w := want[l.Partition]
			if l.Group != w.Group || l.Topic != w.Topic || l.Records != w.Records || !l.Oldest.Equal(w.Oldest) {
				t.Errorf("partition %d: %+v, want %+v", l.Partition, l, w)
			}
		}
	}
}

// commit commits offset for group on topic's partition, as a consumer that finished the records
// before it does.
func commit(t *testing.T, k kafka.Config, group, topic string, partition int32, offset int64) {
	t.Helper()
	sc, err := kafka.ConsumerConfig(k)
	if err != nil {
		t.Fatal(err)
	}
	client, err := sarama.NewClient(k.Brokers, sc)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Close() }()
	om, err := sarama.NewOffsetManagerFromClient(group, client)
	if err != nil {
		t.Fatal(err)
	}
	pom, err := om.ManagePartition(topic, partition)
	if err != nil {
		t.Fatal(err)
	}
	pom.MarkOffset(offset, "")
	om.Commit()
	// The partition's manager is released by its parent's Close (auto-commit is off, so a Close
	// of its own would wait for a commit round that never comes).
	pom.AsyncClose()
	if err := om.Close(); err != nil {
		t.Fatal(err)
	}
}
