package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/pgpubsub"
	"github.com/taskstream/taskstream/adapters/postgres/internal/db"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/platform/envelope"
)

// ReminderConfig configures a ReminderScheduler.
type ReminderConfig struct {
	// Window is how long before its due time a task gets its due-soon reminder (REMINDER_WINDOW).
	// 0 turns the reminders off: Run then only logs that.
	Window time.Duration
	// Interval is how often Run looks (REMINDER_INTERVAL). Defaults to a minute.
	Interval time.Duration
	// Channels are the channels every reminder asks for. Defaults to in_app.
	Channels []notification.Channel
	// Topic receives the notification.requested events. Defaults to "notification.request".
	Topic string
	// Outbox says how the events are written, as for the task store (the zero value: Forwarder
	// envelopes in watermill_outbox, for the relay).
	Outbox outbox.Config
	// BatchSize bounds the reminders of one transaction; a round takes batches until one is not
	// full. Defaults to 500.
	BatchSize int
	// OverdueLookback is how long after its due time a task still gets its overdue reminder
	// (when the scheduler did not run then). It bounds what each round reads: tasks left
	// overdue for longer are not looked at again. Defaults to OverdueLookback.
	OverdueLookback time.Duration
	// Logger receives Run's reports. Defaults to slog.Default().
	Logger *slog.Logger
}

func (c *ReminderConfig) setDefaults() {
	if c.Interval <= 0 {
		c.Interval = time.Minute
	}
	if len(c.Channels) == 0 {
		c.Channels = []notification.Channel{notification.ChannelInApp}
	}
	if c.Topic == "" {
		c.Topic = "notification.request"
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 500
	}
	if c.OverdueLookback <= 0 {
		c.OverdueLookback = OverdueLookback
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Validate reports what is wrong with the configuration after defaults are applied.
func (c ReminderConfig) Validate() error {
	errs := []error{pgpubsub.ValidateTopic("notification request topic", c.Topic), c.Outbox.Validate()}
	if c.Window < 0 {
		errs = append(errs, fmt.Errorf("reminder window %v is negative", c.Window))
	}
	for _, ch := range c.Channels {
		if ch != notification.ChannelInApp && ch != notification.ChannelEmail && ch != notification.ChannelSMS {
			errs = append(errs, fmt.Errorf("reminder channel %q is not in_app, email or sms", ch))
		}
	}
	return errors.Join(errs...)
}

// ReminderScheduler emits the deadline reminders of tasks: a notification.requested event when
// a task that is not done comes within Window of its due time (task.due_soon), and when its due
// time has passed (task.overdue). Each reminder is emitted once per task, kind and due time, by
// whichever scheduler inserts its row in task_reminders; the row and the event commit together,
// so several schedulers (one per worker process) never emit one twice, and a crash never loses
// one. A moved deadline reminds again. It is safe for concurrent use.
type ReminderScheduler struct {
	db     *sql.DB
	q      *db.Queries
	cfg    ReminderConfig
	outbox eventWriter
}

// NewReminderScheduler returns a scheduler on conn, a pool opened with Open.
func NewReminderScheduler(conn *sql.DB, cfg ReminderConfig) (*ReminderScheduler, error) {
	if conn == nil {
		return nil, errors.New("postgres: nil *sql.DB for ReminderScheduler")
	}
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("postgres: reminder scheduler: %w", err)
	}
	w, err := newEventWriter(cfg.Outbox)
	if err != nil {
		return nil, err
	}
	return &ReminderScheduler{db: conn, q: db.New(conn), cfg: cfg, outbox: w}, nil
}

// Run emits the due reminders at once and then every Interval, until ctx is done. A failed
// round is logged and tried again at the next tick. With a Window of 0 it only logs that the
// reminders are off and waits for ctx.
func (s *ReminderScheduler) Run(ctx context.Context) error {
	log := s.cfg.Logger
	if s.cfg.Window == 0 {
		log.InfoContext(ctx, "task reminders are off (REMINDER_WINDOW is 0)")
		<-ctx.Done()
		return nil
	}
	tick := time.NewTicker(s.cfg.Interval)
	defer tick.Stop()
	for {
		n, err := s.Round(ctx, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			log.WarnContext(ctx, "emitting task reminders failed; will try again", "error", err, "emitted", n)
		case n > 0:
			log.InfoContext(ctx, "emitted task reminders", "count", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// Round emits the reminders due at now, in transactions of up to BatchSize reminders, and
// reports how many it emitted; reminders another scheduler emitted meanwhile are not counted.
// A Window of 0 emits none.
func (s *ReminderScheduler) Round(ctx context.Context, now time.Time) (int, error) {
	if s.cfg.Window == 0 {
		return 0, nil
	}
	total := 0
	for {
		seen, emitted, err := s.batch(ctx, now)
		total += emitted
		if err != nil || seen < s.cfg.BatchSize {
			return total, err
		}
	}
}

// batch claims up to BatchSize reminders and writes the events of those it claimed in one
// transaction. It reports how many reminders it saw due and how many it emitted.
func (s *ReminderScheduler) batch(ctx context.Context, now time.Time) (seen, emitted int, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, dbError("begin task reminders", err)
	}
	defer func() { _ = tx.Rollback() }()

	rows, err := s.q.WithTx(tx).ClaimTaskReminders(ctx, db.ClaimTaskRemindersParams{
		Now: now, OverdueAfter: now.Add(-s.cfg.OverdueLookback), SoonBefore: now.Add(s.cfg.Window),
		BatchSize: int32(s.cfg.BatchSize), //nolint:gosec // BatchSize is a configured count
	})
	if err != nil {
		return 0, 0, dbError("claim task reminders", err)
	}
	msgs := make([]envelope.Routed, 0, len(rows))
	for _, r := range rows {
		if !r.Claimed {
			continue
		}
		m, err := messages.NotificationRequested(reminder(r, s.cfg.Channels, now), shared.EventMeta{}, s.cfg.Topic)
		if err != nil {
			return 0, 0, err
		}
		msgs = append(msgs, m)
	}
	if len(msgs) > 0 {
		if err := s.outbox.write(ctx, tx, msgs); err != nil {
			return 0, 0, err
		}
		if err := tx.Commit(); err != nil {
			return 0, 0, dbError("commit task reminders", err)
		}
	}
	return len(rows), len(msgs), nil
}

// OverdueLookback is the default ReminderConfig.OverdueLookback: a week.
const OverdueLookback = 7 * 24 * time.Hour

// reminderNamespace is the UUIDv5 namespace of reminder notification ids.
var reminderNamespace = uuid.NewSHA1(uuid.NameSpaceOID, []byte("taskstream.task-reminder"))

// ReminderID is the notification id of the reminder of kind for the task's due time: the same
// for every emission of that reminder, so even a replayed one is one notification.
func ReminderID(taskID, kind string, dueAt time.Time) string {
	key := taskID + "|" + kind + "|" + dueAt.UTC().Format(time.RFC3339Nano)
	return uuid.NewSHA1(reminderNamespace, []byte(key)).String()
}

// reminder is the notification request of a claimed reminder.
func reminder(r db.ClaimTaskRemindersRow, channels []notification.Channel, now time.Time) notification.Requested {
	due := r.DueAt.Time.UTC()
	prefix, message := "Task due soon: ", fmt.Sprintf("%q is due at %s.", r.Title, due.Format("2006-01-02 15:04 MST"))
	if r.Kind == notification.TypeTaskOverdue {
		prefix, message = "Task overdue: ", fmt.Sprintf("%q was due at %s.", r.Title, due.Format("2006-01-02 15:04 MST"))
	}
	// A task's title may be as long as a notification's: the prefix must not push it over.
	title := prefix + notification.Shorten(r.Title, notification.MaxTitleRunes-utf8.RuneCountInString(prefix))
	return notification.Requested{
		ID: ReminderID(r.ID.String(), r.Kind, due), UserID: r.UserID, TaskID: r.ID.String(), Type: r.Kind,
		Title: title, Message: message, Channels: append([]notification.Channel(nil), channels...),
		RequestedAt: now.UTC(),
	}
}
