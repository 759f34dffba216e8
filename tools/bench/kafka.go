package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/taskstream/taskstream/adapters/kafka"
	"github.com/taskstream/taskstream/domain/todo"
)

func (e benchEnv) kafkaConfig() kafka.Config {
	return kafka.Config{Brokers: e.opts.Brokers, ClientID: "taskstream-bench", SecurityProtocol: "PLAINTEXT"}
}

// createTopic creates a fresh topic with the bench's partition count. The returned cleanup
// deletes it and the consumer groups named, so repeated runs leave no data behind.
func (e benchEnv) createTopic(name string, groups ...string) (func(), error) {
	sc, err := kafka.ConsumerConfig(e.kafkaConfig())
	if err != nil {
		return nil, err
	}
	admin, err := sarama.NewClusterAdmin(e.opts.Brokers, sc)
	if err != nil {
		return nil, fmt.Errorf("kafka at %v is not reachable (run `make services`): %w", e.opts.Brokers, err)
	}
	detail := &sarama.TopicDetail{NumPartitions: int32(e.opts.Partitions), ReplicationFactor: 1}
	if err := admin.CreateTopic(name, detail, false); err != nil {
		_ = admin.Close()
		return nil, fmt.Errorf("create topic %s: %w", name, err)
	}
	return func() {
		defer func() { _ = admin.Close() }()
		for _, g := range groups {
			_ = admin.DeleteConsumerGroup(g)
		}
		if err := admin.DeleteTopic(name); err != nil {
			logf("could not delete topic %s: %v", name, err)
		}
	}, nil
}

// preload publishes the create events of todos to topic with a fast asynchronous producer
// (large batches, several requests in flight) and returns once the broker acknowledged them all.
func (e benchEnv) preload(ctx context.Context, topic string, todos []*todo.Todo) error {
	sc, err := kafka.ProducerConfig(e.kafkaConfig())
	if err != nil {
		return err
	}
	sc.Producer.Idempotent = false
	sc.Net.MaxOpenRequests = 5
	sc.Producer.Flush.Bytes = 512 << 10
	sc.Producer.Flush.Frequency = 5 * time.Millisecond
	sc.ChannelBufferSize = 16 << 10
	p, err := sarama.NewAsyncProducer(e.opts.Brokers, sc)
	if err != nil {
		return fmt.Errorf("producer: %w", err)
	}
	var wg sync.WaitGroup
	var errs []error
	var mu sync.Mutex
	wg.Go(func() {
		for range p.Successes() {
		}
	})
	wg.Go(func() {
		for err := range p.Errors() {
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
		}
	})
	for _, t := range todos {
		rec, err := createRecord(topic, t)
		if err != nil {
			p.AsyncClose()
			wg.Wait()
			return err
		}
		select {
		case p.Input() <- rec:
		case <-ctx.Done():
			p.AsyncClose()
			wg.Wait()
			return ctx.Err()
		}
	}
	p.AsyncClose() // flushes what is buffered, then closes Successes and Errors
	wg.Wait()
	if len(errs) > 0 {
		return fmt.Errorf("%d of %d records not acknowledged, first: %w", len(errs), len(todos), errs[0])
	}
	return nil
}

// groupProgress describes how far group has committed on topic, for a stalled worker's error.
func (e benchEnv) groupProgress(topic, group string) string {
	sc, err := kafka.ConsumerConfig(e.kafkaConfig())
	if err != nil {
		return err.Error()
	}
	client, err := sarama.NewClient(e.opts.Brokers, sc)
	if err != nil {
		return err.Error()
	}
	defer func() { _ = client.Close() }()
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		return err.Error()
	}
	parts, err := client.Partitions(topic)
	if err != nil {
		return err.Error()
	}
	offsets, err := admin.ListConsumerGroupOffsets(group, map[string][]int32{topic: parts})
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	for _, p := range parts {
		end, _ := client.GetOffset(topic, p, sarama.OffsetNewest)
		committed := int64(-1)
		if blk := offsets.GetBlock(topic, p); blk != nil {
			committed = blk.Offset
		}
		fmt.Fprintf(&b, " partition %d: committed %d of %d;", p, committed, end)
	}
	return "group " + group + b.String()
}
