package di

import (
	"database/sql"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/adapters/memory"
	"github.com/taskstream/taskstream/adapters/notify"
	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/application"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/platform/live"
	"github.com/taskstream/taskstream/ports/messaging"
)

// notificationStores are the notification context's storage: the store the notification-service
// and the read commands write, and the reader of the list.
type notificationStores struct {
	Store  notification.Repository
	Reader query.NotificationReader
}

func provideNotificationStores(db *sql.DB, cfg config.Config) (notificationStores, error) {
	if db == nil {
		store := memory.NewNotificationStore()
		return notificationStores{Store: store, Reader: store}, nil
	}
	store, err := postgres.NewNotificationStore(db, cfg.Groups.Notification)
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
	email, sms, err := notify.NewSenders(cfg.Notify)
	if err != nil {
		return command.NotificationDelivery{}, err
	}
	return command.NotificationDelivery{Email: email, SMS: sms, MaxAttempts: cfg.Retry.MaxRetries + 1}, nil
}

// provideReminders is the deadline-reminder scheduler (a worker part): with a database, and
// unless REMINDER_WINDOW is 0. Several workers may run it; the key of task_reminders makes each
// reminder once. The embedded default has none: its tasks are in memory.
func provideReminders(cfg config.Config, db *sql.DB, logger *slog.Logger) ([]Worker, error) {
	if cfg.Reminders.Window == 0 {
		return nil, nil
	}
	if db == nil {
		logger.Info("deadline reminders need DATABASE_URL: off in the embedded default")
		return nil, nil
	}
	channels := make([]notification.Channel, len(cfg.Reminders.Channels))
	for i, c := range cfg.Reminders.Channels {
		channels[i] = notification.Channel(c)
	}
	sched, err := postgres.NewReminderScheduler(db, postgres.ReminderConfig{
		Window: cfg.Reminders.Window, Interval: cfg.Reminders.Interval, Channels: channels,
		Topic: cfg.Topics.NotificationRequest, Outbox: outboxConfig(cfg), Logger: logger.With("worker", "task-reminders"),
	})
	if err != nil {
		return nil, err
	}
	return []Worker{{Name: "task-reminders", Part: PartWorker, Run: sched.Run}}, nil
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
// instance the live push of new in-app notifications, which reads both topics from the newest
// message on in a group of its own (as task-updates), so a user's WebSocket on any instance gets
// them wherever the notification-service runs.
func provideNotificationWorkers(cfg config.Config, b *broker.Broker, app application.Application, hub *live.Hub, logger *slog.Logger) ([]Worker, error) {
	h := messaging.NewNotifications(app.Commands.HandleNotificationRequest, app.Commands.NotifyQuizScored)
	push := messaging.NewNotificationPush(hub, namedID, time.Now, logger.With("worker", messaging.NotificationPushHandlerName))
	instance := cfg.Groups.WebSocket + "-notifications-" + instanceID()
	consumers := []struct {
		part, group string
		fromNewest  bool
		c           messaging.Consumer
	}{
		{PartWorker, cfg.Groups.Notification, false, messaging.Consumer{
			Name: messaging.NotificationRequestsHandlerName, Topic: cfg.Topics.NotificationRequest, Handle: h.HandleRequest}},
		{PartWorker, cfg.Groups.Notification, false, messaging.Consumer{
			Name: messaging.NotificationTestResultsHandlerName, Topic: cfg.Topics.TestResultsReady, Handle: h.HandleScored}},
		{PartAPI, instance, true, messaging.Consumer{
			Name: messaging.NotificationPushHandlerName, Topic: cfg.Topics.NotificationRequest, Handle: push.HandleRequest}},
		{PartAPI, instance, true, messaging.Consumer{
			Name: messaging.TestResultPushHandlerName, Topic: cfg.Topics.TestResultsReady, Handle: push.HandleScored}},
	}
	workers := make([]Worker, 0, len(consumers))
	for _, c := range consumers {
		w, err := provideConsumer(cfg, b, logger, c.part, c.group, c.fromNewest, c.c)
		if err != nil {
			return nil, err
		}
		workers = append(workers, w)
	}
	return workers, nil
}
