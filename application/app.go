// Package application holds Taskstream's use cases. app.go is only the registry of handlers that
// the ports call; each handler lives in its own file under command/ or query/.
package application

import (
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/application/query"
)

// Application is every use case, ready to call.
type Application struct {
	Commands Commands
	Queries  Queries
}

// Commands change state.
type Commands struct {
	CreateTodo  command.CreateTodoHandler
	IngestTodos command.IngestTodosHandler
	UpdateTodo  command.UpdateTodoHandler
	DeleteTodo  command.DeleteTodoHandler

	CreateTask      command.CreateTaskHandler
	UpdateTask      command.UpdateTaskHandler
	CompleteTask    command.CompleteTaskHandler
	ReopenTask      command.ReopenTaskHandler
	DeleteTask      command.DeleteTaskHandler
	RecordTaskEvent command.RecordTaskEventHandler

	CreateQuiz       command.CreateQuizHandler
	SubmitAnswers    command.SubmitAnswersHandler
	ScoreSubmissions command.ScoreSubmissionsHandler
	RecordQuizScore  command.RecordQuizScoreHandler

	HandleNotificationRequest command.HandleNotificationRequestHandler
	NotifyQuizScored          command.NotifyQuizScoredHandler
	MarkNotificationRead      command.MarkNotificationReadHandler
	MarkAllNotificationsRead  command.MarkAllNotificationsReadHandler
	EmitDeadlineReminders     command.EmitDeadlineRemindersHandler
}

// Queries read state.
type Queries struct {
	GetTodo   query.GetTodoHandler
	ListTodos query.ListTodosHandler

	GetTask     query.GetTaskHandler
	ListTasks   query.ListTasksHandler
	TaskHistory query.TaskHistoryHandler

	GetQuiz       query.GetQuizHandler
	GetSubmission query.GetSubmissionHandler
	QuizStats     query.QuizStatsHandler

	ListNotifications query.ListNotificationsHandler
}
