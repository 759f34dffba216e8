package pgpubsub

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wmsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
)

// pollInterval is how long an idle subscriber waits before it asks its table again, so it bounds
// the delivery latency of a quiet topic. Each poll is one short transaction (lock the group's
// row, select, commit); ten a second per subscriber is little work for PostgreSQL, where
// watermill-sql's default of a second would put most of a second on every event.
const pollInterval = 100 * time.Millisecond

// subscriber subscribes one consumer group to topic tables. Each subscription is a
// watermill-sql subscriber of its own, so that it can be stopped gracefully on its own: when the
// subscription's context ends, the subscriber is closed rather than its queries cancelled, which
// commits the acknowledgements of the batch in hand (a cancelled query rolls them back, and the
// batch would be delivered again). A new group can also start at the end of the table
// (watermill-sql always starts it at the beginning).
type subscriber struct {
	db         *sql.DB
	tables     *topicTables
	group      string
	fromNewest bool
	logger     watermill.LoggerAdapter

	mu    sync.Mutex
	stops []func()
}

// closeGrace is how long a stopping subscription may take to commit the batch in hand
// before its queries are cancelled (one waiting for another member's lock on the group, say).
const closeGrace = 5 * time.Second

func (s *subscriber) newSubscriber() (*wmsql.Subscriber, error) {
	return wmsql.NewSubscriber(wmsql.BeginnerFromStdSQL(s.db), wmsql.SubscriberConfig{
		ConsumerGroup:  s.group,
		PollInterval:   pollInterval,
		ResendInterval: 100 * time.Millisecond, // after a nack; the consumer pipeline has its own backoff
		SchemaAdapter:  schema,
		OffsetsAdapter: offsets,
	}, s.logger)
}

// Subscribe delivers topic's messages from the group's position until ctx ends or the subscriber
// is closed.
func (s *subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	if err := s.tables.ensure(ctx, topic); err != nil {
		return nil, err
	}
	if s.fromNewest {
		if err := startAtEnd(ctx, s.db, topic, s.group); err != nil {
			return nil, fmt.Errorf("start group %s at the end of %s: %w", s.group, topic, err)
		}
	}
	sub, err := s.newSubscriber()
	if err != nil {
		return nil, err
	}
	queries, force := context.WithCancel(context.WithoutCancel(ctx))
	msgs, err := sub.Subscribe(queries, topic)
	if err != nil {
		force()
		return nil, err
	}
	stop := sync.OnceFunc(func() { closeGracefully(sub, force) })
	context.AfterFunc(ctx, stop)
	s.mu.Lock()
	s.stops = append(s.stops, stop)
	s.mu.Unlock()
	return msgs, nil
}

// closeGracefully closes sub, and cancels its queries if that takes longer than
// closeGrace.
func closeGracefully(sub *wmsql.Subscriber, force context.CancelFunc) {
	defer force()
	closed := make(chan struct{})
	go func() { _ = sub.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(closeGrace):
		force()
		<-closed
	}
}

// Close stops every subscription and waits until they committed what they had acknowledged.
func (s *subscriber) Close() error {
	s.mu.Lock()
	stops := s.stops
	s.stops = nil
	s.mu.Unlock()
	for _, stop := range stops {
		stop()
	}
	return nil
}

// startAtEnd gives a group that has no position on topic yet the position of the last row a
// subscriber could read now, so it gets what commits from now on and never misses any of it.
// Subscribers read only below the oldest transaction running on the server (a row with a lower
// transaction id may still commit), so the group may also get rows that committed shortly before
// it joined, while an older transaction was still running: at least once, never a gap. A group
// that has a position keeps it, as a Kafka group keeps its committed offsets.
func startAtEnd(ctx context.Context, db *sql.DB, topic, group string) error {
	_, err := db.ExecContext(ctx, fmt.Sprintf(`
		INSERT INTO %s (consumer_group, offset_acked, last_processed_transaction_id)
		SELECT $1, COALESCE(last."offset", 0), COALESCE(last.transaction_id, '0')
		FROM (SELECT 1) AS one
		LEFT JOIN LATERAL (
			SELECT "offset", transaction_id FROM %s
			WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
			ORDER BY transaction_id DESC, "offset" DESC
			LIMIT 1
		) AS last ON true
		ON CONFLICT (consumer_group) DO NOTHING`,
		offsets.MessagesOffsetsTable(topic), schema.MessagesTable(topic)), group)
	return err
}
