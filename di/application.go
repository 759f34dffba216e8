package di

import (
	"log/slog"

	"github.com/taskstream/taskstream/application"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/domain/todo"
)

// Stores are the application's storage: one implementation of each repository and read model,
// all in memory (memoryStorage) or all on PostgreSQL (postgresStorage).
type Stores struct {
	Todos              todo.Repository
	Tasks              task.Repository
	TaskReader         query.TaskReader
	Audit              task.AuditLog
	Reminders          command.ReminderClaimer
	Quizzes            testresult.QuizRepository
	Scores             testresult.ScoreLog
	QuizReader         query.QuizReader
	Notifications      notification.Repository
	NotificationReader query.NotificationReader
}

// Services are the application's outbound dependencies besides storage.
type Services struct {
	// TodoEvents publishes the to-do create events (the broker, no outbox).
	TodoEvents command.TodoEvents
	// Delivery sends the notifications' email and SMS.
	Delivery command.NotificationDelivery
	// Reminders is what the deadline reminders follow.
	Reminders command.DeadlineReminderConfig
}

// Sources are where the application takes the time and new ids from: the system's in
// production (provideSources), fixed ones in tests.
type Sources struct {
	Now     command.Clock
	NewID   command.IDs
	KeyedID command.KeyedIDs
	NamedID command.NamedIDs
}

// NewApplication builds every use case on s, svc and src, each wrapped in the logging and
// metrics decorator: the application every process runs, and the one the HTTP tests drive.
func NewApplication(s Stores, svc Services, src Sources, logger *slog.Logger, m decorator.Metrics) application.Application {
	now := src.Now
	request := decorator.Apply("HandleNotificationRequest", command.NewHandleNotificationRequestHandler(s.Notifications, svc.Delivery, now), logger, m)
	return application.Application{
		Commands: application.Commands{
			CreateTodo:  decorator.Apply("CreateTodo", command.NewCreateTodoHandler(svc.TodoEvents, src.NewID, src.KeyedID, now), logger, m),
			IngestTodos: decorator.Apply("IngestTodos", command.NewIngestTodosHandler(s.Todos), logger, m),
			UpdateTodo:  decorator.Apply("UpdateTodo", command.NewUpdateTodoHandler(s.Todos, now), logger, m),
			DeleteTodo:  decorator.Apply("DeleteTodo", command.NewDeleteTodoHandler(s.Todos), logger, m),

			CreateTask:            decorator.Apply("CreateTask", command.NewCreateTaskHandler(s.Tasks, src.NewID, src.KeyedID, now), logger, m),
			UpdateTask:            decorator.Apply("UpdateTask", command.NewUpdateTaskHandler(s.Tasks, now), logger, m),
			CompleteTask:          decorator.Apply("CompleteTask", command.NewCompleteTaskHandler(s.Tasks, now), logger, m),
			ReopenTask:            decorator.Apply("ReopenTask", command.NewReopenTaskHandler(s.Tasks, now), logger, m),
			DeleteTask:            decorator.Apply("DeleteTask", command.NewDeleteTaskHandler(s.Tasks, now), logger, m),
			RecordTaskEvent:       decorator.Apply("RecordTaskEvent", command.NewRecordTaskEventHandler(s.Audit), logger, m),
			EmitDeadlineReminders: decorator.Apply("EmitDeadlineReminders", command.NewEmitDeadlineRemindersHandler(s.Reminders, svc.Reminders), logger, m),

			// The use cases of quizzes keep the names they were measured and logged under before
			// quizzes had their name, so that dashboards and alerts on them keep working.
			CreateQuiz:       decorator.Apply("CreateTest", command.NewCreateQuizHandler(s.Quizzes, src.NewID, src.KeyedID, now), logger, m),
			SubmitAnswers:    decorator.Apply("SubmitTest", command.NewSubmitAnswersHandler(s.Quizzes, src.NewID, src.KeyedID, now), logger, m),
			ScoreSubmissions: decorator.Apply("ScoreSubmissions", command.NewScoreSubmissionsHandler(s.Quizzes, now), logger, m),
			RecordQuizScore:  decorator.Apply("RecordTestScore", command.NewRecordQuizScoreHandler(s.Scores), logger, m),

			HandleNotificationRequest: request,
			NotifyQuizScored:          decorator.Apply("NotifyTestScored", command.NewNotifyQuizScoredHandler(request, src.NamedID), logger, m),
			MarkNotificationRead:      decorator.Apply("MarkNotificationRead", command.NewMarkNotificationReadHandler(s.Notifications, now), logger, m),
			MarkAllNotificationsRead:  decorator.Apply("MarkAllNotificationsRead", command.NewMarkAllNotificationsReadHandler(s.Notifications, now), logger, m),
		},
		Queries: application.Queries{
			GetTodo:   decorator.Apply("GetTodo", query.NewGetTodoHandler(s.Todos), logger, m),
			ListTodos: decorator.Apply("ListTodos", query.NewListTodosHandler(s.Todos), logger, m),

			GetTask:     decorator.Apply("GetTask", query.NewGetTaskHandler(s.TaskReader), logger, m),
			ListTasks:   decorator.Apply("ListTasks", query.NewListTasksHandler(s.TaskReader), logger, m),
			TaskHistory: decorator.Apply("TaskHistory", query.NewTaskHistoryHandler(s.TaskReader), logger, m),

			GetQuiz:       decorator.Apply("GetTest", query.NewGetQuizHandler(s.QuizReader), logger, m),
			GetSubmission: decorator.Apply("GetSubmission", query.NewGetSubmissionHandler(s.QuizReader), logger, m),
			QuizStats:     decorator.Apply("TestStats", query.NewQuizStatsHandler(s.QuizReader), logger, m),

			ListNotifications: decorator.Apply("ListNotifications", query.NewListNotificationsHandler(s.NotificationReader), logger, m),
		},
	}
}
