package outbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/components/forwarder"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/pgpubsub"
	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/platform/tracing"
)

// Mode says where a store writes the messages of its changes, always in the transaction of the
// change.
type Mode string

const (
	// Forwarder wraps every message in Watermill's Forwarder envelope, which names its
	// destination topic, and writes it to the table of the forwarder topic (watermill_outbox).
	// A relay reads that one table in order and publishes each message to its destination.
	Forwarder Mode = "forwarder"
	// Direct writes every message, as it is, to the watermill-sql table of its
	// destination topic (watermill_<topic>). It is for BROKER=postgres, where watermill-sql is
	// the broker and no relay runs; the broker creates those tables when it starts.
	Direct Mode = "direct"
)

// Config says how a store writes the messages of its changes. The zero value writes Forwarder
// envelopes to the table watermill_outbox.
type Config struct {
	// Mode is Forwarder or Direct. Defaults to Forwarder.
	Mode Mode
	// ForwarderTopic is the topic the envelopes are written to in Forwarder mode.
	// Defaults to Topic, whose table the migrations create and which Relay reads; the
	// table of any other topic must exist before the first write, and needs a relay of its
	// own (a stock forwarder.Forwarder, say). Unused in Direct mode.
	ForwarderTopic string
	// Logger receives watermill-sql's trace logs. Defaults to watermill.NopLogger.
	Logger watermill.LoggerAdapter
}

func (c *Config) setDefaults() {
	if c.Mode == "" {
		c.Mode = Forwarder
	}
	if c.ForwarderTopic == "" {
		c.ForwarderTopic = Topic
	}
	if c.Logger == nil {
		c.Logger = watermill.NopLogger{}
	}
}

// Validate reports what is wrong with the configuration, its defaults applied.
func (c Config) Validate() error {
	c.setDefaults()
	var errs []error
	if c.Mode != Forwarder && c.Mode != Direct {
		errs = append(errs, fmt.Errorf("outbox mode %q is neither %q nor %q", c.Mode, Forwarder, Direct))
	}
	errs = append(errs, pgpubsub.ValidateTopic("forwarder topic", c.ForwarderTopic))
	return errors.Join(errs...)
}

// Writer writes messages in the transaction of the change they belong to: the change and its
// messages commit together or not at all. The stores of every context share one. It is safe
// for concurrent use.
type Writer struct {
	cfg Config
}

// NewWriter returns a writer with cfg's defaults applied.
func NewWriter(cfg Config) (*Writer, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return &Writer{cfg: cfg}, nil
}

// Write appends msgs to the outbox in tx, in their order. Consecutive messages for the same
// topic go in one INSERT. The caller maps its errors like those of its own queries.
func (w *Writer) Write(ctx context.Context, tx *sql.Tx, msgs []envelope.Routed) error {
	pub, err := w.publisher(tx)
	if err != nil {
		return err
	}
	ctx, span := startWriteSpan(ctx, w.table(msgs), msgs)
	defer span.End()
	for _, m := range msgs {
		tracing.ToMessage(ctx, m.Message)
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
			return fmt.Errorf("write outbox: %w", err)
		}
		start = end
	}
	return nil
}

// table is the table msgs go to: the outbox's, or in Direct mode the first one's topic table.
func (w *Writer) table(msgs []envelope.Routed) string {
	if w.cfg.Mode == Direct && len(msgs) > 0 {
		return "watermill_" + msgs[0].Topic
	}
	return "watermill_" + w.cfg.ForwarderTopic
}

// publisher returns a publisher on tx: watermill-sql's, wrapped in the Forwarder's envelope in
// Forwarder mode. The tables exist already: a publisher on a transaction cannot create
// them (CREATE TABLE would not be part of the change).
func (w *Writer) publisher(tx *sql.Tx) (message.Publisher, error) {
	if w.cfg.Mode == Direct {
		return newTxPublisher(tx, pgpubsub.Schema(), w.cfg.Logger)
	}
	pub, err := newTxPublisher(tx, wsql.DefaultPostgreSQLSchema{}, w.cfg.Logger)
	if err != nil {
		return nil, err
	}
	return forwarder.NewPublisher(pub, forwarder.PublisherConfig{ForwarderTopic: w.cfg.ForwarderTopic}), nil
}

// newTxPublisher is watermill-sql's publisher on tx with schema: the table of the outbox (the
// default schema, which the migrations create) or the pub/sub's topic tables (Direct mode).
func newTxPublisher(tx *sql.Tx, schema wsql.SchemaAdapter, logger watermill.LoggerAdapter) (*wsql.Publisher, error) {
	pub, err := wsql.NewPublisher(wsql.TxFromStdSQL(tx), wsql.PublisherConfig{SchemaAdapter: schema}, logger)
	if err != nil {
		return nil, fmt.Errorf("outbox publisher: %w", err)
	}
	return pub, nil
}
