package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/components/forwarder"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/outbox"
)

// OutboxMode says where a store writes the messages of its changes, always in the transaction
// of the change.
type OutboxMode string

const (
	// OutboxForwarder wraps every message in Watermill's Forwarder envelope, which names its
	// destination topic, and writes it to the table of the forwarder topic (watermill_outbox).
	// A relay reads that one table in order and publishes each message to its destination.
	OutboxForwarder OutboxMode = "forwarder"
	// OutboxDirect writes every message, as it is, to the watermill-sql table of its
	// destination topic (watermill_<topic>). It is for BROKER=postgres, where watermill-sql is
	// the broker and no relay runs; the broker creates those tables when it starts.
	OutboxDirect OutboxMode = "direct"
)

// OutboxConfig says how a store writes the messages of its changes. The zero value writes
// Forwarder envelopes to the table watermill_outbox.
type OutboxConfig struct {
	// Mode is OutboxForwarder or OutboxDirect. Defaults to OutboxForwarder.
	Mode OutboxMode
	// ForwarderTopic is the topic the envelopes are written to in OutboxForwarder mode.
	// Defaults to OutboxTopic, whose table the migrations create and which Relay reads; the
	// table of any other topic must exist before the first write, and needs a relay of its
	// own (a stock forwarder.Forwarder, say). Unused in OutboxDirect mode.
	ForwarderTopic string
	// Schema is the schema adapter of the topic tables. Defaults to
	// wsql.DefaultPostgreSQLSchema{}, the outbox table's; in OutboxDirect mode it must be the
	// broker's (adapters/broker.PostgresSchema), the one its subscribers read with.
	Schema wsql.SchemaAdapter
	// Logger receives watermill-sql's trace logs. Defaults to watermill.NopLogger.
	Logger watermill.LoggerAdapter
}

func (c *OutboxConfig) setDefaults() {
	if c.Mode == "" {
		c.Mode = OutboxForwarder
	}
	if c.ForwarderTopic == "" {
		c.ForwarderTopic = OutboxTopic
	}
	if c.Logger == nil {
		c.Logger = watermill.NopLogger{}
	}
	if c.Schema == nil {
		c.Schema = wsql.DefaultPostgreSQLSchema{}
	}
}

// Validate reports what is wrong with the configuration after defaults are applied.
func (c OutboxConfig) Validate() error {
	var errs []error
	if c.Mode != OutboxForwarder && c.Mode != OutboxDirect {
		errs = append(errs, fmt.Errorf("outbox mode %q is neither %q nor %q", c.Mode, OutboxForwarder, OutboxDirect))
	}
	errs = append(errs, ValidateTopic("forwarder topic", c.ForwarderTopic))
	return errors.Join(errs...)
}

// sqlTopic is what watermill-sql accepts as a topic: the topic is part of a table name.
var sqlTopic = regexp.MustCompile(`^[A-Za-z0-9\-$:._]+$`)

// ValidateTopic refuses a topic watermill-sql cannot turn into a table name; what names the
// setting in the error.
func ValidateTopic(what, topic string) error {
	if !sqlTopic.MatchString(topic) {
		return fmt.Errorf("%s %q must be letters, digits and -$:._ only", what, topic)
	}
	return nil
}

// WriteOutbox writes msgs in tx as the stores do, with cfg's defaults: for callers outside this
// package that write outbox rows in a transaction of their own (the bench's outbox fill).
func WriteOutbox(ctx context.Context, tx *sql.Tx, cfg OutboxConfig, msgs []outbox.Routed) error {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return err
	}
	return outboxWriter{cfg: cfg}.write(ctx, tx, msgs)
}

// outboxWriter writes messages in the transaction of the change they belong to: the change and
// its messages commit together or not at all. Stores of every context share it.
type outboxWriter struct {
	cfg OutboxConfig
}

// write appends msgs to the outbox in tx, in their order. Consecutive messages for the same
// topic go in one INSERT. Its errors are mapped like query errors (transient ones are
// unavailable).
func (w outboxWriter) write(ctx context.Context, tx *sql.Tx, msgs []outbox.Routed) error {
	pub, err := w.publisher(tx)
	if err != nil {
		return err
	}
	for start := 0; start < len(msgs); {
		end := start + 1
		for end < len(msgs) && msgs[end].Topic == msgs[start].Topic {
			end++
		}
		batch := make([]*message.Message, 0, end-start)
		for _, m := range msgs[start:end] {
			m.Message.SetContext(ctx) // watermill-sql runs the INSERT with the first message's context
			batch = append(batch, m.Message)
		}
		if err := pub.Publish(msgs[start].Topic, batch...); err != nil {
			return dbError("write outbox", err)
		}
		start = end
	}
	return nil
}

// publisher returns a publisher on tx: watermill-sql's, wrapped in the Forwarder's envelope in
// OutboxForwarder mode. The tables exist already: a publisher on a transaction cannot create
// them (CREATE TABLE would not be part of the change).
func (w outboxWriter) publisher(tx *sql.Tx) (message.Publisher, error) {
	pub, err := wsql.NewPublisher(wsql.TxFromStdSQL(tx),
		wsql.PublisherConfig{SchemaAdapter: w.cfg.Schema}, w.cfg.Logger)
	if err != nil {
		return nil, fmt.Errorf("postgres: outbox publisher: %w", err)
	}
	if w.cfg.Mode == OutboxDirect {
		return pub, nil
	}
	return forwarder.NewPublisher(pub, forwarder.PublisherConfig{ForwarderTopic: w.cfg.ForwarderTopic}), nil
}
