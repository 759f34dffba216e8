package httpport_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/taskstream/taskstream/adapters/memory"
	"github.com/taskstream/taskstream/adapters/notify"
	"github.com/taskstream/taskstream/application"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/di"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/domain/todo"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// testSecret signs the tests' HS256 tokens.
var testSecret = []byte("0123456789abcdef0123456789abcdef-test")

// recordedEvent is one create event a recordingEvents saw.
type recordedEvent struct {
	todo *todo.Todo
	meta shared.EventMeta
}

// recordingEvents is a command.TodoEvents that records what is published, or fails when fail is set.
type recordingEvents struct {
	mu     sync.Mutex
	fail   bool
	events []recordedEvent
}

func (r *recordingEvents) CreateRequested(_ context.Context, t *todo.Todo, meta shared.EventMeta) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return errors.New("broker down")
	}
	r.events = append(r.events, recordedEvent{todo: t, meta: meta})
	return nil
}

func (r *recordingEvents) published() []recordedEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recordedEvent(nil), r.events...)
}

// fixture is a real handler on real use cases, the in-memory to-do repository and the
// in-memory task store, which publishes on its own GoChannel.
type fixture struct {
	t       *testing.T
	handler http.Handler
	reg     *prometheus.Registry
	repo    *memory.TodoRepository
	events  *recordingEvents
	logs    *syncBuffer
	tasks   taskAdapters
	quizzes *memory.QuizStore
}

type fixtureOptions struct {
	failingBroker bool
	readiness     []httpport.ReadinessCheck
	auth          httpport.Authenticator
	cfg           httpport.Config
	// operator are the use cases of /v1/ops; none answers 503 there.
	operator httpport.OperatorCases
	// app, when set, may replace use cases, for example with one that fails.
	app func(*application.Application)
}

func newFixture(t *testing.T, opts fixtureOptions) *fixture {
	t.Helper()
	repo := memory.NewTodoRepository()
	events := &recordingEvents{fail: opts.failingBroker}
	tasks := newTaskAdapters(t)
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	app := buildApp(repo, events, tasks, logger)
	quizzes := tasks.quizzes
	if opts.app != nil {
		opts.app(&app)
	}
	auth := opts.auth
	if auth == nil {
		hs, err := httpport.NewHS256Authenticator(testSecret)
		if err != nil {
			t.Fatal(err)
		}
		auth = hs
	}
	reg := prometheus.NewRegistry()
	h, err := httpport.NewHandler(app, opts.cfg, httpport.Deps{
		Logger: logger, Authenticator: auth, Readiness: opts.readiness, Registry: reg, Gatherer: reg, Operator: opts.operator,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, handler: h, reg: reg, repo: repo, events: events, logs: logs, tasks: tasks, quizzes: quizzes}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// buildApp is the service's own application (di.NewApplication) on repo, events and the task
// adapters, with the fixture's ticking clock; notifications are in-app only (no sender is
// configured) and deadline reminders follow the default window.
func buildApp(repo *memory.TodoRepository, events command.TodoEvents, tasks taskAdapters, logger *slog.Logger) application.Application {
	reminders, err := memory.NewReminderStore(tasks.store, tasks.pubsub, "notification.request")
	if err != nil {
		panic(err)
	}
	policy, err := task.NewReminderPolicy(24*time.Hour, task.OverdueLookback)
	if err != nil {
		panic(err)
	}
	return di.NewApplication(di.Stores{
		Todos: repo, Tasks: tasks.store, TaskReader: tasks.store, Audit: tasks.audit, Reminders: reminders,
		Quizzes: tasks.quizzes, Scores: tasks.quizzes, QuizReader: tasks.quizzes,
		Notifications: tasks.notifications, NotificationReader: tasks.notifications,
	}, di.Services{
		TodoEvents: events,
		Delivery: command.NotificationDelivery{
			Email: notify.UnconfiguredEmail{Reason: "not configured in the tests"},
			SMS:   notify.UnconfiguredSMS{Reason: "not configured in the tests"}, MaxAttempts: 1,
		},
		Reminders: command.DeadlineReminderConfig{Policy: policy},
	}, di.Sources{
		Now:   tasks.clock.now,
		NewID: func() string { return uuid.Must(uuid.NewV7()).String() },
		KeyedID: func(user shared.UserID, key string) string {
			return uuid.NewSHA1(uuid.NameSpaceURL, []byte(string(user)+"\x00"+key)).String()
		},
		NamedID: func(name string) string { return uuid.NewSHA1(uuid.NameSpaceURL, []byte(name)).String() },
	}, logger, decorator.NopMetrics{})
}

// newFixtureApp is an application on fresh in-memory adapters.
func newFixtureApp(t *testing.T) application.Application {
	t.Helper()
	return buildApp(memory.NewTodoRepository(), &recordingEvents{}, newTaskAdapters(t), discardLogger())
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu sync.Mutex
	bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Buffer.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Buffer.String()
}

// token returns a valid bearer token for user, with roles in its roles claim.
func token(t *testing.T, user string, roles ...string) string {
	t.Helper()
	tok, err := httpport.IssueHS256Token(testSecret, user, time.Hour, httpport.WithRoles(roles...))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// request describes one call to the handler.
type request struct {
	method  string
	path    string
	user    string   // sends a token for this user when set
	roles   []string // the roles claim of user's token
	body    string
	headers map[string]string
	remote  string // the client's address, host:port; httptest's 192.0.2.1:1234 when empty
}

func (f *fixture) do(r request) *httptest.ResponseRecorder {
	f.t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	req := httptest.NewRequest(r.method, r.path, body)
	if r.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.user != "" {
		req.Header.Set("Authorization", "Bearer "+token(f.t, r.user, r.roles...))
	}
	for k, v := range r.headers {
		req.Header.Set(k, v)
	}
	if r.remote != "" {
		req.RemoteAddr = r.remote
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	return rec
}

// seed stores to-dos for user directly in the repository, created one second apart starting
// at base, and returns them oldest first.
func (f *fixture) seed(user string, n int, base time.Time) []*todo.Todo {
	f.t.Helper()
	todos := make([]*todo.Todo, 0, n)
	for i := range n {
		td, err := todo.New(uuid.NewString(), shared.UserID(user), fmt.Sprintf("todo %d", i), "", base.Add(time.Duration(i)*time.Second))
		if err != nil {
			f.t.Fatal(err)
		}
		td.SetCompleted(i%2 == 1)
		todos = append(todos, td)
	}
	if _, err := f.repo.AddBatch(context.Background(), todos); err != nil {
		f.t.Fatal(err)
	}
	return todos
}

// problemBody is a problem document as a client reads it.
type problemBody struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail"`
	Instance  string            `json:"instance"`
	RequestID string            `json:"request_id"`
	Errors    []fieldErrorBody  `json:"errors"`
	Checks    map[string]string `json:"checks"`
}

type fieldErrorBody struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// decodeProblem checks that rec is a problem with status and returns it.
func decodeProblem(t *testing.T, rec *httptest.ResponseRecorder, status int) problemBody {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type = %q, want application/problem+json", ct)
	}
	var p problemBody
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("problem body: %v: %s", err, rec.Body)
	}
	if p.Status != status || !strings.HasPrefix(p.Type, "https://taskstream.dev/problems/") || p.Title == "" {
		t.Fatalf("malformed problem: %+v", p)
	}
	return p
}

// decodeJSON decodes rec's body into a value of type T.
func decodeJSON[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("body: %v: %s", err, rec.Body)
	}
	return v
}

// todoBody is a to-do as a client reads it.
type todoBody struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Completed   bool   `json:"completed"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
}

type listBody struct {
	Items      []todoBody `json:"items"`
	NextCursor string     `json:"next_cursor"`
}
