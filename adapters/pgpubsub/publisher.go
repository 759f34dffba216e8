package pgpubsub

import (
	"context"
	"database/sql"

	"github.com/ThreeDotsLabs/watermill"
	wmsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
)

// publisher publishes to topic tables, creating the table of a topic that was not configured
// (the process's own topics exist from the start).
type publisher struct {
	*wmsql.Publisher
	tables *topicTables
}

func newPublisher(db *sql.DB, tables *topicTables, logger watermill.LoggerAdapter) (*publisher, error) {
	pub, err := wmsql.NewPublisher(wmsql.BeginnerFromStdSQL(db), wmsql.PublisherConfig{SchemaAdapter: schema}, logger)
	if err != nil {
		return nil, err
	}
	return &publisher{Publisher: pub, tables: tables}, nil
}

// Publish inserts msgs into topic's table in one statement, so in one transaction.
func (p *publisher) Publish(topic string, msgs ...*message.Message) error {
	ctx := context.Background()
	if len(msgs) > 0 {
		ctx = msgs[0].Context()
	}
	if err := p.tables.ensure(ctx, topic); err != nil {
		return err
	}
	return p.Publisher.Publish(topic, msgs...)
}
