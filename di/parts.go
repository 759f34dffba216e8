package di

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/adapters/metrics"
	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/application"
	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/platform/live"
	"github.com/taskstream/taskstream/ports/schedule"
)

// Worker is a long-running part of a process. Run returns when ctx is cancelled, after the
// message or batch in hand.
type Worker struct {
	Name string
	Run  func(ctx context.Context) error
	// Reads is the group and topic of a consumer, whose lag /metrics reports; zero for the rest.
	Reads broker.Subscription
}

// workerParts are what `taskstream worker` runs: the consumers that apply events, the deadline
// reminders and, with PostgreSQL, the upkeep of the inbox and of the PostgreSQL pub/sub.
type workerParts []Worker

// apiParts are what runs beside the API in every API instance: its live updates.
type apiParts []Worker

// relayParts are what `taskstream relay` runs: the outbox relay, when events go through the
// outbox (not with BROKER=postgres, whose writers fill the topic tables themselves).
type relayParts []Worker

func provideWorkerParts(cfg config.Config, b broker.Broker, app application.Application, db *sql.DB,
	reg *prometheus.Registry, logger *slog.Logger, m *metrics.Prometheus,
) (workerParts, error) {
	parts, err := provideEmbeddedWorkerParts(cfg, b, app, reg, logger, m)
	if err != nil {
		return nil, err
	}
	parts = append(parts, Worker{Name: "inbox-pruner", Run: func(ctx context.Context) error {
		return postgres.RunInboxPruner(ctx, db, cfg.InboxRetention, logger.With("worker", "inbox-pruner"))
	}})
	if cfg.Broker == config.BrokerPostgres {
		// Every worker replica prunes; that is harmless (a row is deleted once) and needs no leader.
		parts = append(parts, Worker{Name: "broker-retention", Run: b.Run})
	}
	return parts, nil
}

// provideEmbeddedWorkerParts are the worker parts of the embedded default: no inbox (the memory
// stores apply an event once by themselves) and no pub/sub tables to prune.
func provideEmbeddedWorkerParts(cfg config.Config, b broker.Broker, app application.Application,
	reg *prometheus.Registry, logger *slog.Logger, m *metrics.Prometheus,
) (workerParts, error) {
	parts, err := consumers(cfg, b, app, logger, m)
	if err != nil {
		return nil, err
	}
	if err := registerConsumerLag(b, parts, reg, logger); err != nil {
		return nil, err
	}
	reminders, err := deadlineReminders(cfg, app, logger)
	if err != nil {
		return nil, err
	}
	return append(parts, reminders...), nil
}

func provideAPIParts(cfg config.Config, b broker.Broker, hub *live.Hub, logger *slog.Logger, m *metrics.Prometheus) apiParts {
	return liveUpdates(cfg, b, hub, logger, m)
}

// deadlineReminders is the deadline-reminder schedule (a worker part), on PostgreSQL and in
// memory alike, unless REMINDER_WINDOW is 0. Several workers may run it; the claimer makes each
// reminder once.
func deadlineReminders(cfg config.Config, app application.Application, logger *slog.Logger) ([]Worker, error) {
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
	return []Worker{{Name: schedule.DeadlineRemindersName, Run: func(ctx context.Context) error {
		return schedule.Run(ctx, job.Run, sc)
	}}}, nil
}

// provideRelayParts forwards the outbox to the broker and counts what it forwarded on /metrics;
// none when events do not go through the outbox.
func provideRelayParts(cfg config.Config, b broker.Broker, db *sql.DB, reg *prometheus.Registry, logger *slog.Logger) (relayParts, error) {
	if !cfg.RelayNeeded() {
		return nil, nil
	}
	rm, err := outbox.NewRelayMetrics(reg)
	if err != nil {
		return nil, err
	}
	rc := outbox.RelayConfig{
		PoisonTopic:  cfg.Topics.Poison,
		BatchSize:    cfg.Relay.BatchSize,
		PollInterval: cfg.Relay.PollInterval,
		Retention:    cfg.Relay.Retention,
		Logger:       logger.With("worker", "outbox-relay"),
		Observe:      rm.Observe,
		// The commit-to-publish stage of an event's way (taskstream_outbox_relay_latency_seconds).
		ObserveLatency: rm.ObserveLatency,
	}
	// The relay's producer is made when the relay runs.
	return relayParts{{Name: "outbox-relay", Run: func(ctx context.Context) error {
		pub, err := b.RelayPublisher()
		if err != nil {
			return err
		}
		defer func() { _ = pub.Close() }()
		rc.Publisher = pub
		relay, err := outbox.NewRelay(db, rc)
		if err != nil {
			return err
		}
		return relay.Run(ctx)
	}}}, nil
}
