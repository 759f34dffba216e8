package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/pgpubsub"
	"github.com/taskstream/taskstream/adapters/postgres/internal/db"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/task"
)

// ReminderStoreConfig configures a ReminderStore. The zero value is the default.
type ReminderStoreConfig struct {
	// Topic receives the notification.requested events. Defaults to "notification.request".
	Topic string
	// Outbox says how the events are written, as for the task store (the zero value: Forwarder
	// envelopes in watermill_outbox, for the relay).
	Outbox outbox.Config
}

func (c *ReminderStoreConfig) setDefaults() {
	if c.Topic == "" {
		c.Topic = "notification.request"
	}
}

// Validate reports what is wrong with the configuration after defaults are applied.
func (c ReminderStoreConfig) Validate() error {
	return errors.Join(pgpubsub.ValidateTopic("notification request topic", c.Topic), c.Outbox.Validate())
}

// ReminderStore is the command.ReminderClaimer on PostgreSQL: it claims a reminder by inserting
// its key (task, kind, due time) into task_reminders and writes its notification.requested
// event to the outbox in the same transaction. Only the scheduler whose insert took the key
// emits the event, so several schedulers (one per worker process) never emit a reminder twice,
// and a crash never loses one: the claim and the event commit together. It is safe for
// concurrent use.
type ReminderStore struct {
	db     *sql.DB
	q      *db.Queries
	topic  string
	outbox eventWriter
}

var _ command.ReminderClaimer = (*ReminderStore)(nil)

// NewReminderStore returns a store on conn, a pool opened with Open.
func NewReminderStore(conn *sql.DB, cfg ReminderStoreConfig) (*ReminderStore, error) {
	if conn == nil {
		return nil, errors.New("postgres: nil *sql.DB for ReminderStore")
	}
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("postgres: reminder store: %w", err)
	}
	w, err := newEventWriter(cfg.Outbox)
	if err != nil {
		return nil, err
	}
	return &ReminderStore{db: conn, q: db.New(conn), topic: cfg.Topic, outbox: w}, nil
}

// ClaimReminders reads the batch's candidates (ListReminderCandidates), lets decide pick their
// reminders, claims them (ClaimTaskReminders) and writes the events of those it claimed, all in
// one transaction. A batch that claims nothing commits nothing.
func (s *ReminderStore) ClaimReminders(ctx context.Context, r task.ReminderRange, limit int, decide command.DecideReminder) (int, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, dbError("begin task reminders", err)
	}
	defer func() { _ = tx.Rollback() }()

	q := s.q.WithTx(tx)
	rows, err := q.ListReminderCandidates(ctx, db.ListReminderCandidatesParams{
		DueFrom: r.From, DueUntil: r.Until, Kind: r.Kind.String(),
		BatchSize: int32(limit), //nolint:gosec // limit is a configured batch size
	})
	if err != nil {
		return 0, dbError("list reminder candidates", err)
	}
	decided, err := decideAll(rows, decide)
	if err != nil || len(decided) == 0 {
		return 0, err
	}
	claimed, err := q.ClaimTaskReminders(ctx, toDBClaims(decided))
	if err != nil {
		return 0, dbError("claim task reminders", err)
	}
	msgs, err := reminderMessages(decided, claimed, s.topic)
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	if err := s.outbox.write(ctx, tx, msgs); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, commitError("commit task reminders", err)
	}
	return len(msgs), nil
}
