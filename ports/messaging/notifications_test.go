package messaging_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/memory"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/ports/messaging"
)

// recordingHub is a LiveHub that keeps the frames.
type recordingHub struct {
	mu     sync.Mutex
	frames map[string][][]byte
}

func (h *recordingHub) Publish(user string, frame []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.frames == nil {
		h.frames = map[string][][]byte{}
	}
	h.frames[user] = append(h.frames[user], frame)
}

func (h *recordingHub) of(user string) [][]byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.frames[user]
}

// countingSenders counts sends; email fails while failEmail is set.
type countingSenders struct {
	mu        sync.Mutex
	emails    int
	failEmail bool
}

func (s *countingSenders) SendEmail(context.Context, command.Email) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failEmail {
		return errors.New("smtp: connection refused")
	}
	s.emails++
	return nil
}

func (s *countingSenders) SendSMS(context.Context, command.SMS) error { return nil }

var (
	pushNow  = func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }
	scoredID = func(string) string { return "0193a8e2-7b1c-7cde-8f00-0000000000c1" }
)

func newNotifications(t *testing.T, senders *countingSenders) (*messaging.Notifications, *memory.NotificationStore) {
	t.Helper()
	store, err := memory.NewNotificationStore(&capturingPublisher{}, "notification.created")
	if err != nil {
		t.Fatal(err)
	}
	request := command.NewHandleNotificationRequestHandler(store, command.NotificationDelivery{Email: senders, SMS: senders, MaxAttempts: 2}, pushNow)
	scored := command.NewNotifyQuizScoredHandler(request, scoredID)
	return messaging.NewNotifications(request, scored), store
}

// capturingPublisher keeps what it is given.
type capturingPublisher struct {
	mu   sync.Mutex
	msgs []*message.Message
}

func (p *capturingPublisher) Publish(_ string, msgs ...*message.Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.msgs = append(p.msgs, msgs...)
	return nil
}

func (p *capturingPublisher) Close() error { return nil }

func newPush() (*messaging.NotificationPush, *recordingHub) {
	hub := &recordingHub{}
	return messaging.NewNotificationPush(hub, scoredID, pushNow, slog.New(slog.DiscardHandler)), hub
}

func event(t *testing.T, typ, user string, payload any) *message.Message {
	t.Helper()
	msg, err := envelope.New(envelope.Event{Type: typ, SchemaVersion: "1", UserID: user, Time: time.Now(), Payload: payload})
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

func requested() notification.Requested {
	return notification.Requested{
		ID: "0193a8e2-7b1c-7cde-8f00-0000000000a1", UserID: "alice", Type: notification.TypeTaskDueSoon,
		Title: "Due soon", Message: "Write the report", Email: "alice@example.com",
		Channels: []notification.Channel{notification.ChannelInApp, notification.ChannelEmail},
	}
}

type frame struct {
	Type string                     `json:"type"`
	ID   string                     `json:"id"`
	Data messaging.NotificationJSON `json:"data"`
}

// A request is stored and sent once, also when it comes twice.
func TestNotificationRequestIsStoredAndSentOnce(t *testing.T) {
	t.Parallel()
	senders := &countingSenders{}
	h, store := newNotifications(t, senders)
	msg := event(t, notification.EventRequested, "alice", requested())
	for range 2 {
		if err := h.HandleRequest(msg); err != nil {
			t.Fatal(err)
		}
	}
	if senders.emails != 1 {
		t.Fatalf("%d emails, want one", senders.emails)
	}
	n, err := store.Get(context.Background(), "alice", requested().ID)
	if err != nil || len(n.Pending()) != 0 {
		t.Fatalf("stored %v, %v", n, err)
	}
	if d, _ := n.Delivery("email"); d.Status != notification.StatusSent {
		t.Errorf("email %+v", d)
	}
}

// The API instances push the in-app notification a request asks for, once, as a
// notification.created frame with the service's id, texts and initial channel status.
func TestNotificationPushSendsTheFrame(t *testing.T) {
	t.Parallel()
	p, hub := newPush()
	for range 2 { // the same notification in two messages: pushed once
		if err := p.HandleRequest(event(t, notification.EventRequested, "alice", requested())); err != nil {
			t.Fatal(err)
		}
	}
	frames := hub.of("alice")
	if len(frames) != 1 {
		t.Fatalf("%d frames, want 1", len(frames))
	}
	var f frame
	if err := json.Unmarshal(frames[0], &f); err != nil {
		t.Fatal(err)
	}
	if f.Type != "notification.created" || f.ID != requested().ID || f.Data.Title != "Due soon" || len(f.Data.Deliveries) != 2 ||
		f.Data.Deliveries[0].Status != "sent" || f.Data.Deliveries[1].Channel != "email" || f.Data.Deliveries[1].Status != "pending" {
		t.Errorf("frame %s", frames[0])
	}
}

// What is not an in-app notification, or cannot be read, is not pushed and not refused (the
// notification-service parks what it cannot apply).
func TestNotificationPushSkipsWhatItCannotUse(t *testing.T) {
	t.Parallel()
	p, hub := newPush()
	emailOnly := requested()
	emailOnly.Channels = []notification.Channel{notification.ChannelEmail}
	noChannel := requested()
	noChannel.Channels = nil
	malformed := event(t, notification.EventRequested, "alice", requested())
	malformed.Payload = []byte(`{`)
	for name, msg := range map[string]*message.Message{
		"email only": event(t, notification.EventRequested, "alice", emailOnly), "invalid": event(t, notification.EventRequested, "alice", noChannel),
		"malformed": malformed, "user header differs": event(t, notification.EventRequested, "mallory", requested()),
	} {
		if err := p.HandleRequest(msg); err != nil {
			t.Errorf("%s: %v, want nil", name, err)
		}
	}
	if n := len(hub.of("alice")) + len(hub.of("mallory")); n != 0 {
		t.Errorf("%d frames pushed, want none", n)
	}
}

// A failing channel fails the message (retried), the frame is pushed on the first pass only,
// and the retry that reaches the limit fails the channel and acknowledges the message.
func TestNotificationRequestFailingChannelIsRetriedThenFailed(t *testing.T) {
	t.Parallel()
	senders := &countingSenders{failEmail: true}
	h, store := newNotifications(t, senders)
	msg := event(t, notification.EventRequested, "alice", requested())
	if err := h.HandleRequest(msg); err == nil || shared.KindOf(err) == shared.KindInvalid {
		t.Fatalf("first pass: %v, want a retryable error", err)
	}
	if err := h.HandleRequest(msg); err != nil {
		t.Fatalf("last attempt: %v, want nil", err)
	}
	n, err := store.Get(context.Background(), "alice", requested().ID)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := n.Delivery("email"); d.Status != notification.StatusFailed || d.Reason != "smtp: connection refused" || d.Attempts != 2 {
		t.Errorf("email %+v", d)
	}
}

func TestNotificationRequestRefusesWhatItCannotApply(t *testing.T) {
	t.Parallel()
	h, store := newNotifications(t, &countingSenders{})
	malformed := event(t, notification.EventRequested, "alice", requested())
	malformed.Payload = []byte(`{"id":`)
	unknownField := event(t, notification.EventRequested, "alice", map[string]any{"id": requested().ID, "colour": "red"})
	noChannel := requested()
	noChannel.Channels = nil
	otherUser := event(t, notification.EventRequested, "mallory", requested())
	wrongType := event(t, "taskstream.something.else", "alice", requested())
	for name, msg := range map[string]*message.Message{
		"malformed JSON": malformed, "unknown field": unknownField, "no channel": event(t, notification.EventRequested, "alice", noChannel),
		"user header differs": otherUser, "wrong type": wrongType,
	} {
		if err := h.HandleRequest(msg); shared.KindOf(err) != shared.KindInvalid {
			t.Errorf("%s: %v, want an invalid-kind error (parked at once)", name, err)
		}
	}
	if page, _ := store.List(context.Background(), notification.ListQuery{UserID: "alice", Limit: 10}); len(page.Items) != 0 {
		t.Error("a refused request was stored")
	}
}

func TestQuizScoredBecomesOneInAppNotification(t *testing.T) {
	t.Parallel()
	h, store := newNotifications(t, &countingSenders{})
	p, hub := newPush()
	ev := testresult.Scored{SubmissionID: "0193a8e2-7b1c-7cde-8f00-0000000000b1", QuizID: "0193a8e2-7b1c-7cde-8f00-0000000000b2",
		QuizTitle: "Go basics", UserID: "alice", Points: 9, MaxPoints: 12, Percentage: 75, ScoredAt: time.Now()}
	for range 2 { // two messages, one submission
		msg := event(t, testresult.EventScored, "alice", ev)
		if err := h.HandleScored(msg); err != nil {
			t.Fatal(err)
		}
		if err := p.HandleScored(msg); err != nil {
			t.Fatal(err)
		}
	}
	page, _ := store.List(context.Background(), notification.ListQuery{UserID: "alice", Limit: 10})
	if len(page.Items) != 1 || page.Items[0].Title() != "Your result for Go basics is ready: 75%" || page.Items[0].Type() != "test.scored" {
		t.Fatalf("stored %d notifications", len(page.Items))
	}
	var f frame
	if frames := hub.of("alice"); len(frames) != 1 || json.Unmarshal(frames[0], &f) != nil || f.ID != page.Items[0].ID() || f.Data.Title != page.Items[0].Title() {
		t.Errorf("frames %q, want one of the stored notification", frames)
	}
	bad := event(t, testresult.EventScored, "alice", ev)
	bad.Payload = []byte(`[]`)
	if err := h.HandleScored(bad); shared.KindOf(err) != shared.KindInvalid {
		t.Errorf("bad payload: %v, want invalid", err)
	}
	if err := h.HandleScored(event(t, testresult.EventScored, "mallory", ev)); shared.KindOf(err) != shared.KindInvalid {
		t.Errorf("user header differs: %v, want invalid", err)
	}
}
