package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/IBM/sarama"
)

// Subscription is a consumer group that reads a topic.
type Subscription struct {
	Group, Topic string
}

// PartitionLag is how far a group is behind on one partition of a topic: the records after its
// committed offset, and the timestamp of the first of them (the oldest record the group has not
// finished; zero when Records is 0).
type PartitionLag struct {
	Group, Topic string
	Partition    int32
	Records      int64
	Oldest       time.Time
}

// LagReader reads the lag of consumer groups with one long-lived client: the groups' committed
// offsets (one OffsetFetch per group), each partition's high-water mark, and the timestamp of the
// record at a committed offset. That record is read once per offset and remembered, since the
// record at an offset never changes: a group that stands still costs no reads after the first,
// and one that moves costs one fetch per partition it is behind on. It is safe for concurrent
// use; reads are serialised.
type LagReader struct {
	cfg Config

	mu       sync.Mutex
	client   sarama.Client
	admin    sarama.ClusterAdmin
	consumer sarama.Consumer
	times    map[recordAt]time.Time
	closed   bool
}

type recordAt struct {
	topic     string
	partition int32
	offset    int64
}

// NewLagReader returns a lag reader of the cluster c names. It connects at the first read.
func NewLagReader(c Config) *LagReader { return &LagReader{cfg: c, times: map[recordAt]time.Time{}} }

// Lag reads the lag of every subscription on every partition of its topic. A group without a
// committed offset on a partition starts at the oldest record (as the consumers do), so all of
// the partition counts; so does a committed offset that retention has passed. ctx bounds the
// wait for a record's timestamp; the other requests are bounded by the client's timeouts.
func (r *LagReader) Lag(ctx context.Context, subs []Subscription) ([]PartitionLag, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.connect(); err != nil {
		return nil, err
	}
	ends := map[string]map[int32][2]int64{} // topic → partition → oldest, newest
	byGroup := map[string][]string{}
	for _, s := range subs {
		byGroup[s.Group] = append(byGroup[s.Group], s.Topic)
		if _, ok := ends[s.Topic]; ok {
			continue
		}
		e, err := r.topicEnds(s.Topic)
		if err != nil {
			return nil, err
		}
		ends[s.Topic] = e
	}
	used := map[recordAt]time.Time{}
	var lags []PartitionLag
	for _, s := range subs {
		committed, err := r.committed(s.Group, s.Topic, ends[s.Topic])
		if err != nil {
			return nil, err
		}
		for p, e := range ends[s.Topic] {
			at := max(committed[p], e[0]) // no commit (-1), or one retention has passed
			l := PartitionLag{Group: s.Group, Topic: s.Topic, Partition: p, Records: max(e[1]-at, 0)}
			if l.Records > 0 {
				key := recordAt{s.Topic, p, at}
				if l.Oldest, err = r.timestamp(ctx, key); err != nil {
					return nil, err
				}
				used[key] = l.Oldest
			}
			lags = append(lags, l)
		}
	}
	r.times = used // forget the offsets groups have moved past
	return lags, nil
}

// topicEnds returns the oldest offset and the high-water mark of each partition of topic, in
// two requests per partition leader (one for each end) rather than two per partition: a topic
// has a dozen partitions, and a scrape reads every consumed topic.
func (r *LagReader) topicEnds(topic string) (map[int32][2]int64, error) {
	partitions, err := r.client.Partitions(topic)
	if err != nil {
		return nil, fmt.Errorf("partitions of %s: %w", topic, err)
	}
	byLeader := map[*sarama.Broker][]int32{}
	for _, p := range partitions {
		leader, err := r.client.Leader(topic, p)
		if err != nil {
			return nil, fmt.Errorf("leader of %s/%d: %w", topic, p, err)
		}
		byLeader[leader] = append(byLeader[leader], p)
	}
	ends := make(map[int32][2]int64, len(partitions))
	for leader, ps := range byLeader {
		for end, at := range [2]int64{sarama.OffsetOldest, sarama.OffsetNewest} {
			req := sarama.NewOffsetRequest(ProtocolVersion)
			for _, p := range ps {
				req.AddBlock(topic, p, at, 1)
			}
			resp, err := leader.GetAvailableOffsets(req)
			if err != nil {
				return nil, fmt.Errorf("offsets of %s: %w", topic, err)
			}
			for _, p := range ps {
				b := resp.GetBlock(topic, p)
				if b == nil {
					return nil, fmt.Errorf("offsets of %s/%d: no answer", topic, p)
				}
				if !errors.Is(b.Err, sarama.ErrNoError) {
					return nil, fmt.Errorf("offsets of %s/%d: %w", topic, p, b.Err)
				}
				e := ends[p]
				e[end] = b.Offset
				ends[p] = e
			}
		}
	}
	return ends, nil
}

// committed returns group's committed offset on each partition of topic, -1 where it has none.
func (r *LagReader) committed(group, topic string, ends map[int32][2]int64) (map[int32]int64, error) {
	partitions := make([]int32, 0, len(ends))
	for p := range ends {
		partitions = append(partitions, p)
	}
	resp, err := r.admin.ListConsumerGroupOffsets(group, map[string][]int32{topic: partitions})
	if err != nil {
		return nil, fmt.Errorf("offsets of group %s: %w", group, err)
	}
	if !errors.Is(resp.Err, sarama.ErrNoError) {
		return nil, fmt.Errorf("offsets of group %s: %w", group, resp.Err)
	}
	offsets := make(map[int32]int64, len(partitions))
	for _, p := range partitions {
		offsets[p] = -1
		if b := resp.GetBlock(topic, p); b != nil && errors.Is(b.Err, sarama.ErrNoError) {
			offsets[p] = b.Offset
		}
	}
	return offsets, nil
}

// timestamp is the timestamp of the record at key (or of the next one, should that offset hold
// no record a read-committed consumer sees), read once and then remembered.
func (r *LagReader) timestamp(ctx context.Context, key recordAt) (time.Time, error) {
	if t, ok := r.times[key]; ok {
		return t, nil
	}
	pc, err := r.consumer.ConsumePartition(key.topic, key.partition, key.offset)
	if err != nil {
		return time.Time{}, fmt.Errorf("read %s/%d at %d: %w", key.topic, key.partition, key.offset, err)
	}
	defer func() { _ = pc.Close() }()
	select {
	case m := <-pc.Messages():
		r.times[key] = m.Timestamp
		return m.Timestamp, nil
	case err := <-pc.Errors():
		return time.Time{}, fmt.Errorf("read %s/%d at %d: %w", key.topic, key.partition, key.offset, err)
	case <-ctx.Done():
		return time.Time{}, fmt.Errorf("read %s/%d at %d: %w", key.topic, key.partition, key.offset, ctx.Err())
	}
}

func (r *LagReader) connect() error {
	if r.closed {
		return errors.New("the lag reader is closed")
	}
	if r.client != nil {
		return nil
	}
	sc, err := ConsumerConfig(r.cfg)
	if err != nil {
		return err
	}
	sc.Net.DialTimeout = 2 * time.Second
	sc.Metadata.Retry.Max = 0
	sc.Consumer.Fetch.Default = 64 << 10 // one record is wanted; a batch of them comes along
	client, err := sarama.NewClient(r.cfg.Brokers, sc)
	if err != nil {
		return connectError(r.cfg, err)
	}
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		_ = client.Close()
		return err
	}
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		_ = client.Close()
		return err
	}
	r.client, r.admin, r.consumer = client, admin, consumer
	return nil
}

// Close closes the client; later reads fail.
func (r *LagReader) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	if r.client == nil {
		return nil
	}
	_ = r.consumer.Close()
	return r.admin.Close() // closes the client it was made from
}
