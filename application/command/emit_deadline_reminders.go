package command

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/task"
)

// EmitDeadlineReminders is one round of deadline reminders at At: every task that gets a
// reminder then (task.ReminderPolicy) and has not had it yet gets a notification.requested
// event. A scheduler runs it every REMINDER_INTERVAL (ports/schedule).
type EmitDeadlineReminders struct {
	At time.Time
}

// DeadlineRemindersEmitted is how many reminders the round emitted; those another scheduler
// emitted meanwhile are not counted.
type DeadlineRemindersEmitted struct {
	Emitted int
}

// EmitDeadlineRemindersHandler handles EmitDeadlineReminders. It bridges the two contexts: the
// task context decides which reminder a task gets, the notification context words it. Several
// schedulers may run it at once; the ReminderClaimer makes each reminder once.
type EmitDeadlineRemindersHandler decorator.Handler[EmitDeadlineReminders, DeadlineRemindersEmitted]

// DeadlineReminderConfig configures EmitDeadlineReminders.
type DeadlineReminderConfig struct {
	// Policy says which reminder a task gets when (REMINDER_WINDOW and task.OverdueLookback). A
	// policy that is off (the zero value) emits nothing.
	Policy task.ReminderPolicy
	// Channels are the channels every reminder asks for (REMINDER_CHANNELS). Defaults to in_app.
	Channels []notification.Channel
	// BatchSize bounds the reminders of one claim, one transaction; a round claims batches
	// until one is not full. Defaults to 500.
	BatchSize int
}

func (c *DeadlineReminderConfig) setDefaults() {
	if len(c.Channels) == 0 {
		c.Channels = []notification.Channel{notification.ChannelInApp}
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 500
	}
}

// Validate reports what is wrong with the configuration after defaults are applied: channels
// the notification-service would refuse (unknown, or named twice).
func (c DeadlineReminderConfig) Validate() error {
	c.setDefaults()
	var errs []error
	for i, ch := range c.Channels {
		if !ch.Known() {
			errs = append(errs, fmt.Errorf("reminder channel %q is not in_app, email or sms", ch))
		}
		for _, before := range c.Channels[:i] {
			if before == ch {
				errs = append(errs, fmt.Errorf("reminder channel %q is named twice", ch))
			}
		}
	}
	return errors.Join(errs...)
}

type emitDeadlineRemindersHandler struct {
	claims ReminderClaimer
	cfg    DeadlineReminderConfig
}

// NewEmitDeadlineRemindersHandler returns the EmitDeadlineReminders use case. It panics on a
// nil claimer or a configuration that does not validate.
func NewEmitDeadlineRemindersHandler(claims ReminderClaimer, cfg DeadlineReminderConfig) decorator.Handler[EmitDeadlineReminders, DeadlineRemindersEmitted] {
	if claims == nil {
		panic("command: nil dependency for EmitDeadlineReminders")
	}
	if err := cfg.Validate(); err != nil {
		panic(fmt.Sprintf("command: EmitDeadlineReminders: %v", err))
	}
	cfg.setDefaults()
	return emitDeadlineRemindersHandler{claims: claims, cfg: cfg}
}

func (h emitDeadlineRemindersHandler) Handle(ctx context.Context, cmd EmitDeadlineReminders) (DeadlineRemindersEmitted, error) {
	var out DeadlineRemindersEmitted
	for _, r := range h.cfg.Policy.Ranges(cmd.At) {
		n, err := h.emitRange(ctx, r, cmd.At)
		out.Emitted += n
		if err != nil {
			return out, fmt.Errorf("emit %s reminders: %w", r.Kind, err)
		}
	}
	return out, nil
}

// emitRange claims the reminders of one range, a batch at a time, until a batch is not full.
// A full batch goes on only when every task in it got a reminder, now claimed by this round or
// another: a task the rules declined would be looked at first again, so the round stops there.
func (h emitDeadlineRemindersHandler) emitRange(ctx context.Context, r task.ReminderRange, at time.Time) (int, error) {
	total := 0
	for {
		seen, decided := 0, 0
		n, err := h.claims.ClaimReminders(ctx, r, h.cfg.BatchSize, func(t *task.Task) (*DueReminder, error) {
			seen++
			d, decideErr := h.decide(t, at)
			if d != nil {
				decided++
			}
			return d, decideErr
		})
		total += n
		if err != nil || seen < h.cfg.BatchSize || decided < seen {
			return total, err
		}
	}
}

// decide returns the reminder t gets at at with its notification request, nil when none.
func (h emitDeadlineRemindersHandler) decide(t *task.Task, at time.Time) (*DueReminder, error) {
	rem, ok := h.cfg.Policy.ReminderAt(t, at)
	if !ok {
		return nil, nil
	}
	req, err := notification.Reminder{
		Type: reminderType(rem.Kind), TaskID: t.ID(), UserID: string(t.UserID()), TaskTitle: t.Title(), DueAt: rem.DueAt,
	}.Request(h.cfg.Channels, at)
	if err != nil {
		return nil, err
	}
	return &DueReminder{Reminder: rem, Request: req}, nil
}

// reminderType is the notification type of a reminder kind ("" for none: Request refuses it).
func reminderType(k task.ReminderKind) string {
	switch k {
	case task.ReminderDueSoon:
		return notification.TypeTaskDueSoon
	case task.ReminderOverdue:
		return notification.TypeTaskOverdue
	}
	return ""
}

// ReminderClaimer claims deadline reminders over the stored tasks and emits their notification
// requests (adapters/postgres.ReminderStore, adapters/memory.ReminderStore). The claimer owns
// the transaction and calls back into the use case for the rules, as task.Repository.Change
// does.
type ReminderClaimer interface {
	// ClaimReminders looks at up to limit tasks that are not done, are due in r and have no
	// claimed reminder of r.Kind for their due time, earliest due first, and calls decide with
	// each. It then claims each reminder decide returned (nil: none) and emits its request,
	// only when the claim is its own: a reminder another caller claimed first is neither
	// emitted nor counted, so concurrent callers emit each reminder once per task, kind and
	// due time. Claims and requests are written together or not at all; an error from decide
	// writes nothing. It reports how many reminders it emitted.
	ClaimReminders(ctx context.Context, r task.ReminderRange, limit int, decide DecideReminder) (int, error)
}

// DecideReminder is the use case's rule a ReminderClaimer calls for each task it looked at: the
// reminder the task gets, nil when none.
type DecideReminder func(t *task.Task) (*DueReminder, error)

// DueReminder is a reminder the use case decided on: its identity, by which it is claimed (the
// key of task_reminders), and the notification request it emits.
type DueReminder struct {
	Reminder task.Reminder
	Request  notification.Requested
}
