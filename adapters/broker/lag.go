package broker

import (
	"context"
	"time"

	"github.com/taskstream/taskstream/adapters/kafka"
)

// Subscription is a consumer group that reads a topic: what consumer lag is reported for.
type Subscription struct {
	Group, Topic string
}

// PartitionLag is how far a group is behind on one partition of a topic (partition 0 on the
// PostgreSQL pub/sub, whose topics have none): the messages after its committed position, and
// when the first of them was written (zero when Records is 0).
type PartitionLag struct {
	Group, Topic string
	Partition    int32
	Records      int64
	Oldest       time.Time
}

// LagReader reads consumer lag. Kafka and the PostgreSQL pub/sub implement it; GoChannel does
// not, as it keeps no position for a group.
type LagReader interface {
	Lag(ctx context.Context, subs []Subscription) ([]PartitionLag, error)
}

var (
	_ LagReader = (*Kafka)(nil)
	_ LagReader = (*Postgres)(nil)
)

// Lag reads each group's committed offsets, the high-water marks and the timestamp of the record
// at each committed offset behind them, over a client of its own (kafka.LagReader).
func (k *Kafka) Lag(ctx context.Context, subs []Subscription) ([]PartitionLag, error) {
	ks := make([]kafka.Subscription, len(subs))
	for i, s := range subs {
		ks[i] = kafka.Subscription(s)
	}
	lags, err := k.lag.Lag(ctx, ks)
	if err != nil {
		return nil, err
	}
	out := make([]PartitionLag, len(lags))
	for i, l := range lags {
		out[i] = PartitionLag(l)
	}
	return out, nil
}

// Lag reads each group's position in its topic's offsets table and the rows after it.
func (p *Postgres) Lag(ctx context.Context, subs []Subscription) ([]PartitionLag, error) {
	out := make([]PartitionLag, 0, len(subs))
	for _, s := range subs {
		l, err := p.pubsub.Lag(ctx, s.Group, s.Topic)
		if err != nil {
			return nil, err
		}
		out = append(out, PartitionLag{Group: s.Group, Topic: s.Topic, Records: l.Rows, Oldest: l.Oldest})
	}
	return out, nil
}
