package di

import (
	"log/slog"

	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/adapters/notify"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// provideSources are the system's clock and ids. PostgreSQL keeps microseconds; so does the
// clock, so a 202 answer shows what GET will.
func provideSources() Sources {
	return Sources{
		Now:     func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		NewID:   func() string { return uuid.Must(uuid.NewV7()).String() },
		KeyedID: keyedID,
		NamedID: namedID,
	}
}

// idempotencyNamespace is the UUID namespace of the ids derived from idempotency keys. Changing
// it would give retries of requests already accepted a new id.
var idempotencyNamespace = uuid.MustParse("6f1d3c1e-8a4b-4c55-9a5e-3b7f0e2d9c41")

// keyedID is a name-based UUID (version 5) of the user and the key; user ids hold no NUL, so the
// separator keeps ("a", "b\x00c") and ("a\x00b", "c") apart.
func keyedID(user shared.UserID, key string) string {
	return uuid.NewSHA1(idempotencyNamespace, []byte(string(user)+"\x00"+key)).String()
}

// testScoredNamespace is the UUID namespace of the ids of quiz-scored notifications. Changing it
// would notify again of results already notified.
var testScoredNamespace = uuid.MustParse("3c0f5b8e-2d71-4f0a-9b6e-7a4d1c9e5f21")

// namedID is a name-based UUID (version 5) in testScoredNamespace.
func namedID(name string) string {
	return uuid.NewSHA1(testScoredNamespace, []byte(name)).String()
}

// provideTodoEvents publishes the to-do create events straight to the broker.
func provideTodoEvents(b broker.Broker, cfg config.Config) (command.TodoEvents, error) {
	return messages.NewTodoEvents(b.Publisher(), cfg.Topics.TodoCreate)
}

// provideNotificationDelivery is how the notification-service sends: the SMTP and SMS webhook
// senders (adapters/notify; a channel whose setting is missing fails every send with that
// reason), and as many attempts per channel as the consumer makes (the first and
// CONSUMER_MAX_RETRIES retries), so the last retry fails the channel with its reason instead of
// parking the message. The senders log each failed send with the provider's answer, redacted,
// on logger: users see only a category of it (notification's reasons).
func provideNotificationDelivery(cfg config.Config, logger *slog.Logger) (command.NotificationDelivery, error) {
	email, sms, err := notify.NewSenders(smtpConfig(cfg.Notify, logger), webhookConfig(cfg.Notify, logger))
	if err != nil {
		return command.NotificationDelivery{}, err
	}
	return command.NotificationDelivery{Email: email, SMS: sms, MaxAttempts: cfg.Retry.MaxRetries + 1}, nil
}

// provideDeadlineReminderConfig is what the deadline reminders follow: REMINDER_WINDOW (0 turns
// them off) with a week's look-back for overdue tasks, and REMINDER_CHANNELS.
func provideDeadlineReminderConfig(cfg config.Config) (command.DeadlineReminderConfig, error) {
	policy, err := task.NewReminderPolicy(cfg.Reminders.Window, task.OverdueLookback)
	if err != nil {
		return command.DeadlineReminderConfig{}, fmt.Errorf("REMINDER_WINDOW: %w", err)
	}
	channels := make([]notification.Channel, len(cfg.Reminders.Channels))
	for i, c := range cfg.Reminders.Channels {
		channels[i] = notification.Channel(c)
	}
	rc := command.DeadlineReminderConfig{Policy: policy, Channels: channels}
	if err := rc.Validate(); err != nil {
		return command.DeadlineReminderConfig{}, fmt.Errorf("REMINDER_CHANNELS: %w", err)
	}
	return rc, nil
}
