package kafka

import (
	"context"
	"fmt"
	"time"

	"github.com/IBM/sarama"
	wmkafka "github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	"github.com/ThreeDotsLabs/watermill/message"
)

// Record is a record read from a topic, where it is, and when it was written.
type Record struct {
	Partition int32
	Offset    int64
	// Timestamp is the record's time (the producer's, for a parked message the time it was
	// parked); zero when the broker has none.
	Timestamp time.Time
	Message   *message.Message
}

// readIdle is how long ReadTopic waits for the next record of a partition below the high-water
// mark it found. Offsets without a record (transaction markers, aborted or compacted records)
// deliver nothing, so a partition that stays quiet this long is taken as read.
const readIdle = 5 * time.Second

// ReadTopic calls fn with every record of topic that is there when it starts: partition by
// partition, from the oldest offset to the high-water mark at the start, with a plain consumer
// (no group, nothing committed). It never waits for new records. It stops early, without an
// error, when fn returns false.
func ReadTopic(ctx context.Context, c Config, topic string, fn func(Record) bool) error {
	sc, err := ConsumerConfig(c)
	if err != nil {
		return err
	}
	client, err := sarama.NewClient(c.Brokers, sc)
	if err != nil {
		return connectError(c, err)
	}
	defer func() { _ = client.Close() }()
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		return err
	}
	defer func() { _ = consumer.Close() }()
	partitions, err := client.Partitions(topic)
	if err != nil {
		return fmt.Errorf("partitions of %s: %w", topic, err)
	}
	for _, p := range partitions {
		more, err := readPartition(ctx, client, consumer, topic, p, fn)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// readPartition reads partition p from its oldest offset to the high-water mark it finds first;
// false when fn asked to stop.
func readPartition(ctx context.Context, client sarama.Client, consumer sarama.Consumer, topic string, p int32, fn func(Record) bool) (bool, error) {
	oldest, err := client.GetOffset(topic, p, sarama.OffsetOldest)
	if err != nil {
		return false, fmt.Errorf("oldest offset of %s/%d: %w", topic, p, err)
	}
	end, err := client.GetOffset(topic, p, sarama.OffsetNewest)
	if err != nil {
		return false, fmt.Errorf("high-water mark of %s/%d: %w", topic, p, err)
	}
	if oldest >= end {
		return true, nil
	}
	pc, err := consumer.ConsumePartition(topic, p, oldest)
	if err != nil {
		return false, fmt.Errorf("read %s/%d: %w", topic, p, err)
	}
	defer func() { _ = pc.Close() }()
	idle := time.NewTimer(readIdle)
	defer idle.Stop()
	for {
		select {
		case r := <-pc.Messages():
			if r.Offset >= end {
				return true, nil
			}
			m, err := wmkafka.DefaultMarshaler{}.Unmarshal(r)
			if err != nil {
				return false, fmt.Errorf("record %s/%d/%d: %w", topic, p, r.Offset, err)
			}
			if !fn(Record{Partition: p, Offset: r.Offset, Timestamp: r.Timestamp, Message: m}) {
				return false, nil
			}
			if r.Offset+1 >= end {
				return true, nil
			}
			idle.Reset(readIdle)
		case err := <-pc.Errors():
			return false, fmt.Errorf("read %s/%d: %w", topic, p, err)
		case <-idle.C:
			return true, nil
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
}
