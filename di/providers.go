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
	"github.com/taskstream/taskstream/adapters/kafka"
	"github.com/taskstream/taskstream/adapters/memory"
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
	"github.com/taskstream/taskstream/platform/batch"
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
// events in one transaction), the reader of the queries, and the audit log its consumer writes.
type taskStores struct {
	Store  task.Repository
	Reader query.TaskReader
	Audit  task.AuditLog
}

func provideTaskStores(db *sql.DB, b *broker.Broker, cfg config.Config) (taskStores, error) {
	topics := outbox.TaskTopics{Events: cfg.Topics.TaskEvents, Updates: cfg.Topics.TaskUpdates}
	if db == nil {
		audit := memory.NewAuditLog()
		store, err := memory.NewTaskStore(b.Publisher(), topics, audit)
		if err != nil {
			return taskStores{}, err
		}
		return taskStores{Store: store, Reader: store, Audit: audit}, nil
	}
	store, err := postgres.NewTaskStore(db, postgres.TaskStoreConfig{Topics: topics, Outbox: outboxConfig(cfg)})
	if err != nil {
		return taskStores{}, err
	}
	audit, err := postgres.NewAuditLog(db, cfg.Groups.Audit)
	if err != nil {
		return taskStores{}, err
	}
	return taskStores{Store: store, Reader: store, Audit: audit}, nil
}

// testStores are the test-results context's storage: the store the commands write through
// (submission and event in one transaction), the scores analytics keeps, and the reader of the
// queries. One type implements all three on each backend.
type testStores struct {
	Store  testresult.QuizRepository
	Scores testresult.ScoreLog
	Reader query.QuizReader
}

func provideTestStores(db *sql.DB, b *broker.Broker, cfg config.Config) (testStores, error) {
	topics := outbox.TestTopics{Submissions: cfg.Topics.TestSubmissions, ResultsReady: cfg.Topics.TestResultsReady}
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
func outboxConfig(cfg config.Config) postgres.OutboxConfig {
	if cfg.Broker == config.BrokerPostgres {
		return postgres.OutboxConfig{Mode: postgres.OutboxDirect, Schema: broker.PostgresSchema()}
	}
	return postgres.OutboxConfig{Mode: postgres.OutboxForwarder}
}

func provideTodoEvents(b *broker.Broker, cfg config.Config) (command.TodoEvents, error) {
	return broker.NewTodoEvents(b.Publisher(), cfg.Topics.TodoCreate)
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
	delivery command.NotificationDelivery, logger *slog.Logger, m *metrics.Prometheus,
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
// key set at AUTH_JWKS_URL, whichever are configured, and none when neither is.
func provideAuthenticator(ctx context.Context, cfg config.Config) (httpport.Authenticator, error) {
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
		rs, err := httpport.NewJWKSAuthenticator(ctx, cfg.Auth.JWKSURL, &http.Client{Timeout: 10 * time.Second}, opts...)
		if err != nil {
			return nil, fmt.Errorf("AUTH_JWKS_URL: %w", err)
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

func provideHTTP(app application.Application, auth httpport.Authenticator, logger *slog.Logger, reg *prometheus.Registry, b *broker.Broker, db *sql.DB, hub *live.Hub) (handlers, error) {
	checks := []httpport.ReadinessCheck{{Name: string(b.Kind()), Check: b.Check}}
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
func provideWorkers(ctx context.Context, cfg config.Config, b *broker.Broker, app application.Application, db *sql.DB,
	hub *live.Hub, reg *prometheus.Registry, logger *slog.Logger, m *metrics.Prometheus,
) ([]Worker, error) {
	ingest, err := provideIngestWorker(ctx, cfg, b, app, logger, m)
	if err != nil {
		return nil, err
	}
	audit, err := provideConsumer(cfg, b, logger, PartWorker, cfg.Groups.Audit, false, messaging.Consumer{
		Name: messaging.TaskAuditHandlerName, Topic: cfg.Topics.TaskEvents, Handle: messaging.NewTaskAudit(app.Commands.RecordTaskEvent).Handle,
	})
	if err != nil {
		return nil, err
	}
	// Every API instance must see every task update for its own WebSocket clients, so each one
	// reads all of task-updates from the newest message on (Broker.Subscriber, fromNewest).
	updates, err := provideConsumer(cfg, b, logger, PartAPI, cfg.Groups.WebSocket+"-"+instanceID(), true, messaging.Consumer{
		Name: messaging.TaskUpdatesHandlerName, Topic: cfg.Topics.TaskUpdates, Handle: messaging.NewTaskUpdates(hub).Handle,
	})
	if err != nil {
		return nil, err
	}
	results, err := provideResultCalculator(ctx, cfg, b, app, logger, m)
	if err != nil {
		return nil, err
	}
	analytics, err := provideConsumer(cfg, b, logger, PartWorker, cfg.Groups.Analytics, false, messaging.Consumer{
		Name: messaging.QuizAnalyticsHandlerName, Topic: cfg.Topics.TestResultsReady,
		Handle: messaging.NewQuizAnalytics(app.Commands.RecordQuizScore).Handle,
	})
	if err != nil {
		return nil, err
	}
	notify, err := provideNotificationWorkers(cfg, b, app, hub, logger)
	if err != nil {
		return nil, err
	}
	reminders, err := provideReminders(cfg, db, logger)
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
		workers = append(workers, Worker{Name: "broker-retention", Part: PartWorker, Run: b.RunRetention})
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
func provideIngestWorker(ctx context.Context, cfg config.Config, b *broker.Broker, app application.Application, logger *slog.Logger, m *metrics.Prometheus) (Worker, error) {
	ingest := messaging.NewTodoIngest(app.Commands.IngestTodos)
	sub, err := b.BatchSubscriber(ctx, cfg.Topics.TodoCreate, kafka.BatchConfig{
		Group:      cfg.Groups.Todo,
		MaxRecords: cfg.Ingest.MaxRecords,
		MaxWait:    cfg.Ingest.MaxWait,
		Linger:     cfg.Ingest.Linger,
	}, batch.Processor{
		Name:        messaging.TodoIngestHandlerName,
		Poison:      b.Publisher(),
		PoisonTopic: cfg.Topics.Poison,
		TooLarge:    b.TooLarge,
		// A database that does not answer is waited for; any other failure is retried
		// CONSUMER_MAX_RETRIES times and then the batch is split to park the culprit.
		Transient:  messaging.Transient,
		MaxRetries: cfg.Retry.MaxRetries,
		// The HTTP drain and then the batch in hand share SHUTDOWN_TIMEOUT; the batch gets three
		// quarters of it once the workers are told to stop. Should the two overrun the timeout,
		// the process stops waiting and closes the pool and the producer under the worker: its
		// uncommitted records are delivered again, nothing is lost.
		FinishTimeout: cfg.ShutdownTimeout * 3 / 4,
		Logger:        logger.With("worker", messaging.TodoIngestHandlerName),
		Metrics:       m,
	})
	if err != nil {
		return Worker{}, err
	}
	return Worker{
		Name: messaging.TodoIngestHandlerName,
		Part: PartWorker,
		Run:  func(ctx context.Context) error { return sub.Run(ctx, cfg.Topics.TodoCreate, ingest.Handle) },
	}, nil
}

// provideResultCalculator scores test_submissions in batches (group result-calculator): a
// batch per partition holds what arrived within a few milliseconds, scored in one transaction,
// so a burst costs a transaction per batch rather than per submission.
func provideResultCalculator(ctx context.Context, cfg config.Config, b *broker.Broker, app application.Application, logger *slog.Logger, m *metrics.Prometheus) (Worker, error) {
	calc := messaging.NewResultCalculator(app.Commands.ScoreSubmissions, cfg.Results.Workers)
	sub, err := b.BatchSubscriber(ctx, cfg.Topics.TestSubmissions, kafka.BatchConfig{
		Group:      cfg.Groups.Results,
		MaxRecords: 200,
		MaxWait:    50 * time.Millisecond,
		Linger:     5 * time.Millisecond,
	}, batch.Processor{
		Name:          messaging.ResultCalculatorHandlerName,
		Poison:        b.Publisher(),
		PoisonTopic:   cfg.Topics.Poison,
		TooLarge:      b.TooLarge,
		Transient:     messaging.Transient,
		MaxRetries:    cfg.Retry.MaxRetries,
		FinishTimeout: cfg.ShutdownTimeout * 3 / 4,
		Logger:        logger.With("worker", messaging.ResultCalculatorHandlerName),
		Metrics:       m,
	})
	if err != nil {
		return Worker{}, err
	}
	return Worker{
		Name: messaging.ResultCalculatorHandlerName,
		Part: PartWorker,
		Run:  func(ctx context.Context) error { return sub.Run(ctx, cfg.Topics.TestSubmissions, calc.Handle) },
	}, nil
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

// provideConsumer runs c, in part, for group on a Watermill router with retries and the poison topic.
func provideConsumer(cfg config.Config, b *broker.Broker, logger *slog.Logger, part, group string, fromNewest bool, c messaging.Consumer) (Worker, error) {
	cc := messaging.ConsumerConfig{
		Poison: b.Publisher(), PoisonTopic: cfg.Topics.Poison, Group: group,
		MaxRetries: cfg.Retry.MaxRetries, InitialInterval: cfg.Retry.InitialInterval, MaxInterval: cfg.Retry.MaxInterval,
		CloseTimeout: cfg.ShutdownTimeout * 3 / 4,
		Logger:       logger,
	}
	if err := cc.Validate(); err != nil {
		return Worker{}, err
	}
	return Worker{Name: c.Name, Part: part, Run: func(ctx context.Context) error {
		// The subscriber is made when the worker runs: `api` and `relay` never join the group.
		sub, err := b.Subscriber(group, fromNewest)
		if err != nil {
			return err
		}
		c.Subscriber = sub
		return messaging.Run(ctx, c, cc)
	}}, nil
}

// provideRelay forwards the outbox to the broker and exposes the backlog on /metrics.
func provideRelay(cfg config.Config, b *broker.Broker, db *sql.DB, reg *prometheus.Registry, logger *slog.Logger) (Worker, error) {
	err := metrics.RegisterOutbox(reg, func(ctx context.Context) (int64, time.Duration, error) {
		return postgres.OutboxBacklog(ctx, db)
	}, 2*time.Second, logger)
	if err != nil {
		return Worker{}, err
	}
	rm, err := metrics.NewRelay(reg)
	if err != nil {
		return Worker{}, err
	}
	rc := postgres.RelayConfig{
		PoisonTopic:  cfg.Topics.Poison,
		BatchSize:    cfg.Relay.BatchSize,
		PollInterval: cfg.Relay.PollInterval,
		Retention:    cfg.Relay.Retention,
		Logger:       logger.With("worker", "outbox-relay"),
		Observe:      rm.Observe,
	}
	// The relay's producer is made when the relay runs, so `api` and `worker` hold none.
	return Worker{Name: "outbox-relay", Part: PartRelay, Run: func(ctx context.Context) error {
		pub, closePub, err := b.RelayPublisher()
		if err != nil {
			return err
		}
		defer closePub()
		rc.Publisher = pub
		relay, err := postgres.NewRelay(db, rc)
		if err != nil {
			return err
		}
		return relay.Run(ctx)
	}}, nil
}

func provideService(h handlers, workers []Worker, db *sql.DB, hub *live.Hub) *Service {
	return &Service{HTTP: h.API, Ops: h.Ops, Workers: workers, DB: db, Hub: hub}
}
