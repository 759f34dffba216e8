package messaging_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/memory"
	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/domain/todo"
	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/ports/messaging"
)

// A rolling upgrade deploys producers before some consumers. Every consumer must apply an event
// of a newer minor version, whose payload has fields it does not know, and park (or, for the
// live push, skip) an event of a newer major version with a reason that names the version.

// newerMinor returns a copy of msg as a producer one minor version ahead writes it: version
// 1.1, an added top-level field and an added field in every nested object.
func newerMinor(t *testing.T, msg *message.Message) *message.Message {
	t.Helper()
	var payload map[string]any
	if err := json.Unmarshal(msg.Payload, &payload); err != nil {
		t.Fatal(err)
	}
	addField(payload)
	body, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	out := message.NewMessage(uuid.NewString(), body)
	out.Metadata = maps.Clone(msg.Metadata)
	out.Metadata.Set(envelope.KeyID, out.UUID)
	out.Metadata.Set(envelope.KeySchemaVersion, "1.1")
	return out
}

func addField(v any) {
	switch v := v.(type) {
	case map[string]any:
		for _, child := range v {
			addField(child)
		}
		v["added_in_1_1"] = map[string]any{"priority_hint": 3, "labels": []string{"x"}}
	case []any:
		for _, child := range v {
			addField(child)
		}
	}
}

// newerMajor returns a copy of msg under schema version 2.0.
func newerMajor(msg *message.Message) *message.Message {
	out := message.NewMessage(uuid.NewString(), msg.Payload)
	out.Metadata = maps.Clone(msg.Metadata)
	out.Metadata.Set(envelope.KeyID, out.UUID)
	out.Metadata.Set(envelope.KeySchemaVersion, "2.0")
	return out
}

const wantMajorReason = `ce_schemaversion "2.0" is a newer major version than 1`

// parksNewerMajor runs handle as a consumer and checks that an event of version 2.0 is parked
// at once, its reason naming the version.
func parksNewerMajor(t *testing.T, handle func(*message.Message) error, msg *message.Message) {
	t.Helper()
	in, parked := runConsumer(t, handle)
	if err := in.Publish("in", newerMajor(msg)); err != nil {
		t.Fatal(err)
	}
	m := awaitParked(t, parked)
	if reason := m.Metadata.Get(envelope.KeyPoisonReason); !strings.Contains(reason, wantMajorReason) {
		t.Errorf("parked with reason %q, want one with %q", reason, wantMajorReason)
	}
}

func TestEveryConsumerReadsANewerMinorVersionAndParksANewerMajor(t *testing.T) {
	t.Parallel()
	t.Run("todo-ingest", testTodoIngestVersions)
	t.Run("result-calculator", testResultCalculatorVersions)
	t.Run("analytics", testAnalyticsVersions)
	t.Run("task-audit", testTaskAuditVersions)
	t.Run("websocket-task-updates", testTaskUpdatesVersions)
	t.Run("notification-service request", testNotificationRequestVersions)
	t.Run("notification-service scored", testNotificationScoredVersions)
	t.Run("websocket-notifications", testNotificationPushVersions)
}

func testTodoIngestVersions(t *testing.T) {
	t.Parallel()
	repo := memory.NewTodoRepository()
	h := messaging.NewTodoIngest(command.NewIngestTodosHandler(repo))
	ev := todo.CreateRequested{ID: uuid.NewString(), UserID: "alice", Title: "ok", CreatedAt: time.Now().UTC()}
	msg := createEvent(t, ev)
	rejected, err := h.Handle(context.Background(), []*message.Message{newerMinor(t, msg), newerMajor(msg)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.Get(context.Background(), "alice", ev.ID); err != nil {
		t.Errorf("the 1.1 to-do was not stored: %v", err)
	}
	if len(rejected) != 1 || !strings.Contains(rejected[0].Reason.Error(), wantMajorReason) {
		t.Errorf("rejected %+v, want the 2.0 event with %q", rejected, wantMajorReason)
	}
}

func testResultCalculatorVersions(t *testing.T) {
	t.Parallel()
	pubsub := gochannel.NewGoChannel(gochannel.Config{}, watermill.NopLogger{})
	t.Cleanup(func() { _ = pubsub.Close() })
	topics := messages.QuizTopics{Submissions: "test_submissions", ResultsReady: "test_results_ready"}
	store, err := memory.NewQuizStore(pubsub, topics)
	if err != nil {
		t.Fatal(err)
	}
	ctx, now := context.Background(), time.Now()
	quiz, err := testresult.NewQuiz(uuid.NewString(), "owner", "Quiz", []testresult.QuestionSpec{{
		ID: "q1", Text: "?", Kind: "single", Category: "go", Points: 1,
		Options: []testresult.Option{{ID: "a", Text: "A"}, {ID: "b", Text: "B"}}, Correct: []string{"b"},
	}}, testresult.QuizSettings{}, now)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := testresult.NewSubmission(uuid.NewString(), quiz, "taker", map[string][]string{"q1": {"b"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.AddQuiz(ctx, quiz); err != nil {
		t.Fatal(err)
	}
	if _, err := store.AddSubmission(ctx, sub, func(int) error { return nil }, shared.EventMeta{}); err != nil {
		t.Fatal(err)
	}
	msgs, err := messages.QuizSubmitted(sub, shared.EventMeta{}, topics)
	if err != nil {
		t.Fatal(err)
	}
	h := messaging.NewResultCalculator(command.NewScoreSubmissionsHandler(store, time.Now), 1)
	rejected, err := h.Handle(ctx, []*message.Message{newerMinor(t, msgs[0].Message), newerMajor(msgs[0].Message)})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := store.GetSubmission(ctx, "taker", sub.ID()); err != nil || got.Status() != testresult.StatusScored {
		t.Errorf("the 1.1 submission: %v, want it scored", err)
	}
	if len(rejected) != 1 || !strings.Contains(rejected[0].Reason.Error(), wantMajorReason) {
		t.Errorf("rejected %+v, want the 2.0 event with %q", rejected, wantMajorReason)
	}
}

func scoredEvent(t *testing.T) (testresult.Scored, *message.Message) {
	t.Helper()
	ev := testresult.Scored{SubmissionID: uuid.NewString(), QuizID: uuid.NewString(), QuizTitle: "Go basics", UserID: "alice",
		Points: 9, MaxPoints: 12, Percentage: 75, Categories: []testresult.CategoryScore{{Category: "go", Points: 9, MaxPoints: 12, Percentage: 75}},
		Weakest: []string{"go"}, SubmittedAt: time.Now().UTC(), ScoredAt: time.Now().UTC()}
	return ev, event(t, testresult.EventScored, "alice", ev)
}

func testAnalyticsVersions(t *testing.T) {
	t.Parallel()
	store, err := memory.NewQuizStore(&capturingPublisher{}, messages.QuizTopics{Submissions: "s", ResultsReady: "r"})
	if err != nil {
		t.Fatal(err)
	}
	h := messaging.NewQuizAnalytics(command.NewRecordQuizScoreHandler(store))
	ev, msg := scoredEvent(t)
	if err := h.Handle(newerMinor(t, msg)); err != nil {
		t.Fatalf("the 1.1 event: %v", err)
	}
	if scores, err := store.Scores(context.Background(), ev.QuizID); err != nil || len(scores) != 1 || scores[0].Percentage != 75 {
		t.Errorf("scores %v, %v; want the 1.1 event's 75", scores, err)
	}
	parksNewerMajor(t, h.Handle, msg)
}

func testTaskAuditVersions(t *testing.T) {
	t.Parallel()
	log := memory.NewAuditLog()
	h := messaging.NewTaskAudit(command.NewRecordTaskEventHandler(log))
	msg := taskEvent(t)
	if err := h.Handle(newerMinor(t, msg)); err != nil {
		t.Fatalf("the 1.1 event: %v", err)
	}
	if entries, err := log.History(context.Background(), "alice", "01934b6e-0000-7000-8000-0000000000aa"); err != nil || len(entries) != 1 {
		t.Errorf("history %+v, %v; want the 1.1 event recorded", entries, err)
	}
	parksNewerMajor(t, h.Handle, msg)
}

func testTaskUpdatesVersions(t *testing.T) {
	t.Parallel()
	hub := &recordingHub{}
	h := messaging.NewTaskUpdates(hub)
	msg := changedEvent(t, task.Changed{TaskID: uuid.NewString(), UserID: "alice", Action: "updated", Version: 2,
		Changes: map[string]any{"title": "new"}, At: time.Now().UTC()})
	if err := h.Handle(newerMinor(t, msg)); err != nil {
		t.Fatalf("the 1.1 event: %v", err)
	}
	if n := len(hub.of("alice")); n != 1 {
		t.Errorf("%d frames, want the 1.1 event's", n)
	}
	parksNewerMajor(t, h.Handle, msg)
}

func testNotificationRequestVersions(t *testing.T) {
	t.Parallel()
	h := newNotifications(t, &countingSenders{})
	msg := event(t, notification.EventRequested, "alice", requested())
	if err := h.HandleRequest(newerMinor(t, msg)); err != nil {
		t.Fatalf("the 1.1 event: %v", err)
	}
	if _, err := h.store.Get(context.Background(), "alice", requested().ID); err != nil {
		t.Errorf("the 1.1 request was not stored: %v", err)
	}
	parksNewerMajor(t, h.HandleRequest, msg)
}

func testNotificationScoredVersions(t *testing.T) {
	t.Parallel()
	h := newNotifications(t, &countingSenders{})
	_, msg := scoredEvent(t)
	if err := h.HandleScored(newerMinor(t, msg)); err != nil {
		t.Fatalf("the 1.1 event: %v", err)
	}
	if page, err := h.store.List(context.Background(), notification.ListQuery{UserID: "alice", Limit: 10}); err != nil || len(page.Items) != 1 {
		t.Errorf("stored %+v, %v; want the 1.1 event's notification", page.Items, err)
	}
	parksNewerMajor(t, h.HandleScored, msg)
}

// The live push never parks (every API instance reads the topic; see NotificationPush): it
// skips a newer major version with a warning that names it.
func testNotificationPushVersions(t *testing.T) {
	t.Parallel()
	hub := &recordingHub{}
	var logs bytes.Buffer
	p := messaging.NewNotificationPush(hub, slog.New(slog.NewTextHandler(&logs, nil)))
	msg := createdEvent(t, newNotification(t, requested()))
	if err := p.Handle(newerMinor(t, msg)); err != nil {
		t.Fatalf("the 1.1 event: %v", err)
	}
	if n := len(hub.of("alice")); n != 1 {
		t.Fatalf("%d frames, want the 1.1 event's", n)
	}
	if err := p.Handle(newerMajor(msg)); err != nil {
		t.Fatalf("the 2.0 event: %v, want it skipped", err)
	}
	if n := len(hub.of("alice")); n != 1 {
		t.Errorf("%d frames, want the 2.0 event not pushed", n)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), `\"2.0\" is a newer major version`) {
		t.Errorf("no warning naming the version in %q", logs.String())
	}
}
