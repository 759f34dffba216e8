package asyncapi

import (
	"reflect"

	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/domain/todo"
)

// event is one event type: a message of the document.
type event struct {
	id, eventType, version, summary string
	payload                         reflect.Type
}

// channel is one topic, with the events it carries and who sends them.
type channel struct {
	id, title, description, sender string
	address                        func(Topics) string
	events                         []event
	// parked: the poison topic, which carries parked copies of any event.
	parked bool
}

// receiver is one consumer: a handler reading a channel in a consumer group.
type receiver struct {
	handler, channel, summary string
	group                     func(Groups) string
	// perInstance: every API instance reads in a group of its own, the name plus an id.
	perInstance bool
}

// The event types, their ce_type and schema version from the domain, their payload type.
var (
	todoCreateRequested = event{"todoCreateRequested", todo.EventCreateRequested, todo.EventCreateRequestedVersion,
		"A to-do the API accepted, for the worker to store.", reflect.TypeFor[todo.CreateRequested]()}
	taskRecorded = event{"taskRecorded", task.EventRecorded, task.EventRecordedVersion,
		"A task change: the action and the task after it (after a deletion: its last state).", reflect.TypeFor[task.Recorded]()}
	taskChanged = event{"taskChanged", task.EventChanged, task.EventChangedVersion,
		"The fields a task change set, with their new values (due_at null: the due time was removed).", reflect.TypeFor[task.Changed]()}
	notificationRequested = event{"notificationRequested", notification.EventRequested, notification.EventRequestedVersion,
		"A notification to store and deliver on its channels; the id makes a repeated request one notification.", reflect.TypeFor[notification.Requested]()}
	notificationCreated = event{"notificationCreated", notification.EventCreated, notification.EventCreatedVersion,
		"A stored notification, as GET /v1/notifications lists it.", reflect.TypeFor[notification.Created]()}
	testSubmitted = event{"testSubmitted", testresult.EventSubmitted, testresult.EventSubmittedVersion,
		"A stored submission of a test; the answers are in the database.", reflect.TypeFor[testresult.Submitted]()}
	testScored = event{"testScored", testresult.EventScored, testresult.EventScoredVersion,
		"A scored submission: points, percentage, points by category and the weakest categories.", reflect.TypeFor[testresult.Scored]()}
)

// channels are every topic, in the order of config.Topics.
var channels = []channel{
	{id: "todoCreate", title: "To-do creation", address: func(t Topics) string { return t.TodoCreate },
		description: "POST /v1/todos publishes here and answers 202 once the broker acknowledged.",
		sender:      "The API (POST /v1/todos), straight to the broker.", events: []event{todoCreateRequested}},
	{id: "taskEvents", title: "Task events", address: func(t Topics) string { return t.TaskEvents },
		description: "Every task change with the task's snapshot: the audit trail.",
		sender:      "The task store, through the outbox, in the transaction of the change.", events: []event{taskRecorded}},
	{id: "taskUpdates", title: "Task updates", address: func(t Topics) string { return t.TaskUpdates },
		description: "The changed fields of every task change: the live updates of GET /v1/ws.",
		sender:      "The task store, through the outbox, in the transaction of the change.", events: []event{taskChanged}},
	{id: "notificationRequest", title: "Notification requests", address: func(t Topics) string { return t.NotificationRequest },
		description: "Notifications to store and deliver; other producers may publish here too.",
		sender:      "The deadline reminders (task.due_soon, task.overdue), through the outbox.", events: []event{notificationRequested}},
	{id: "notificationCreated", title: "Stored notifications", address: func(t Topics) string { return t.NotificationCreated },
		description: "Every notification the notification-service stored, for the API instances to push to WebSocket clients.",
		sender:      "The notification store, in the transaction that adds the notification.", events: []event{notificationCreated}},
	{id: "testSubmissions", title: "Test submissions", address: func(t Topics) string { return t.TestSubmissions },
		description: "Submitted tests, for the result calculator.",
		sender:      "The submission store (POST /v1/tests/{id}/submissions), through the outbox.", events: []event{testSubmitted}},
	{id: "testResultsReady", title: "Test results", address: func(t Topics) string { return t.TestResultsReady },
		description: "Scored submissions, for notifications and analytics. A failed submission emits nothing.",
		sender:      "The result calculator, through the outbox, in the transaction that stores the score.", events: []event{testScored}},
	{id: "poison", title: "Parked messages", address: func(t Topics) string { return t.Poison },
		description: "Messages no consumer could process, with the original headers and payload and why they were parked; `taskstream poison list` and `replay` read them.",
		sender:      "Every consumer (after its retries) and the outbox relay.", parked: true},
}

// receivers are every consumer: the worker's, in their groups, and the API instances' live
// updates. The handler names are those of ports/messaging; a test holds them in step.
var receivers = []receiver{
	{handler: "todo-ingest", channel: "todoCreate", group: func(g Groups) string { return g.Todo },
		summary: "Stores the to-dos, in batches (idempotent by id; a tombstone keeps a deleted one deleted)."},
	{handler: "task-audit", channel: "taskEvents", group: func(g Groups) string { return g.Audit },
		summary: "Writes the task history (GET /v1/tasks/{id}/history)."},
	{handler: "websocket-task-updates", channel: "taskUpdates", group: func(g Groups) string { return g.WebSocket }, perInstance: true,
		summary: "Pushes each change to the owner's WebSocket connections on this API instance, from the newest message on."},
	{handler: "notification-service", channel: "notificationRequest", group: func(g Groups) string { return g.Notification },
		summary: "Stores the notification and delivers its channels (in_app, email, sms)."},
	{handler: "websocket-notifications", channel: "notificationCreated", group: func(g Groups) string { return g.WebSocket + "-notifications" }, perInstance: true,
		summary: "Pushes in-app notifications to the user's WebSocket connections on this API instance, from the newest message on."},
	{handler: "result-calculator", channel: "testSubmissions", group: func(g Groups) string { return g.Results },
		summary: "Scores the submissions, in batches."},
	{handler: "test-analytics", channel: "testResultsReady", group: func(g Groups) string { return g.Analytics },
		summary: "Keeps the statistics of each test (GET /v1/tests/{id}/stats)."},
	{handler: "notification-test-results", channel: "testResultsReady", group: func(g Groups) string { return g.Notification },
		summary: "Requests the test.scored notification of the submitter."},
}
