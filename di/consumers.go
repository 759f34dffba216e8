package di

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/adapters/metrics"
	"github.com/taskstream/taskstream/application"
	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/platform/live"
	"github.com/taskstream/taskstream/ports/messaging"
)

// consumers are the consumers that apply events, each in its consumer group, shared by every
// worker process: the to-do ingest (todo), the audit trail (audit-service), the result
// calculator (result-calculator), analytics (analytics) and the notification-service's two.
func consumers(cfg config.Config, b broker.Broker, app application.Application, logger *slog.Logger, m *metrics.Prometheus) ([]Worker, error) {
	ingest, err := batchConsumer(cfg, b, logger, m, cfg.Groups.Todo, broker.BatchOptions{
		MaxRecords: cfg.Ingest.MaxRecords, MaxWait: cfg.Ingest.MaxWait, Linger: cfg.Ingest.Linger,
	}, messaging.BatchConsumer{
		Name: messaging.TodoIngestHandlerName, Topic: cfg.Topics.TodoCreate,
		Handle: messaging.NewTodoIngest(app.Commands.IngestTodos).Handle,
	})
	if err != nil {
		return nil, err
	}
	// The result calculator scores in batches: a batch per partition holds what arrived within
	// a few milliseconds, scored in one transaction, so a burst costs a transaction per batch
	// rather than per submission.
	results, err := batchConsumer(cfg, b, logger, m, cfg.Groups.Results, broker.BatchOptions{
		MaxRecords: 200, MaxWait: 50 * time.Millisecond, Linger: 5 * time.Millisecond,
	}, messaging.BatchConsumer{
		Name: messaging.ResultCalculatorHandlerName, Topic: cfg.Topics.TestSubmissions,
		Handle: messaging.NewResultCalculator(app.Commands.ScoreSubmissions, cfg.Results.Workers).Handle,
	})
	if err != nil {
		return nil, err
	}
	notifications := messaging.NewNotifications(app.Commands.HandleNotificationRequest, app.Commands.NotifyQuizScored)
	each := func(group string, c messaging.Consumer) Worker {
		return consumer(cfg, b, logger, m, group, broker.Oldest, c)
	}
	return []Worker{
		ingest,
		each(cfg.Groups.Audit, messaging.Consumer{Name: messaging.TaskAuditHandlerName, Topic: cfg.Topics.TaskEvents,
			Handle: messaging.NewTaskAudit(app.Commands.RecordTaskEvent).Handle}),
		results,
		each(cfg.Groups.Analytics, messaging.Consumer{Name: messaging.QuizAnalyticsHandlerName, Topic: cfg.Topics.TestResultsReady,
			Handle: messaging.NewQuizAnalytics(app.Commands.RecordQuizScore).Handle}),
		each(cfg.Groups.Notification, messaging.Consumer{Name: messaging.NotificationRequestsHandlerName,
			Topic: cfg.Topics.NotificationRequest, Handle: notifications.HandleRequest}),
		each(cfg.Groups.Notification, messaging.Consumer{Name: messaging.NotificationTestResultsHandlerName,
			Topic: cfg.Topics.TestResultsReady, Handle: notifications.HandleScored}),
	}, nil
}

// liveUpdates are the consumers every API instance runs for its own WebSocket clients: a user's
// connection may be on any instance, so each one reads every task change and every stored
// notification (notification.created, the store's event), from the newest message on, in a group
// of its own.
func liveUpdates(cfg config.Config, b broker.Broker, hub *live.Hub, logger *slog.Logger, m *metrics.Prometheus) []Worker {
	instance := instanceID()
	push := messaging.NewNotificationPush(hub, logger.With("worker", messaging.NotificationPushHandlerName))
	return []Worker{
		consumer(cfg, b, logger, m, cfg.Groups.WebSocket+"-"+instance, broker.Newest, messaging.Consumer{
			Name: messaging.TaskUpdatesHandlerName, Topic: cfg.Topics.TaskUpdates, Handle: messaging.NewTaskUpdates(hub).Handle}),
		consumer(cfg, b, logger, m, cfg.Groups.WebSocket+"-notifications-"+instance, broker.Newest, messaging.Consumer{
			Name: messaging.NotificationPushHandlerName, Topic: cfg.Topics.NotificationCreated, Handle: push.Handle}),
	}
}

// batchConsumer runs c for group on a batch subscriber of the broker.
func batchConsumer(cfg config.Config, b broker.Broker, logger *slog.Logger, m *metrics.Prometheus, group string,
	opts broker.BatchOptions, c messaging.BatchConsumer,
) (Worker, error) {
	policy := consumerPolicy(cfg, b, logger.With("worker", c.Name), m, group)
	opts.Drain = policy.Grace
	sub, err := b.BatchSubscriber(c.Topic, group, opts)
	if err != nil {
		return Worker{}, err
	}
	c.Subscriber = sub
	return Worker{Name: c.Name, Run: func(ctx context.Context) error { return messaging.RunBatches(ctx, c, policy) },
		Reads: broker.Subscription{Group: group, Topic: c.Topic}}, nil
}

// consumer runs c for group, one message at a time, starting at from when the group is new.
func consumer(cfg config.Config, b broker.Broker, logger *slog.Logger, m *metrics.Prometheus, group string, from broker.Start, c messaging.Consumer) Worker {
	policy := consumerPolicy(cfg, b, logger.With("consumer", c.Name, "group", group), m, group)
	return Worker{Name: c.Name, Run: func(ctx context.Context) error {
		sub, err := b.Subscriber(group, from)
		if err != nil {
			return err
		}
		c.Subscriber = sub
		return messaging.Run(ctx, c, policy)
	}, Reads: broker.Subscription{Group: group, Topic: c.Topic}}
}

// consumerPolicy is what every consumer of group does with a failing message (CONSUMER_*).
//
// The HTTP drain and then the message or batch in hand share SHUTDOWN_TIMEOUT; the consumer gets
// three quarters of it once the workers are told to stop. Should the two overrun the timeout,
// the process stops waiting and closes the pool and the producer under the worker: its
// uncommitted messages are delivered again, nothing is lost.
func consumerPolicy(cfg config.Config, b broker.Broker, logger *slog.Logger, m *metrics.Prometheus, group string) messaging.Policy {
	return messaging.Policy{
		Group: group, Poison: b.Publisher(), PoisonTopic: cfg.Topics.Poison,
		MaxRetries: cfg.Retry.MaxRetries, InitialBackoff: cfg.Retry.InitialInterval, MaxBackoff: cfg.Retry.MaxInterval,
		Grace: cfg.ShutdownTimeout * 3 / 4, TooLarge: b.TooLarge, Logger: logger, Metrics: m,
	}
}

// instanceID names this process among the API instances: the host name and a random part, so
// two processes on one host (or a restarted one) never share a group.
func instanceID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "host"
	}
	return host + "-" + uuid.NewString()[:8]
}
