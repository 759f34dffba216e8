package di

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/adapters/jwks"
	"github.com/taskstream/taskstream/adapters/memory"
	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/adapters/metrics"
	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/postgres"
	"github.com/taskstream/taskstream/application"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/domain/todo"
	"github.com/taskstream/taskstream/platform/live"
	httpport "github.com/taskstream/taskstream/ports/http"
	"github.com/taskstream/taskstream/ports/messaging"
)

func provideRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

func provideMetrics(reg *prometheus.Registry) (*metrics.Prometheus, error) {
	return metrics.NewPrometheus(reg)
}

// provideDatabase opens PostgreSQL when DATABASE_URL is set (migrating first when asked), and
// returns nil for the in-memory repositories otherwise.
func provideDatabase(ctx context.Context, cfg config.Config, logger *slog.Logger) (*sql.DB, func(), error) {
	if cfg.DatabaseURL == "" {
		return nil, func() {}, nil
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

func provideTodoRepository(db *sql.DB) todo.Repository {
	if db == nil {
		return memory.NewTodoRepository()
	}
	return postgres.NewTodoRepository(db)
}

// taskStores are the task context's storage: the store the commands write through (task and
// events in one transaction), the reader of the queries, the audit log its consumer writes, and
// the claimer of the tasks' deadline reminders.
type taskStores struct {
	Store     task.Repository
	Reader    query.TaskReader
	Audit     task.AuditLog
	Reminders command.ReminderClaimer
}

func provideTaskStores(db *sql.DB, b broker.Broker, cfg config.Config) (taskStores, error) {
	topics := messages.TaskTopics{Events: cfg.Topics.TaskEvents, Updates: cfg.Topics.TaskUpdates}
	if db == nil {
		audit := memory.NewAuditLog()
		store, err := memory.NewTaskStore(b.Publisher(), topics, audit)
		if err != nil {
			return taskStores{}, err
		}
		reminders, err := memory.NewReminderStore(store, b.Publisher(), cfg.Topics.NotificationRequest)
		if err != nil {
			return taskStores{}, err
		}
		return taskStores{Store: store, Reader: store, Audit: audit, Reminders: reminders}, nil
	}
	store, err := postgres.NewTaskStore(db, postgres.TaskStoreConfig{Topics: topics, Outbox: outboxConfig(cfg)})
	if err != nil {
		return taskStores{}, err
	}
	audit, err := postgres.NewAuditLog(db, cfg.Groups.Audit)
	if err != nil {
		return taskStores{}, err
	}
	reminders, err := postgres.NewReminderStore(db, postgres.ReminderStoreConfig{
		Topic: cfg.Topics.NotificationRequest, Outbox: outboxConfig(cfg),
	})
	if err != nil {
		return taskStores{}, err
	}
	return taskStores{Store: store, Reader: store, Audit: audit, Reminders: reminders}, nil
}

// testStores are the test-results context's storage: the store the commands write through
// (submission and event in one transaction), the scores analytics keeps, and the reader of the
// queries. One type implements all three on each backend.
type testStores struct {
	Store  testresult.QuizRepository
	Scores testresult.ScoreLog
	Reader query.QuizReader
}

func provideTestStores(db *sql.DB, b broker.Broker, cfg config.Config) (testStores, error) {
	topics := messages.QuizTopics{Submissions: cfg.Topics.TestSubmissions, ResultsReady: cfg.Topics.TestResultsReady}
	if db == nil {
		store, err := memory.NewQuizStore(b.Publisher(), topics)
		if err != nil {
			return testStores{}, err
		}
		return testStores{Store: store, Scores: store, Reader: store}, nil
	}
	store, err := postgres.NewQuizStore(db, postgres.QuizStoreConfig{
		Topics: topics, Outbox: outboxConfig(cfg),
	})
	if err != nil {
		return testStores{}, err
	}
	return testStores{Store: store, Scores: store, Reader: store}, nil
}

// outboxConfig says how stores write their events: straight to the topic tables with
// BROKER=postgres, else to the outbox, which the relay forwards.
func outboxConfig(cfg config.Config) outbox.Config {
	if cfg.Broker == config.BrokerPostgres {
		return outbox.Config{Mode: outbox.Direct}
	}
	return outbox.Config{Mode: outbox.Forwarder}
}

func provideTodoEvents(b broker.Broker, cfg config.Config) (command.TodoEvents, error) {
	return messages.NewTodoEvents(b.Publisher(), cfg.Topics.TodoCreate)
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// idempotencyNamespace is the UUID namespace of the ids derived from idempotency keys. Changing
// it would give retries of requests already accepted a new id.
var idempotencyNamespace = uuid.MustParse("6f1d3c1e-8a4b-4c55-9a5e-3b7f0e2d9c41")

// keyedID is a name-based UUID (version 5) of the user and the key; user ids hold no NUL, so the
// separator keeps ("a", "b\x00c") and ("a\x00b", "c") apart.
func keyedID(user shared.UserID, key string) string {
	return uuid.NewSHA1(idempotencyNamespace, []byte(string(user)+"\x00"+key)).String()
}

func provideApplication(repo todo.Repository, events command.TodoEvents, tasks taskStores, tests testStores, notes notificationStores,
	delivery command.NotificationDelivery, reminders command.DeadlineReminderConfig, logger *slog.Logger, m *metrics.Prometheus,
) application.Application {
	// PostgreSQL keeps microseconds; so does the clock, so the 202 answer shows what GET will.
	now := func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
	request := decorator.Apply("HandleNotificationRequest", command.NewHandleNotificationRequestHandler(notes.Store, delivery, now), logger, m)
	return application.Application{
		Commands: application.Commands{
			CreateTodo:  decorator.Apply("CreateTodo", command.NewCreateTodoHandler(events, newID, keyedID, now), logger, m),
			IngestTodos: decorator.Apply("IngestTodos", command.NewIngestTodosHandler(repo), logger, m),
			UpdateTodo:  decorator.Apply("UpdateTodo", command.NewUpdateTodoHandler(repo, now), logger, m),
			DeleteTodo:  decorator.Apply("DeleteTodo", command.NewDeleteTodoHandler(repo), logger, m),

			CreateTask:      decorator.Apply("CreateTask", command.NewCreateTaskHandler(tasks.Store, newID, keyedID, now), logger, m),
			UpdateTask:      decorator.Apply("UpdateTask", command.NewUpdateTaskHandler(tasks.Store, now), logger, m),
			CompleteTask:    decorator.Apply("CompleteTask", command.NewCompleteTaskHandler(tasks.Store, now), logger, m),
			ReopenTask:      decorator.Apply("ReopenTask", command.NewReopenTaskHandler(tasks.Store, now), logger, m),
			DeleteTask:      decorator.Apply("DeleteTask", command.NewDeleteTaskHandler(tasks.Store, now), logger, m),
			RecordTaskEvent: decorator.Apply("RecordTaskEvent", command.NewRecordTaskEventHandler(tasks.Audit), logger, m),

			// The use cases of quizzes keep the names they were measured and logged under before
			// quizzes had their name, so that dashboards and alerts on them keep working.
			CreateQuiz:       decorator.Apply("CreateTest", command.NewCreateQuizHandler(tests.Store, newID, keyedID, now), logger, m),
			SubmitAnswers:    decorator.Apply("SubmitTest", command.NewSubmitAnswersHandler(tests.Store, newID, keyedID, now), logger, m),
			ScoreSubmissions: decorator.Apply("ScoreSubmissions", command.NewScoreSubmissionsHandler(tests.Store, now), logger, m),
			RecordQuizScore:  decorator.Apply("RecordTestScore", command.NewRecordQuizScoreHandler(tests.Scores), logger, m),

			HandleNotificationRequest: request,
			NotifyQuizScored:          decorator.Apply("NotifyTestScored", command.NewNotifyQuizScoredHandler(request, namedID), logger, m),
			MarkNotificationRead:      decorator.Apply("MarkNotificationRead", command.NewMarkNotificationReadHandler(notes.Store, now), logger, m),
			MarkAllNotificationsRead:  decorator.Apply("MarkAllNotificationsRead", command.NewMarkAllNotificationsReadHandler(notes.Store, now), logger, m),
			EmitDeadlineReminders:     decorator.Apply("EmitDeadlineReminders", command.NewEmitDeadlineRemindersHandler(tasks.Reminders, reminders), logger, m),
		},
		Queries: application.Queries{
			GetTodo:   decorator.Apply("GetTodo", query.NewGetTodoHandler(repo), logger, m),
			ListTodos: decorator.Apply("ListTodos", query.NewListTodosHandler(repo), logger, m),

			GetTask:     decorator.Apply("GetTask", query.NewGetTaskHandler(tasks.Reader), logger, m),
			ListTasks:   decorator.Apply("ListTasks", query.NewListTasksHandler(tasks.Reader), logger, m),
			TaskHistory: decorator.Apply("TaskHistory", query.NewTaskHistoryHandler(tasks.Reader), logger, m),

			GetQuiz:       decorator.Apply("GetTest", query.NewGetQuizHandler(tests.Reader), logger, m),
			GetSubmission: decorator.Apply("GetSubmission", query.NewGetSubmissionHandler(tests.Reader), logger, m),
			QuizStats:     decorator.Apply("TestStats", query.NewQuizStatsHandler(tests.Reader), logger, m),

			ListNotifications: decorator.Apply("ListNotifications", query.NewListNotificationsHandler(notes.Reader), logger, m),
		},
	}
}

// provideAuthenticator accepts HS256 tokens signed with AUTH_JWT_SECRET and RS256 tokens from the
// key set at AUTH_JWKS_URL, whichever are configured, and none when neither is. The key set
// refreshes until ctx is done and logs its failed refreshes to logger.
func provideAuthenticator(ctx context.Context, cfg config.Config, logger *slog.Logger) (httpport.Authenticator, error) {
	var opts []httpport.AuthOption
	if cfg.Auth.Issuer != "" {
		opts = append(opts, httpport.WithIssuer(cfg.Auth.Issuer))
	}
	if cfg.Auth.Audience != "" {
		opts = append(opts, httpport.WithAudience(cfg.Auth.Audience))
	}
	var multi httpport.MultiAuthenticator
	if cfg.Auth.JWTSecret != "" {
		hs, err := httpport.NewHS256Authenticator([]byte(cfg.Auth.JWTSecret), opts...)
		if err != nil {
			return nil, err
		}
		multi.HS256 = hs
	}
	if cfg.Auth.JWKSURL != "" {
		keys, err := jwks.New(ctx, jwks.Config{URL: cfg.Auth.JWKSURL, Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("AUTH_JWKS_URL: %w", err)
		}
		rs, err := httpport.NewRS256Authenticator(keys, opts...)
		if err != nil {
			return nil, err
		}
		multi.RS256 = rs
	}
	// With neither, multi refuses every token: only processes that serve no API get this far
	// (`taskstream api` and `all` refuse to start without one, config.RequireAuth).
	return multi, nil
}

// handlers are the process's HTTP handlers: the whole API, and the operations endpoints alone
// for processes that serve no API.
type handlers struct {
	API http.Handler
	Ops http.Handler
}

// provideHub is the process's fan-out of live updates to its WebSocket connections. The cleanup
// ends every connection that is still open.
func provideHub() (*live.Hub, func(), error) {
	hub, err := live.NewHub(live.Config{})
	if err != nil {
		return nil, nil, err
	}
	return hub, hub.Close, nil
}

func provideHTTP(app application.Application, auth httpport.Authenticator, logger *slog.Logger, reg *prometheus.Registry, b broker.Broker, db *sql.DB, hub *live.Hub) (handlers, error) {
	checks := []httpport.ReadinessCheck{{Name: b.Name(), Check: b.Check}}
	if db != nil {
		checks = append(checks, httpport.ReadinessCheck{Name: "postgres", Check: db.PingContext})
	}
	deps := httpport.Deps{Logger: logger, Authenticator: auth, Readiness: checks, Registry: reg, Gatherer: reg, Hub: hub}
	api, err := httpport.NewHandler(app, httpport.Config{}, deps)
	if err != nil {
		return handlers{}, err
	}
	ops, err := httpport.NewOpsHandler(httpport.Config{}, deps)
	if err != nil {
		return handlers{}, err
	}
	return handlers{API: api, Ops: ops}, nil
}

// provideWorkers builds the long-running parts besides the HTTP API: the consumers (to-do ingest
// in group todo, the audit trail in group audit-service, the notification-service's two) and,
// with an outbox to forward, the relay.
func provideWorkers(cfg config.Config, b broker.Broker, app application.Application, db *sql.DB,
	hub *live.Hub, reg *prometheus.Registry, logger *slog.Logger, m *metrics.Prometheus,
) ([]Worker, error) {
	ingest, err := provideIngestWorker(cfg, b, app, logger, m)
	if err != nil {
		return nil, err
	}
	results, err := provideResultCalculator(cfg, b, app, logger, m)
	if err != nil {
		return nil, err
	}
	audit := provideConsumer(cfg, b, logger, m, PartWorker, cfg.Groups.Audit, broker.Oldest, messaging.Consumer{
		Name: messaging.TaskAuditHandlerName, Topic: cfg.Topics.TaskEvents, Handle: messaging.NewTaskAudit(app.Commands.RecordTaskEvent).Handle,
	})
	// Every API instance must see every task update for its own WebSocket clients, so each one
	// reads all of task-updates from the newest message on.
	updates := provideConsumer(cfg, b, logger, m, PartAPI, cfg.Groups.WebSocket+"-"+instanceID(), broker.Newest, messaging.Consumer{
		Name: messaging.TaskUpdatesHandlerName, Topic: cfg.Topics.TaskUpdates, Handle: messaging.NewTaskUpdates(hub).Handle,
	})
	analytics := provideConsumer(cfg, b, logger, m, PartWorker, cfg.Groups.Analytics, broker.Oldest, messaging.Consumer{
		Name: messaging.QuizAnalyticsHandlerName, Topic: cfg.Topics.TestResultsReady,
		Handle: messaging.NewQuizAnalytics(app.Commands.RecordQuizScore).Handle,
	})
	notify := provideNotificationWorkers(cfg, b, app, hub, logger, m)
	reminders, err := provideReminders(cfg, app, logger)
	if err != nil {
		return nil, err
	}
	workers := slices.Concat([]Worker{ingest, audit, updates, results, analytics}, notify, reminders)
	if db != nil {
		workers = append(workers, Worker{Name: "inbox-pruner", Part: PartWorker, Run: func(ctx context.Context) error {
			return postgres.RunInboxPruner(ctx, db, cfg.InboxRetention, logger.With("worker", "inbox-pruner"))
		}})
	}
	if cfg.Broker == config.BrokerPostgres {
		workers = append(workers, Worker{Name: "broker-retention", Part: PartWorker, Run: b.Run})
	}
	if !cfg.RelayNeeded() {
		return workers, nil
	}
	relay, err := provideRelay(cfg, b, db, reg, logger)
	if err != nil {
		return nil, err
	}
	return append(workers, relay), nil
}

// provideIngestWorker is the to-do worker: batches from todo-create, bulk insert (group todo).
func provideIngestWorker(cfg config.Config, b broker.Broker, app application.Application, logger *slog.Logger, m *metrics.Prometheus) (Worker, error) {
	return provideBatchConsumer(cfg, b, logger, m, cfg.Groups.Todo, broker.BatchOptions{
		MaxRecords: cfg.Ingest.MaxRecords, MaxWait: cfg.Ingest.MaxWait, Linger: cfg.Ingest.Linger,
	}, messaging.BatchConsumer{
		Name: messaging.TodoIngestHandlerName, Topic: cfg.Topics.TodoCreate,
		Handle: messaging.NewTodoIngest(app.Commands.IngestTodos).Handle,
	})
}

// provideResultCalculator scores test_submissions in batches (group result-calculator): a
// batch per partition holds what arrived within a few milliseconds, scored in one transaction,
// so a burst costs a transaction per batch rather than per submission.
func provideResultCalculator(cfg config.Config, b broker.Broker, app application.Application, logger *slog.Logger, m *metrics.Prometheus) (Worker, error) {
	return provideBatchConsumer(cfg, b, logger, m, cfg.Groups.Results, broker.BatchOptions{
		MaxRecords: 200, MaxWait: 50 * time.Millisecond, Linger: 5 * time.Millisecond,
	}, messaging.BatchConsumer{
		Name: messaging.ResultCalculatorHandlerName, Topic: cfg.Topics.TestSubmissions,
		Handle: messaging.NewResultCalculator(app.Commands.ScoreSubmissions, cfg.Results.Workers).Handle,
	})
}

// provideBatchConsumer runs c for group on a batch subscriber of the broker (a worker part).
func provideBatchConsumer(cfg config.Config, b broker.Broker, logger *slog.Logger, m *metrics.Prometheus, group string,
	opts broker.BatchOptions, c messaging.BatchConsumer,
) (Worker, error) {
	policy := consumerPolicy(cfg, b, logger.With("worker", c.Name), m, group)
	opts.Drain = policy.Grace
	sub, err := b.BatchSubscriber(c.Topic, group, opts)
	if err != nil {
		return Worker{}, err
	}
	c.Subscriber = sub
	return Worker{Name: c.Name, Part: PartWorker, Run: func(ctx context.Context) error {
		return messaging.RunBatches(ctx, c, policy)
	}}, nil
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

// provideConsumer runs c, in part, for group, one message at a time, starting at from when the
// group is new.
func provideConsumer(cfg config.Config, b broker.Broker, logger *slog.Logger, m *metrics.Prometheus, part, group string, from broker.Start, c messaging.Consumer) Worker {
	policy := consumerPolicy(cfg, b, logger.With("consumer", c.Name, "group", group), m, group)
	return Worker{Name: c.Name, Part: part, Run: func(ctx context.Context) error {
		// The subscriber is made when the worker runs: `api` and `relay` never join the group.
		sub, err := b.Subscriber(group, from)
		if err != nil {
			return err
		}
		c.Subscriber = sub
		return messaging.Run(ctx, c, policy)
	}}
}

// provideRelay forwards the outbox to the broker and exposes the backlog on /metrics.
func provideRelay(cfg config.Config, b broker.Broker, db *sql.DB, reg *prometheus.Registry, logger *slog.Logger) (Worker, error) {
	if err := outbox.RegisterBacklog(reg, db, 2*time.Second, logger); err != nil {
		return Worker{}, err
	}
	rm, err := outbox.NewRelayMetrics(reg)
	if err != nil {
		return Worker{}, err
	}
	rc := outbox.RelayConfig{
		PoisonTopic:  cfg.Topics.Poison,
		BatchSize:    cfg.Relay.BatchSize,
		PollInterval: cfg.Relay.PollInterval,
		Retention:    cfg.Relay.Retention,
		Logger:       logger.With("worker", "outbox-relay"),
		Observe:      rm.Observe,
	}
	// The relay's producer is made when the relay runs, so `api` and `worker` hold none.
	return Worker{Name: "outbox-relay", Part: PartRelay, Run: func(ctx context.Context) error {
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
	}}, nil
}

func provideService(h handlers, workers []Worker, db *sql.DB, hub *live.Hub) *Service {
	return &Service{HTTP: h.API, Ops: h.Ops, Workers: workers, DB: db, Hub: hub}
}
