package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/platform/envelope"
)

// Topic is the watermill-sql topic of the outbox (table "watermill_outbox"); its rows are
// Forwarder envelopes naming their destination topic.
const Topic = "outbox"

// RelayGroup is the relay's consumer group in "watermill_offsets_outbox". Every relay process
// shares it, so two relays take turns instead of publishing the same rows side by side.
const RelayGroup = "taskstream-relay"

// BatchPublisher sends a batch of messages to the broker and returns once the broker holds all
// of them: what the relay forwards with (adapters/kafka.BatchPublisher on Kafka, one publish
// after another elsewhere). After an error some may have been written; the relay sends them all
// again.
type BatchPublisher interface {
	PublishBatch(ctx context.Context, msgs []envelope.Routed) error
}

// RelayConfig configures a Relay. Zero values take the documented defaults.
type RelayConfig struct {
	// Publisher receives the forwarded messages. Required.
	Publisher BatchPublisher
	// PoisonTopic receives an outbox row that cannot be read as a Forwarder envelope, with the
	// reason, instead of blocking the outbox. Required.
	PoisonTopic string
	// BatchSize is the most rows forwarded per round. Default 1000.
	BatchSize int
	// PollInterval is the wait after a round that found fewer rows than BatchSize. Default 20ms.
	PollInterval time.Duration
	// Retention keeps forwarded rows this long before they are deleted; 0 deletes them in the
	// round that forwarded them.
	Retention time.Duration
	// MaxBackoff bounds the wait between rounds after failures (doubling from PollInterval).
	// Default 5s.
	MaxBackoff time.Duration
	// PublishTimeout bounds a round's publish. The round holds its transaction meanwhile, and
	// an open transaction holds back what every reader of the server sees (rows are read below
	// the oldest running transaction), so a broker that hangs must not keep it open for the
	// producer's own timeouts (minutes). Default 30s.
	PublishTimeout time.Duration
	Logger         *slog.Logger
	// Observe, when set, is told of each forwarded round: how many rows and how long it took.
	Observe func(rows int, took time.Duration)
	// ObserveLatency, when set, is told for each forwarded row how long after its transaction
	// began (the row's created_at: the writer's transaction, a moment before its commit) the
	// broker held it.
	ObserveLatency func(took time.Duration)
}

func (c *RelayConfig) setDefaults() {
	if c.BatchSize == 0 {
		c.BatchSize = 1000
	}
	if c.PollInterval == 0 {
		c.PollInterval = 20 * time.Millisecond
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = 5 * time.Second
	}
	if c.PublishTimeout == 0 {
		c.PublishTimeout = 30 * time.Second
	}
}

// Validate reports every invalid field at once.
func (c RelayConfig) Validate() error {
	var errs []error
	if c.Publisher == nil {
		errs = append(errs, errors.New("relay: nil Publisher"))
	}
	if c.PoisonTopic == "" {
		errs = append(errs, errors.New("relay: empty PoisonTopic"))
	}
	if c.Logger == nil {
		errs = append(errs, errors.New("relay: nil Logger"))
	}
	if c.BatchSize < 1 || c.PollInterval <= 0 || c.Retention < 0 || c.MaxBackoff < c.PollInterval || c.PublishTimeout <= 0 {
		errs = append(errs, errors.New("relay: BatchSize, PollInterval and PublishTimeout must be positive, Retention not negative, MaxBackoff at least PollInterval"))
	}
	return errors.Join(errs...)
}

// Relay forwards the outbox to the broker: the relay sidecar (`taskstream relay`), also run
// inside `taskstream all`.
//
// Each round locks the relay group's offsets row (SELECT ... FOR UPDATE), reads up to BatchSize
// rows after the acknowledged position in (transaction_id, offset) order, publishes them to the
// broker in one batch, moves the position past them and deletes them (or, with a Retention, the
// ones older than it), and commits. Rows are read only below the oldest running transaction
// (transaction_id < pg_snapshot_xmin), as watermill-sql's own subscriber does, so a transaction
// that commits late is never skipped. The lock makes concurrent relays take turns, which keeps
// the order; a relay that dies mid-round leaves the position where it was, so the next round
// publishes the batch again: events are delivered at least once, never lost.
//
// It reads the tables of watermill-sql's DefaultPostgreSQLSchema and DefaultPostgreSQLOffsetsAdapter
// itself instead of using Watermill's SQL subscriber and Forwarder, which hand over and publish
// one message per round trip (see docs/adr/0006 and make bench for the difference).
type Relay struct {
	db        *sql.DB
	cfg       RelayConfig
	lastClean time.Time
}

// NewRelay returns a relay of db's outbox.
func NewRelay(db *sql.DB, cfg RelayConfig) (*Relay, error) {
	if db == nil {
		return nil, errors.New("relay: nil database")
	}
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Relay{db: db, cfg: cfg}, nil
}

// Run forwards until ctx is done. A failing round (database or broker down) is retried with
// backoff; Run returns nil once ctx is done (the round in hand is abandoned and its rows are
// forwarded again by the next relay).
func (r *Relay) Run(ctx context.Context) error {
	wait := time.Duration(0)
	backoff := r.cfg.PollInterval
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		n, err := r.Round(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			r.cfg.Logger.Warn("outbox relay: round failed, retrying", "error", err, "retry_in", backoff)
			wait, backoff = backoff, min(backoff*2, r.cfg.MaxBackoff)
		case n == r.cfg.BatchSize:
			wait, backoff = 0, r.cfg.PollInterval
		default:
			wait, backoff = r.cfg.PollInterval, r.cfg.PollInterval
		}
	}
}

// Round forwards one batch and reports how many rows it forwarded.
func (r *Relay) Round(ctx context.Context) (int, error) {
	start := time.Now()
	tx, err := r.db.BeginTx(ctx, nil) // read committed: after waiting for the lock, see the new position
	if err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	pos, err := lockPosition(ctx, tx)
	if err != nil {
		return 0, err
	}
	rows, created, last, err := r.read(ctx, tx, pos)
	if err != nil || len(rows) == 0 {
		return 0, errors.Join(err, r.clean(ctx, tx, pos, pos, false), tx.Commit())
	}
	if err := r.publish(ctx, rows); err != nil {
		return 0, fmt.Errorf("publish %d messages: %w", len(rows), err)
	}
	r.observeLatency(created)
	if _, err := tx.ExecContext(ctx, relayAckQuery, RelayGroup, last.offset, last.txID); err != nil {
		return 0, fmt.Errorf("move the relay position: %w", err)
	}
	if err := r.clean(ctx, tx, pos, last, true); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit the relay position: %w", err)
	}
	if r.cfg.Observe != nil {
		r.cfg.Observe(len(rows), time.Since(start))
	}
	return len(rows), nil
}

// publish sends the round's rows within PublishTimeout.
func (r *Relay) publish(ctx context.Context, rows []envelope.Routed) error {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.PublishTimeout)
	defer cancel()
	end := startPublishSpans(ctx, rows)
	err := r.cfg.Publisher.PublishBatch(ctx, rows)
	end(err)
	return err
}

// position is a place in the outbox's (transaction_id, offset) order. The transaction id is
// kept as text: database/sql has no uint64 xid8 type, and PostgreSQL casts it back exactly.
type position struct {
	offset int64
	txID   string
}

// lockPosition locks the relay group's row and returns its position, registering the group
// first when it has no row yet.
func lockPosition(ctx context.Context, tx *sql.Tx) (position, error) {
	var pos position
	err := tx.QueryRowContext(ctx, relayLockQuery, RelayGroup).Scan(&pos.offset, &pos.txID)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := tx.ExecContext(ctx, relayJoinQuery, RelayGroup); err != nil {
			return pos, fmt.Errorf("register the relay group: %w", err)
		}
		err = tx.QueryRowContext(ctx, relayLockQuery, RelayGroup).Scan(&pos.offset, &pos.txID)
	}
	if err != nil {
		return pos, fmt.Errorf("lock the relay position: %w", err)
	}
	return pos, nil
}

// read returns the next rows after pos, unwrapped from their envelopes, when each was written,
// and the last row's position.
func (r *Relay) read(ctx context.Context, tx *sql.Tx, pos position) ([]envelope.Routed, []time.Time, position, error) {
	rs, err := tx.QueryContext(ctx, relaySelectQuery, pos.txID, pos.offset, r.cfg.BatchSize)
	if err != nil {
		return nil, nil, pos, fmt.Errorf("read the outbox: %w", err)
	}
	defer func() { _ = rs.Close() }()
	var (
		out     []envelope.Routed
		created []time.Time
	)
	for rs.Next() {
		var uuid string
		var payload, metadata []byte
		var at time.Time
		if err := rs.Scan(&pos.offset, &pos.txID, &uuid, &payload, &metadata, &at); err != nil {
			return nil, nil, pos, fmt.Errorf("scan an outbox row: %w", err)
		}
		out = append(out, r.unwrap(uuid, payload, metadata))
		created = append(created, at)
	}
	return out, created, pos, rs.Err()
}

// forwarderEnvelope is the Forwarder's envelope (watermill components/forwarder, unexported
// there): the destination topic and the message. Its JSON form is what forwarder.NewPublisher
// writes.
type forwarderEnvelope struct {
	DestinationTopic string            `json:"destination_topic"`
	UUID             string            `json:"uuid"`
	Payload          []byte            `json:"payload"`
	Metadata         map[string]string `json:"metadata"`
}

// unwrap takes the message out of its envelope. A row that is not an envelope goes to the
// poison topic as it is, with the reason, so that it neither blocks the outbox nor is lost.
func (r *Relay) unwrap(uuid string, payload, metadata []byte) envelope.Routed {
	var e forwarderEnvelope
	err := json.Unmarshal(payload, &e)
	if err == nil && e.DestinationTopic == "" {
		err = errors.New("no destination topic")
	}
	if err == nil {
		msg := message.NewMessage(e.UUID, e.Payload)
		msg.Metadata = e.Metadata
		return envelope.Routed{Topic: e.DestinationTopic, Message: msg}
	}
	msg := message.NewMessage(uuid, payload)
	_ = json.Unmarshal(metadata, &msg.Metadata)
	if msg.Metadata == nil {
		msg.Metadata = message.Metadata{}
	}
	envelope.MarkPoisoned(msg, "outbox row is not a Forwarder envelope: "+err.Error(), Topic, "outbox-relay", RelayGroup)
	r.cfg.Logger.Error("outbox relay: parking an outbox row that is not an envelope", "uuid", uuid, "error", err)
	return envelope.Routed{Topic: r.cfg.PoisonTopic, Message: msg}
}

// cleanInterval is how often forwarded rows are looked at when no batch ran: those kept for a
// Retention, or left by an earlier one.
const cleanInterval = 10 * time.Second

// clean deletes forwarded rows. Without a Retention it deletes the batch just forwarded, the rows
// after from up to upTo: the rows before were deleted by the rounds that forwarded them, and a
// range open at the start would walk their dead index entries and heap tuples, which pile up
// until a vacuum, in every round (or the planner picks a scan of the whole table). Every
// cleanInterval without a batch it deletes everything up to upTo once, for rows kept under an
// earlier Retention. With a Retention it deletes the rows up to upTo older than it (at most
// every cleanInterval unless a batch was just forwarded).
func (r *Relay) clean(ctx context.Context, tx *sql.Tx, from, upTo position, forwarded bool) error {
	var err error
	switch {
	case r.cfg.Retention == 0 && forwarded:
		_, err = tx.ExecContext(ctx, relayDeleteQuery, from.txID, from.offset, upTo.txID, upTo.offset)
	case r.cfg.Retention == 0 && time.Since(r.lastClean) > cleanInterval:
		r.lastClean = time.Now()
		_, err = tx.ExecContext(ctx, relayDeleteQuery, "0", 0, upTo.txID, upTo.offset)
	case r.cfg.Retention > 0 && (forwarded || time.Since(r.lastClean) > cleanInterval):
		r.lastClean = time.Now()
		_, err = tx.ExecContext(ctx, relayExpireQuery, upTo.txID, upTo.offset, r.cfg.Retention.Seconds())
	}
	if err != nil {
		return fmt.Errorf("delete forwarded outbox rows: %w", err)
	}
	return nil
}

// positionQuery reads the relay group's position; a group without a row is at the start.
const positionQuery = `SELECT offset_acked, last_processed_transaction_id::text
	FROM "watermill_offsets_outbox" WHERE consumer_group = $1`

// The relay's statements. They name watermill-sql's tables for topic "outbox", which sqlc cannot
// express (quoted names, xid8 and row comparisons), so they are written here.
//
// relaySelectQuery orders by the table's columns, qualified: a bare "transaction_id" in ORDER BY
// would name the output column transaction_id::text, which sorts xids as text ("100000" before
// "99999", so a batch could skip rows) and cannot use the primary key, so every round read and
// sorted the whole backlog (334 ms for a round of 1,000 rows over 200,000, against 3 ms).
const (
	relayJoinQuery = `INSERT INTO "watermill_offsets_outbox" (consumer_group, offset_acked, last_processed_transaction_id)
		VALUES ($1, 0, '0') ON CONFLICT DO NOTHING`
	relayLockQuery   = positionQuery + ` FOR UPDATE`
	relaySelectQuery = `SELECT "offset", transaction_id::text, uuid, payload, metadata,
		    created_at AT TIME ZONE current_setting('TimeZone')
		FROM "watermill_outbox"
		WHERE (transaction_id, "offset") > ($1::text::xid8, $2)
		  AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
		ORDER BY "watermill_outbox".transaction_id, "watermill_outbox"."offset"
		LIMIT $3`
	relayAckQuery = `UPDATE "watermill_offsets_outbox"
		SET offset_acked = $2, last_processed_transaction_id = $3::text::xid8 WHERE consumer_group = $1`
	relayDeleteQuery = `DELETE FROM "watermill_outbox"
		WHERE (transaction_id, "offset") > ($1::text::xid8, $2) AND (transaction_id, "offset") <= ($3::text::xid8, $4)`
	relayExpireQuery = `DELETE FROM "watermill_outbox"
		WHERE (transaction_id, "offset") <= ($1::text::xid8, $2) AND created_at < LOCALTIMESTAMP - make_interval(secs => $3)`
)
