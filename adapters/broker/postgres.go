package broker

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/pgpubsub"
	"github.com/taskstream/taskstream/adapters/poison"
	"github.com/taskstream/taskstream/platform/batch"
)

// Postgres is the broker of deployments that have only PostgreSQL (BROKER=postgres): the
// PostgreSQL pub/sub on DATABASE_URL. Writers put their events straight into its topic tables
// in the transaction of the change, so no relay runs.
type Postgres struct {
	pubsub *pgpubsub.PubSub
	poison string
}

var _ Broker = (*Postgres)(nil)

// NewPostgres creates the tables of topics (the process's, poisonTopic among them) in db.
func NewPostgres(ctx context.Context, db *sql.DB, topics []string, poisonTopic string, logger *slog.Logger) (*Postgres, error) {
	if db == nil {
		return nil, errors.New("the postgres broker needs DATABASE_URL")
	}
	if poisonTopic == "" {
		return nil, errors.New("postgres broker: the poison topic is required")
	}
	ps, err := pgpubsub.New(ctx, db, topics, logger)
	if err != nil {
		return nil, err
	}
	return &Postgres{pubsub: ps, poison: poisonTopic}, nil
}

// Name is "postgres".
func (p *Postgres) Name() string { return "postgres" }

// Publisher publishes to the topic tables.
func (p *Postgres) Publisher() message.Publisher { return p.pubsub.Publisher() }

// Subscriber reads group's position in the topic table, in commit order, one member at a time.
func (p *Postgres) Subscriber(group string, from Start) (message.Subscriber, error) {
	return p.pubsub.Subscriber(group, from == Newest)
}

// BatchSubscriber hands over one message at a time; it subscribes when it runs.
func (p *Postgres) BatchSubscriber(topic, group string, _ BatchOptions) (batch.Subscriber, error) {
	sub, err := p.pubsub.Subscriber(group, false)
	if err != nil {
		return nil, err
	}
	return subscribeOnRun(sub, topic), nil
}

// RelayPublisher is never needed: writers fill the topic tables themselves. It publishes one
// message after the other, should a relay run anyway.
func (p *Postgres) RelayPublisher() (RelayPublisher, error) {
	return oneByOne{p.pubsub.Publisher()}, nil
}

// ReadParked reads the poison topic's table; a parked message's reference is its row's offset.
func (p *Postgres) ReadParked(ctx context.Context, fn func(poison.Parked) bool) error {
	return p.pubsub.ReadTopic(ctx, p.poison, func(r pgpubsub.Row) bool {
		return fn(poison.Parked{Ref: fmt.Sprint(r.Offset), ParkedAt: r.CreatedAt, Message: r.Message})
	})
}

// TooLarge is always false: a column takes up to a gigabyte.
func (p *Postgres) TooLarge(error) bool { return false }

// Check pings the database.
func (p *Postgres) Check(ctx context.Context) error { return p.pubsub.Ping(ctx) }

// Run deletes the messages older than the retention (pgpubsub.Retention) until ctx ends.
func (p *Postgres) Run(ctx context.Context) error { return p.pubsub.RunRetention(ctx) }

// Close closes the publisher; the database stays open.
func (p *Postgres) Close() error { return p.pubsub.Close() }
