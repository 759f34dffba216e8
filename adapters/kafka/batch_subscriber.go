package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/IBM/sarama"
	wmkafka "github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/platform/batch"
	"github.com/taskstream/taskstream/platform/envelope"
)

// BatchConfig tunes a BatchSubscriber. A batch is handed over when it holds MaxRecords, when
// MaxWait has passed since its first record, or when no record came for Linger.
type BatchConfig struct {
	// Group is the consumer group; partitions are split between its members.
	Group string
	// MaxRecords bounds a batch (default 5000).
	MaxRecords int
	// MaxWait bounds how long a batch collects records (default 10s).
	MaxWait time.Duration
	// Linger ends a batch early when the partition goes quiet (default 50ms).
	Linger time.Duration
}

func (c *BatchConfig) setDefaults() {
	if c.MaxRecords <= 0 {
		c.MaxRecords = 5000
	}
	if c.MaxWait <= 0 {
		c.MaxWait = 10 * time.Second
	}
	if c.Linger <= 0 || c.Linger > c.MaxWait {
		c.Linger = min(50*time.Millisecond, c.MaxWait)
	}
}

// BatchSubscriber is a Kafka consumer-group member that hands records over in batches, each
// partition's one after the other (partitions side by side), and commits a partition's offsets
// only after its batch was processed (the handler committed its transaction and the rejected
// records are in the poison topic). A crash at any point therefore replays the batch; handlers
// must be idempotent.
type BatchSubscriber struct {
	cfg     BatchConfig
	brokers []string
	sarama  *sarama.Config
	logger  *slog.Logger
}

var _ batch.Subscriber = (*BatchSubscriber)(nil)

// NewBatchSubscriber returns a subscriber for one consumer group.
func NewBatchSubscriber(k Config, cfg BatchConfig, logger *slog.Logger) (*BatchSubscriber, error) {
	cfg.setDefaults()
	if cfg.Group == "" || logger == nil {
		return nil, errors.New("kafka batch subscriber: a group and a logger are required")
	}
	sc, err := ConsumerConfig(k)
	if err != nil {
		return nil, err
	}
	sc.ChannelBufferSize = max(sc.ChannelBufferSize, cfg.MaxRecords)
	return &BatchSubscriber{cfg: cfg, brokers: k.Brokers, sarama: sc, logger: logger}, nil
}

// Run consumes topic until ctx is cancelled. It rejoins the group after errors and rebalances.
func (s *BatchSubscriber) Run(ctx context.Context, topic string, process batch.Process) error {
	if process == nil {
		return errors.New("kafka batch subscriber: nil process")
	}
	group, err := sarama.NewConsumerGroup(s.brokers, s.cfg.Group, s.sarama)
	if err != nil {
		return fmt.Errorf("join consumer group %s: %w", s.cfg.Group, err)
	}
	defer func() { _ = group.Close() }()
	go s.logErrors(ctx, group)

	gh := &groupHandler{cfg: s.cfg, process: process}
	for ctx.Err() == nil {
		if err := group.Consume(ctx, []string{topic}, gh); err != nil && ctx.Err() == nil {
			s.logger.WarnContext(ctx, "consumer group session ended, rejoining", "group", s.cfg.Group, "error", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
	return nil
}

func (s *BatchSubscriber) logErrors(ctx context.Context, group sarama.ConsumerGroup) {
	for err := range group.Errors() {
		s.logger.WarnContext(ctx, "consumer group error", "group", s.cfg.Group, "error", err)
	}
}

// groupHandler implements sarama.ConsumerGroupHandler.
type groupHandler struct {
	cfg     BatchConfig
	process batch.Process
}

func (g *groupHandler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (g *groupHandler) Cleanup(sarama.ConsumerGroupSession) error { return nil }

// ConsumeClaim collects batches from one partition and processes them in order.
func (g *groupHandler) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	ctx := sess.Context()
	records := make([]*sarama.ConsumerMessage, 0, g.cfg.MaxRecords)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		records = records[:0]
		select {
		case <-ctx.Done():
			return nil
		case r, ok := <-claim.Messages():
			if !ok || ctx.Err() != nil {
				return nil // stopping: start no new batch; this record is replayed later
			}
			records = append(records, r)
		}
		records = g.collect(ctx, claim.Messages(), records, timer)
		if err := g.handOver(ctx, sess, records); err != nil {
			return nil // the session is ending; the batch was not committed and will be replayed
		}
	}
}

// collect adds records to the batch until it is full, MaxWait has passed or the partition
// stayed quiet for Linger.
func (g *groupHandler) collect(ctx context.Context, in <-chan *sarama.ConsumerMessage, records []*sarama.ConsumerMessage, timer *time.Timer) []*sarama.ConsumerMessage {
	deadline := time.Now().Add(g.cfg.MaxWait)
	for len(records) < g.cfg.MaxRecords {
		select {
		case r, ok := <-in:
			if !ok {
				return records
			}
			records = append(records, r)
			continue
		default:
		}
		wait := min(g.cfg.Linger, time.Until(deadline))
		if wait <= 0 {
			return records
		}
		timer.Reset(wait)
		select {
		case r, ok := <-in:
			timer.Stop() // since Go 1.23 a stopped timer delivers no stale tick
			if !ok {
				return records
			}
			records = append(records, r)
		case <-timer.C:
			return records
		case <-ctx.Done():
			return records
		}
	}
	return records
}

func (g *groupHandler) handOver(ctx context.Context, sess sarama.ConsumerGroupSession, records []*sarama.ConsumerMessage) error {
	msgs := make([]*message.Message, len(records))
	for i, r := range records {
		m, err := wmkafka.DefaultMarshaler{}.Unmarshal(r)
		if err != nil {
			return err
		}
		// Where the record came from, so that a parked copy points back at its original.
		m.Metadata.Set(envelope.KeyKafkaPartition, strconv.Itoa(int(r.Partition)))
		m.Metadata.Set(envelope.KeyKafkaOffset, strconv.FormatInt(r.Offset, 10))
		m.SetContext(ctx)
		msgs[i] = m
	}
	if err := g.process(ctx, msgs); err != nil {
		return err
	}
	sess.MarkMessage(records[len(records)-1], "")
	sess.Commit()
	return nil
}
