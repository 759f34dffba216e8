package main

import (
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"
	wmkafka "github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"

	"github.com/taskstream/taskstream/adapters/kafka"
)

// arrivals reads every partition of some topics from the oldest offset and records when each
// event first arrived, by its Watermill message id.
type arrivals struct {
	consumer sarama.Consumer
	parts    []sarama.PartitionConsumer
	wg       sync.WaitGroup
	mu       sync.Mutex
	at       map[string]time.Time
	received atomic.Int64
}

func (e benchEnv) readArrivals(topics ...string) (*arrivals, error) {
	sc, err := kafka.ConsumerConfig(e.kafkaConfig())
	if err != nil {
		return nil, err
	}
	c, err := sarama.NewConsumer(e.opts.Brokers, sc)
	if err != nil {
		return nil, fmt.Errorf("consumer: %w", err)
	}
	a := &arrivals{consumer: c, at: make(map[string]time.Time)}
	for _, t := range topics {
		ids, err := c.Partitions(t)
		if err != nil {
			a.close()
			return nil, err
		}
		for _, p := range ids {
			pc, err := c.ConsumePartition(t, p, sarama.OffsetOldest)
			if err != nil {
				a.close()
				return nil, fmt.Errorf("consume %s/%d: %w", t, p, err)
			}
			a.parts = append(a.parts, pc)
			a.wg.Go(func() { a.read(pc) })
			a.wg.Go(func() {
				for err := range pc.Errors() {
					logf("relay: reading %s/%d: %v", t, p, err)
				}
			})
		}
	}
	return a, nil
}

func (a *arrivals) read(pc sarama.PartitionConsumer) {
	for m := range pc.Messages() {
		now := time.Now()
		id := ""
		for _, h := range m.Headers {
			if string(h.Key) == wmkafka.UUIDHeaderKey {
				id = string(h.Value)
				break
			}
		}
		a.mu.Lock()
		if _, seen := a.at[id]; !seen {
			a.at[id] = now
			a.received.Add(1)
		}
		a.mu.Unlock()
	}
}

// snapshot returns the arrival times so far.
func (a *arrivals) snapshot() map[string]time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return maps.Clone(a.at)
}

func (a *arrivals) close() {
	for _, pc := range a.parts {
		pc.AsyncClose()
	}
	a.wg.Wait()
	_ = a.consumer.Close()
}
