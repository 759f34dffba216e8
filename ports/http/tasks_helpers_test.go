package httpport_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/memory"
	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// taskTopics are the topics the fixture's task store publishes on.
var taskTopics = messages.TaskTopics{Events: "task-events", Updates: "task-updates"}

// taskEpoch is the first time the task use cases' clock tells; each call is one second later,
// so every change of a task has its own updated_at and the tests can name it exactly.
var taskEpoch = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// tickingClock tells taskEpoch, then one second more at every call. It is safe for concurrent use.
type tickingClock struct {
	mu    sync.Mutex
	ticks int
}

func (c *tickingClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ticks++
	return taskEpoch.Add(time.Duration(c.ticks-1) * time.Second)
}

// taskAdapters are the in-memory task store and audit log, and the GoChannel the store
// publishes on (a test may subscribe to it before it sends requests).
type taskAdapters struct {
	store  *memory.TaskStore
	audit  *memory.AuditLog
	pubsub *gochannel.GoChannel
	clock  *tickingClock
	// quizzes is the quiz store, on the same GoChannel.
	quizzes *memory.QuizStore
	// notifications is the in-memory notification store of the same application.
	notifications *memory.NotificationStore
}

func newTaskAdapters(t *testing.T) taskAdapters {
	t.Helper()
	pubsub := gochannel.NewGoChannel(gochannel.Config{}, watermill.NopLogger{})
	t.Cleanup(func() { _ = pubsub.Close() })
	audit := memory.NewAuditLog()
	store, err := memory.NewTaskStore(pubsub, taskTopics, audit)
	if err != nil {
		t.Fatal(err)
	}
	quizzes, err := memory.NewQuizStore(pubsub, messages.QuizTopics{Submissions: "test_submissions", ResultsReady: "test_results_ready"})
	if err != nil {
		t.Fatal(err)
	}
	notifications, err := memory.NewNotificationStore(pubsub, "notification.created")
	if err != nil {
		t.Fatal(err)
	}
	return taskAdapters{store: store, audit: audit, pubsub: pubsub, clock: &tickingClock{}, quizzes: quizzes, notifications: notifications}
}

// taskSpec describes a task to seed; zero fields take New's defaults.
type taskSpec struct {
	user     string
	title    string
	status   task.Status
	priority task.Priority
	due      time.Time
	at       time.Time // created_at
}

// seedTask stores a task directly in the store, at version 1, and returns it.
func (f *fixture) seedTask(s taskSpec) *task.Task {
	f.t.Helper()
	if s.title == "" {
		s.title = "task"
	}
	if s.at.IsZero() {
		s.at = seedBase
	}
	t, err := task.New(uuid.NewString(), shared.UserID(s.user), s.title, "", s.priority, s.due, s.at)
	if err != nil {
		f.t.Fatal(err)
	}
	if !s.status.IsZero() {
		if err := t.MoveTo(s.status); err != nil {
			f.t.Fatal(err)
		}
	}
	if _, err := f.tasks.store.Add(context.Background(), task.NewChange(task.ActionCreated, t), shared.EventMeta{}); err != nil {
		f.t.Fatal(err)
	}
	return t
}

// createTask creates a task for user through the API and returns it.
func (f *fixture) createTask(user, body string) taskBody {
	f.t.Helper()
	rec := f.do(request{method: http.MethodPost, path: "/v1/tasks", user: user, body: body})
	if rec.Code != http.StatusCreated {
		f.t.Fatalf("create task: %d %s", rec.Code, rec.Body)
	}
	return decodeJSON[taskBody](f.t, rec)
}

// storedTask reads the user's task from the store, failing the test when it is missing.
func (f *fixture) storedTask(user, id string) task.Snapshot {
	f.t.Helper()
	t, err := f.tasks.store.Get(context.Background(), shared.UserID(user), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return t.Snapshot()
}

// record appends an audit entry for snap to the audit log, as the audit consumer would.
func (f *fixture) record(eventID string, action task.Action, snap task.Snapshot) {
	f.t.Helper()
	if _, err := f.tasks.audit.Record(context.Background(), task.AuditEntry{
		EventID: eventID, Action: action, Task: snap, At: snap.UpdatedAt,
	}); err != nil {
		f.t.Fatal(err)
	}
}

// taskBody is a task as a client reads it.
type taskBody struct {
	ID          string  `json:"id"`
	Title       string  `json:"title"`
	Description string  `json:"description"`
	Status      string  `json:"status"`
	Priority    string  `json:"priority"`
	DueAt       *string `json:"due_at"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
	Version     int64   `json:"version"`
}

// etag is the ETag the API must send with the task.
func (b taskBody) etag() string { return fmt.Sprintf("%q", fmt.Sprint(b.Version)) }

type taskListBody struct {
	Items      []taskBody `json:"items"`
	NextCursor string     `json:"next_cursor"`
}

type historyBody struct {
	Items []struct {
		EventID string   `json:"event_id"`
		Action  string   `json:"action"`
		Version int64    `json:"version"`
		At      string   `json:"at"`
		Task    taskBody `json:"task"`
	} `json:"items"`
}

// at formats a time as the API writes it.
func at(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }
