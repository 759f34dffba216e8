package broker

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wmsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/postgres"
)

// postgresSchema is the table layout of every topic of the postgres broker (ADR 6): watermill-sql's
// default PostgreSQL schema, which keeps one position per consumer group and hands the rows over
// in commit order. Payloads are bytea, not json: a poison topic must take any bytes, above all the
// ones that are not valid JSON.
var postgresSchema = wmsql.DefaultPostgreSQLSchema{
	GeneratePayloadType: func(string) string { return "BYTEA" },
}

// postgresOffsets stores each consumer group's position in watermill_offsets_<topic>.
var postgresOffsets = wmsql.DefaultPostgreSQLOffsetsAdapter{}

// PostgresSchema is the schema adapter of the postgres broker's topic tables. A writer that
// publishes events in its own transaction (sql.NewPublisher(tx, sql.PublisherConfig{SchemaAdapter:
// PostgresSchema()})) must use it, so that the broker's subscribers read what it wrote. It must not
// set AutoInitializeSchema: the broker creates the tables of every configured topic at start.
func PostgresSchema() wmsql.SchemaAdapter { return postgresSchema }

// postgresPollInterval is how long an idle subscriber waits before it asks its table again, so it
// bounds the delivery latency of a quiet topic. Each poll is one short transaction (lock the
// group's row, select, commit); ten a second per subscriber is little work for PostgreSQL, where
// watermill-sql's default of a second would put most of a second on every event.
const postgresPollInterval = 100 * time.Millisecond

// postgresTables creates topic tables, once per topic per process.
type postgresTables struct {
	db   *sql.DB
	done sync.Map // topic → struct{}
}

// ensure creates topic's message and offsets tables, and the index retention deletes by, if they
// do not exist. Every statement runs in one transaction under watermill-sql's advisory lock
// for schema changes, so replicas that start together do not race on CREATE TABLE IF NOT EXISTS.
func (t *postgresTables) ensure(ctx context.Context, topic string) error {
	if _, ok := t.done.Load(topic); ok {
		return nil
	}
	// The name goes into SQL as a table name.
	if err := postgres.ValidateTopic("the postgres broker's topic", topic); err != nil {
		return err
	}
	queries, err := postgresSchema.SchemaInitializingQueries(wmsql.SchemaInitializingQueriesParams{Topic: topic})
	if err != nil {
		return err
	}
	offsets, err := postgresOffsets.SchemaInitializingQueries(wmsql.OffsetsSchemaInitializingQueriesParams{Topic: topic})
	if err != nil {
		return err
	}
	queries = append(queries, offsets...)
	queries = append(queries, wmsql.Query{Query: fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s (created_at)`,
		createdAtIndex(topic), postgresSchema.MessagesTable(topic))})
	if err := inTx(ctx, t.db, queries); err != nil {
		return fmt.Errorf("create the tables of topic %s: %w", topic, err)
	}
	t.done.Store(topic, struct{}{})
	return nil
}

// createdAtIndex names the created_at index of topic's table: a hash keeps it within
// PostgreSQL's 63 bytes whatever the topic's length.
func createdAtIndex(topic string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(topic))
	return fmt.Sprintf(`"watermill_created_at_%016x"`, h.Sum64())
}

func inTx(ctx context.Context, db *sql.DB, queries []wmsql.Query) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	for _, q := range queries {
		if _, err := tx.ExecContext(ctx, q.Query, q.Args...); err != nil {
			_ = tx.Rollback()
			return err
		}
	}
	return tx.Commit()
}

// postgresPublisher publishes to topic tables, creating the table of a topic that was not
// configured (the process's own topics exist from the start).
type postgresPublisher struct {
	*wmsql.Publisher
	tables *postgresTables
}

func newPostgresPublisher(db *sql.DB, tables *postgresTables, logger watermill.LoggerAdapter) (*postgresPublisher, error) {
	pub, err := wmsql.NewPublisher(wmsql.BeginnerFromStdSQL(db), wmsql.PublisherConfig{SchemaAdapter: postgresSchema}, logger)
	if err != nil {
		return nil, err
	}
	return &postgresPublisher{Publisher: pub, tables: tables}, nil
}

// Publish inserts msgs into topic's table in one statement, so in one transaction.
func (p *postgresPublisher) Publish(topic string, msgs ...*message.Message) error {
	ctx := context.Background()
	if len(msgs) > 0 {
		ctx = msgs[0].Context()
	}
	if err := p.tables.ensure(ctx, topic); err != nil {
		return err
	}
	return p.Publisher.Publish(topic, msgs...)
}

// postgresSubscriber subscribes one consumer group to topic tables. Each subscription is a
// watermill-sql subscriber of its own, so that it can be stopped gracefully on its own: when the
// subscription's context ends, the subscriber is closed rather than its queries cancelled, which
// commits the acknowledgements of the batch in hand (a cancelled query rolls them back, and the
// batch would be delivered again). A new group can also start at the end of the table
// (watermill-sql always starts it at the beginning).
type postgresSubscriber struct {
	db         *sql.DB
	tables     *postgresTables
	group      string
	fromNewest bool
	logger     watermill.LoggerAdapter

	mu    sync.Mutex
	stops []func()
}

// postgresCloseGrace is how long a stopping subscription may take to commit the batch in hand
// before its queries are cancelled (one waiting for another member's lock on the group, say).
const postgresCloseGrace = 5 * time.Second

func (s *postgresSubscriber) newSubscriber() (*wmsql.Subscriber, error) {
	return wmsql.NewSubscriber(wmsql.BeginnerFromStdSQL(s.db), wmsql.SubscriberConfig{
		ConsumerGroup:  s.group,
		PollInterval:   postgresPollInterval,
		ResendInterval: 100 * time.Millisecond, // after a nack; the batch processor has its own backoff
		SchemaAdapter:  postgresSchema,
		OffsetsAdapter: postgresOffsets,
	}, s.logger)
}

// Subscribe delivers topic's messages from the group's position until ctx ends or the subscriber
// is closed.
func (s *postgresSubscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
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
// postgresCloseGrace.
func closeGracefully(sub *wmsql.Subscriber, force context.CancelFunc) {
	defer force()
	closed := make(chan struct{})
	go func() { _ = sub.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(postgresCloseGrace):
		force()
		<-closed
	}
}

// Close stops every subscription and waits until they committed what they had acknowledged.
func (s *postgresSubscriber) Close() error {
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
		postgresOffsets.MessagesOffsetsTable(topic), postgresSchema.MessagesTable(topic)), group)
	return err
}
