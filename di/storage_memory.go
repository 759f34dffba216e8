package di

import (
	"github.com/google/wire"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/adapters/memory"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/domain/todo"
)

// memoryStorage is the embedded default's storage: the stores in memory, which publish their
// events on the broker under their lock (there is no outbox to relay), each bound to the
// interfaces it implements. Nothing survives a restart.
var memoryStorage = wire.NewSet( //nolint:unused // the injectors of wire.go (build tag wireinject) use it
	memory.NewTodoRepository, wire.Bind(new(todo.Repository), new(*memory.TodoRepository)),
	memory.NewAuditLog, wire.Bind(new(task.AuditLog), new(*memory.AuditLog)),
	provideMemoryTaskStore,
	wire.Bind(new(task.Repository), new(*memory.TaskStore)),
	wire.Bind(new(query.TaskReader), new(*memory.TaskStore)),
	provideMemoryReminderStore, wire.Bind(new(command.ReminderClaimer), new(*memory.ReminderStore)),
	provideMemoryQuizStore,
	wire.Bind(new(testresult.QuizRepository), new(*memory.QuizStore)),
	wire.Bind(new(testresult.ScoreLog), new(*memory.QuizStore)),
	wire.Bind(new(query.QuizReader), new(*memory.QuizStore)),
	provideMemoryNotificationStore,
	wire.Bind(new(notification.Repository), new(*memory.NotificationStore)),
	wire.Bind(new(query.NotificationReader), new(*memory.NotificationStore)),
	wire.Struct(new(Stores), "*"),
)

func provideMemoryTaskStore(b broker.Broker, cfg config.Config, audit *memory.AuditLog) (*memory.TaskStore, error) {
	return memory.NewTaskStore(b.Publisher(), taskTopics(cfg), audit)
}

func provideMemoryReminderStore(tasks *memory.TaskStore, b broker.Broker, cfg config.Config) (*memory.ReminderStore, error) {
	return memory.NewReminderStore(tasks, b.Publisher(), cfg.Topics.NotificationRequest)
}

func provideMemoryQuizStore(b broker.Broker, cfg config.Config) (*memory.QuizStore, error) {
	return memory.NewQuizStore(b.Publisher(), quizTopics(cfg))
}

// provideMemoryNotificationStore publishes each stored notification's created event on the
// broker, as the task store publishes its events.
func provideMemoryNotificationStore(b broker.Broker, cfg config.Config) (*memory.NotificationStore, error) {
	return memory.NewNotificationStore(b.Publisher(), cfg.Topics.NotificationCreated)
}
