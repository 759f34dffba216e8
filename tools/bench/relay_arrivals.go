package main

import (
	"encoding/json"
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
// event first arrived, by its topic, task and version (eventKey).
type arrivals struct {
	consumer sarama.Consumer
	parts    []sarama.PartitionConsumer
	wg       sync.WaitGroup
	mu       sync.Mutex
	at       map[eventKey]time.Time
	received atomic.Int64
}

// eventKey names a task event exactly without its id, which the task store draws: a change's
// task-events record (task.Recorded) and its task-updates record (task.Changed) each carry the
// task's id and its version after the change, and a task's versions are never reused.
type eventKey struct {
	topic   string
	task    string
	version int64
}

// taskPayload is the part of either payload that names the task and version: Task for
// task.Recorded, TaskID and Version for task.Changed.
type taskPayload struct {
	Task *struct {
		ID      string `json:"id"`
		Version int64  `json:"version"`
	} `json:"task"`
	TaskID  string `json:"task_id"`
	Version int64  `json:"version"`
}

// keyOf returns the key of a record; one whose payload does not name a task is keyed by its
// Watermill id, so it is counted but matches no change.
func keyOf(m *sarama.ConsumerMessage) eventKey {
	var p taskPayload
	if err := json.Unmarshal(m.Value, &p); err == nil {
		if p.Task != nil && p.Task.ID != "" {
			return eventKey{topic: m.Topic, task: p.Task.ID, version: p.Task.Version}
		}
		if p.TaskID != "" {
			return eventKey{topic: m.Topic, task: p.TaskID, version: p.Version}
		}
	}
	for _, h := range m.Headers {
		if string(h.Key) == wmkafka.UUIDHeaderKey {
			return eventKey{topic: m.Topic, task: "unknown " + string(h.Value), version: -1}
		}
	}
	return eventKey{topic: m.Topic, task: fmt.Sprintf("unknown %d/%d", m.Partition, m.Offset), version: -1}
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
	a := &arrivals{consumer: c, at: make(map[eventKey]time.Time)}
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
		id := keyOf(m)
		a.mu.Lock()
		if _, seen := a.at[id]; !seen {
			a.at[id] = now
			a.received.Add(1)
		}
		a.mu.Unlock()
	}
}

// snapshot returns the arrival times so far.
func (a *arrivals) snapshot() map[eventKey]time.Time {
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
