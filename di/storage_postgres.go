package di

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"

	"github.com/google/wire"

	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/domain/todo"
)

// postgresStorage is the storage of every process but the embedded default: the stores on
// PostgreSQL (the pool comes from provideDatabase), each bound to the interfaces it implements.
var postgresStorage = wire.NewSet( //nolint:unused // the injectors of wire.go (build tag wireinject) use it
	postgres.NewTodoRepository, wire.Bind(new(todo.Repository), new(*postgres.TodoRepository)),
	providePostgresTaskStore,
	wire.Bind(new(task.Repository), new(*postgres.TaskStore)),
	wire.Bind(new(query.TaskReader), new(*postgres.TaskStore)),
	providePostgresAuditLog, wire.Bind(new(task.AuditLog), new(*postgres.AuditLog)),
	providePostgresReminderStore, wire.Bind(new(command.ReminderClaimer), new(*postgres.ReminderStore)),
	providePostgresQuizStore,
	wire.Bind(new(testresult.QuizRepository), new(*postgres.QuizStore)),
	wire.Bind(new(testresult.ScoreLog), new(*postgres.QuizStore)),
	wire.Bind(new(query.QuizReader), new(*postgres.QuizStore)),
	providePostgresNotificationStore,
	wire.Bind(new(notification.Repository), new(*postgres.NotificationStore)),
	wire.Bind(new(query.NotificationReader), new(*postgres.NotificationStore)),
	wire.Struct(new(Stores), "*"),
)

// errNeedsDatabase refuses to start a process of a split deployment without PostgreSQL: the
// processes share their state through it.
var errNeedsDatabase = errors.New("this process needs DATABASE_URL: api, worker and relay share their state through PostgreSQL (only `taskstream all` runs in memory)")

// provideDatabase opens PostgreSQL at DATABASE_URL, migrating it first when asked
// (MIGRATE_ON_START). The cleanup closes the pool.
func provideDatabase(ctx context.Context, cfg config.Config, logger *slog.Logger) (*sql.DB, func(), error) {
	if cfg.DatabaseURL == "" {
		return nil, nil, errNeedsDatabase
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	if cfg.MigrateOnStart {
		if err := postgres.Migrate(ctx, db); err != nil {
			_ = db.Close()
			return nil, nil, err
		}
		logger.Info("database migrated")
	}
	return db, func() { _ = db.Close() }, nil
}

func providePostgresTaskStore(db *sql.DB, cfg config.Config) (*postgres.TaskStore, error) {
	return postgres.NewTaskStore(db, taskStoreConfig(cfg))
}

func providePostgresAuditLog(db *sql.DB, cfg config.Config) (*postgres.AuditLog, error) {
	return postgres.NewAuditLog(db, cfg.Groups.Audit)
}

func providePostgresReminderStore(db *sql.DB, cfg config.Config) (*postgres.ReminderStore, error) {
	return postgres.NewReminderStore(db, reminderStoreConfig(cfg))
}

func providePostgresQuizStore(db *sql.DB, cfg config.Config) (*postgres.QuizStore, error) {
	return postgres.NewQuizStore(db, quizStoreConfig(cfg))
}

// providePostgresNotificationStore writes each stored notification's created event through the
// outbox (straight to the topic table with BROKER=postgres).
func providePostgresNotificationStore(db *sql.DB, cfg config.Config) (*postgres.NotificationStore, error) {
	return postgres.NewNotificationStore(db, postgres.NotificationStoreConfig{
		ConsumerGroup: cfg.Groups.Notification, Topic: cfg.Topics.NotificationCreated, Outbox: outboxConfig(cfg),
	})
}
