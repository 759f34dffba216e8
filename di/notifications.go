package di

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/adapters/memory"
	"github.com/taskstream/taskstream/adapters/metrics"
	"github.com/taskstream/taskstream/adapters/notify"
	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/application"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/platform/live"
	"github.com/taskstream/taskstream/ports/messaging"
	"github.com/taskstream/taskstream/ports/schedule"
)

// notificationStores are the notification context's storage: the store the notification-service
// and the read commands write, and the reader of the list.
type notificationStores struct {
	Store  notification.Repository
	Reader query.NotificationReader
}

// provideNotificationStores is the notification store: on PostgreSQL it writes each stored
// notification's created event through the outbox (straight to the topic table with
// BROKER=postgres), in memory it publishes it on the broker, as the task store does.
func provideNotificationStores(db *sql.DB, b broker.Broker, cfg config.Config) (notificationStores, error) {
	if db == nil {
		store, err := memory.NewNotificationStore(b.Publisher(), cfg.Topics.NotificationCreated)
		if err != nil {
			return notificationStores{}, err
		}
		return notificationStores{Store: store, Reader: store}, nil
	}
	store, err := postgres.NewNotificationStore(db, postgres.NotificationStoreConfig{
		ConsumerGroup: cfg.Groups.Notification, Topic: cfg.Topics.NotificationCreated, Outbox: outboxConfig(cfg),
	})
	if err != nil {
		return notificationStores{}, err
	}
	return notificationStores{Store: store, Reader: store}, nil
}

// provideNotificationDelivery is how the notification-service sends: the SMTP and SMS webhook
// senders (adapters/notify; a channel whose setting is missing fails every send with that
// reason), and as many attempts per channel as the consumer makes (the first and
// CONSUMER_MAX_RETRIES retries), so the last retry fails the channel with its reason instead of
// parking the message.
func provideNotificationDelivery(cfg config.Config) (command.NotificationDelivery, error) {
	email, sms, err := notify.NewSenders(smtpConfig(cfg.Notify), webhookConfig(cfg.Notify))
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

// provideReminders is the deadline-reminder scheduler (a worker part), on PostgreSQL and in
// memory alike, unless REMINDER_WINDOW is 0. Several workers may run it; the claimer makes each
// reminder once.
func provideReminders(cfg config.Config, app application.Application, logger *slog.Logger) ([]Worker, error) {
	if cfg.Reminders.Window == 0 {
		logger.Info("task reminders are off (REMINDER_WINDOW is 0)")
		return nil, nil
	}
	log := logger.With("worker", schedule.DeadlineRemindersName)
	job := schedule.NewDeadlineReminders(app.Commands.EmitDeadlineReminders, log)
	sc := schedule.Config{Name: schedule.DeadlineRemindersName, Interval: cfg.Reminders.Interval, Logger: log}
	if err := sc.Validate(); err != nil {
		return nil, fmt.Errorf("REMINDER_INTERVAL: %w", err)
	}
	return []Worker{{Name: schedule.DeadlineRemindersName, Part: PartWorker, Run: func(ctx context.Context) error {
		return schedule.Run(ctx, job.Run, sc)
	}}}, nil
}

// testScoredNamespace is the UUID namespace of the ids of test-scored notifications. Changing it
// would notify again of results already notified.
var testScoredNamespace = uuid.MustParse("3c0f5b8e-2d71-4f0a-9b6e-7a4d1c9e5f21")

// namedID is a name-based UUID (version 5) in testScoredNamespace.
func namedID(name string) string {
	return uuid.NewSHA1(testScoredNamespace, []byte(name)).String()
}

// provideNotificationWorkers are the notification-service's consumers, both in its group: the
// notification requests, and the scored tests it tells their users about; and on every API
// instance the live push of new in-app notifications, which reads notification.created (the
// store's event of each stored notification) from the newest message on in a group of its own
// (as task-updates), so a user's WebSocket on any instance gets them wherever the
// notification-service runs.
func provideNotificationWorkers(cfg config.Config, b broker.Broker, app application.Application, hub *live.Hub, logger *slog.Logger, m *metrics.Prometheus) []Worker {
	h := messaging.NewNotifications(app.Commands.HandleNotificationRequest, app.Commands.NotifyQuizScored)
	push := messaging.NewNotificationPush(hub, logger.With("worker", messaging.NotificationPushHandlerName))
	instance := cfg.Groups.WebSocket + "-notifications-" + instanceID()
	consumers := []struct {
		part, group string
		from        broker.Start
		c           messaging.Consumer
	}{
		{PartWorker, cfg.Groups.Notification, broker.Oldest, messaging.Consumer{
			Name: messaging.NotificationRequestsHandlerName, Topic: cfg.Topics.NotificationRequest, Handle: h.HandleRequest}},
		{PartWorker, cfg.Groups.Notification, broker.Oldest, messaging.Consumer{
			Name: messaging.NotificationTestResultsHandlerName, Topic: cfg.Topics.TestResultsReady, Handle: h.HandleScored}},
		{PartAPI, instance, broker.Newest, messaging.Consumer{
			Name: messaging.NotificationPushHandlerName, Topic: cfg.Topics.NotificationCreated, Handle: push.Handle}},
	}
	workers := make([]Worker, 0, len(consumers))
	for _, c := range consumers {
		workers = append(workers, provideConsumer(cfg, b, logger, m, c.part, c.group, c.from, c.c))
	}
	return workers
}

// smtpConfig maps the SMTP_* and NOTIFY_TIMEOUT settings onto the email sender's configuration.
func smtpConfig(c config.Notify) notify.SMTPConfig {
	return notify.SMTPConfig{
		Host: c.SMTP.Host, Port: c.SMTP.Port, TLS: c.SMTP.TLS,
		Username: c.SMTP.Username, Password: c.SMTP.Password, From: c.SMTP.From,
		Timeout: c.Timeout,
	}
}

// webhookConfig maps the SMS_WEBHOOK_* and NOTIFY_TIMEOUT settings onto the SMS sender's.
func webhookConfig(c config.Notify) notify.WebhookConfig {
	return notify.WebhookConfig{URL: c.SMSURL, Token: c.SMSToken, Timeout: c.Timeout}
}
