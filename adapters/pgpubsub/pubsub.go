package pgpubsub

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/platform/watermilllog"
)

// PubSub is watermill-sql's publish/subscribe on one PostgreSQL database: a table per topic, a
// position per consumer group, rows handed over in commit order (ADR 6). It is the broker of
// deployments that have only PostgreSQL (BROKER=postgres), where writers put their events
// straight into the topic tables in the transaction of the change and no relay runs.
type PubSub struct {
	db        *sql.DB
	tables    *topicTables
	topics    []string
	publisher *publisher
	logger    *slog.Logger
}

// New creates the tables of every topic, so that a writer's transaction can publish to them
// without creating tables, and returns the pub/sub on db. The caller keeps db open while it is
// used and closes it.
func New(ctx context.Context, db *sql.DB, topics []string, logger *slog.Logger) (*PubSub, error) {
	if db == nil || logger == nil {
		return nil, errors.New("pgpubsub: a database and a logger are required")
	}
	tables := &topicTables{db: db}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for _, topic := range topics {
		if err := tables.ensure(ctx, topic); err != nil {
			return nil, err
		}
	}
	pub, err := newPublisher(db, tables, watermilllog.New(logger))
	if err != nil {
		return nil, err
	}
	return &PubSub{db: db, tables: tables, topics: topics, publisher: pub, logger: logger}, nil
}

// Publisher publishes to the topic tables, each call in one transaction of its own. It is safe
// for concurrent use.
func (p *PubSub) Publisher() message.Publisher { return p.publisher }

// Subscriber returns a subscriber for consumer group: each group gets every message once, in
// commit order; one member of a group reads at a time (it locks the group's position while it
// handles a batch of up to 100 rows). A new group starts at the oldest row, or with fromNewest
// at the last row (a process that wants what is published from now on, for itself: live
// updates). The caller closes it.
func (p *PubSub) Subscriber(group string, fromNewest bool) (message.Subscriber, error) {
	if group == "" {
		return nil, errors.New("pgpubsub: a consumer group is required")
	}
	return &subscriber{db: p.db, tables: p.tables, group: group, fromNewest: fromNewest,
		logger: watermilllog.New(p.logger)}, nil
}

// Ping reports whether the database answers.
func (p *PubSub) Ping(ctx context.Context) error { return p.db.PingContext(ctx) }

// Close closes the publisher; the database stays open.
func (p *PubSub) Close() error { return p.publisher.Close() }
