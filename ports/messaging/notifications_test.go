package messaging_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
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
		return shared.Unavailable(notification.ReasonEmailUnavailable, errors.New("dial tcp: connection refused")) // as adapters/notify reports it
	}
	s.emails++
	return nil
}

func (s *countingSenders) SendSMS(context.Context, command.SMS) error { return nil }

var (
	pushNow  = func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }
	scoredID = func(string) string { return "0193a8e2-7b1c-7cde-8f00-0000000000c1" }
)

// createdTopic is the topic the notification store emits its created events on.
const createdTopic = "notification.created"

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

func (p *capturingPublisher) published() []*message.Message {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.msgs)
}

// notifications is the notification-service on an in-memory store, and what the store emitted.
type notifications struct {
	*messaging.Notifications
	store   *memory.NotificationStore
	emitted *capturingPublisher
}

func newNotifications(t *testing.T, senders *countingSenders) notifications {
	t.Helper()
	pub := &capturingPublisher{}
	store, err := memory.NewNotificationStore(pub, createdTopic)
	if err != nil {
		t.Fatal(err)
	}
	request := command.NewHandleNotificationRequestHandler(store, command.NotificationDelivery{Email: senders, SMS: senders, MaxAttempts: 2}, pushNow)
	scored := command.NewNotifyQuizScoredHandler(request, scoredID)
	return notifications{Notifications: messaging.NewNotifications(request, scored), store: store, emitted: pub}
}

func newPush() (*messaging.NotificationPush, *recordingHub) {
	hub := &recordingHub{}
	return messaging.NewNotificationPush(hub, slog.New(slog.DiscardHandler)), hub
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
	Type string               `json:"type"`
	ID   string               `json:"id"`
	Data notification.Created `json:"data"`
}

// A request is stored and sent once, also when it comes twice.
func TestNotificationRequestIsStoredAndSentOnce(t *testing.T) {
	t.Parallel()
	senders := &countingSenders{}
	h := newNotifications(t, senders)
	store := h.store
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

// createdEvent is the notification.created event of n as the store emits it.
func createdEvent(t *testing.T, n *notification.Notification) *message.Message {
	t.Helper()
	return event(t, notification.EventCreated, string(n.UserID()), n.CreatedEvent())
}

func newNotification(t *testing.T, r notification.Requested) *notification.Notification {
	t.Helper()
	n, err := notification.New(r, pushNow())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The frame is the event's payload as it is, under the notification's id, for the event's user
// only; a redelivered event is pushed again (clients skip ids they have seen).
func TestNotificationPushSendsThePayloadAsTheFrame(t *testing.T) {
	t.Parallel()
	p, hub := newPush()
	msg := createdEvent(t, newNotification(t, requested()))
	for range 2 {
		if err := p.Handle(msg); err != nil {
			t.Fatal(err)
		}
	}
	frames := hub.of("alice")
	if len(frames) != 2 {
		t.Fatalf("%d frames, want one per message", len(frames))
	}
	want := `{"type":"notification.created","id":"` + requested().ID + `","data":` + string(msg.Payload) + `}`
	if string(frames[0]) != want {
		t.Errorf("frame\n got %s\nwant %s", frames[0], want)
	}
	var f frame
	if err := json.Unmarshal(frames[0], &f); err != nil {
		t.Fatal(err)
	}
	if f.Data.Title != "Due soon" || len(f.Data.Deliveries) != 2 || f.Data.Deliveries[0].Status != "sent" ||
		f.Data.Deliveries[1].Channel != "email" || f.Data.Deliveries[1].Status != "pending" {
		t.Errorf("frame %s", frames[0])
	}
	if n := len(hub.of("bob")); n != 0 {
		t.Errorf("%d frames for another user", n)
	}
}

// What is not an in-app notification, or cannot be read, is not pushed and not refused: the
// notification is stored, and parking the event on every API instance would only repeat it.
func TestNotificationPushSkipsWhatItCannotUse(t *testing.T) {
	t.Parallel()
	p, hub := newPush()
	emailOnly := requested()
	emailOnly.Channels = []notification.Channel{notification.ChannelEmail}
	malformed := createdEvent(t, newNotification(t, requested()))
	malformed.Payload = []byte(`{`)
	// A whole in-app notification, which would be pushed but for the version it does not read.
	newerMajor := createdEvent(t, newNotification(t, requested()))
	newerMajor.Metadata.Set(envelope.KeySchemaVersion, "2.0")
	noUser := createdEvent(t, newNotification(t, requested()))
	noUser.Metadata.Set(envelope.KeyUserID, "")
	wrongType := event(t, notification.EventRequested, "alice", requested())
	for name, msg := range map[string]*message.Message{
		"email only": createdEvent(t, newNotification(t, emailOnly)), "malformed": malformed,
		"newer major version": newerMajor, "no user": noUser, "a request, not a created event": wrongType,
	} {
		if err := p.Handle(msg); err != nil {
			t.Errorf("%s: %v, want nil", name, err)
		}
	}
	if n := len(hub.of("alice")) + len(hub.of("")); n != 0 {
		t.Errorf("%d frames pushed, want none", n)
	}
}

// The notification-service's store emits one created event per stored notification, also when
// the request comes twice, and the push makes it the frame of the notification as stored.
func TestStoredNotificationIsPushedAsStored(t *testing.T) {
	t.Parallel()
	h := newNotifications(t, &countingSenders{})
	p, hub := newPush()
	for range 2 {
		if err := h.HandleRequest(event(t, notification.EventRequested, "alice", requested())); err != nil {
			t.Fatal(err)
		}
	}
	emitted := h.emitted.published()
	if len(emitted) != 1 {
		t.Fatalf("%d created events, want 1", len(emitted))
	}
	if err := p.Handle(emitted[0]); err != nil {
		t.Fatal(err)
	}
	var f frame
	if frames := hub.of("alice"); len(frames) != 1 || json.Unmarshal(frames[0], &f) != nil {
		t.Fatalf("frames %q, want one", frames)
	}
	if f.ID != requested().ID || f.Data.Title != "Due soon" || !f.Data.CreatedAt.Equal(pushNow()) || f.Data.Deliveries[1].Status != "pending" {
		t.Errorf("frame %+v, want the notification as stored, before its email was sent", f)
	}
}

// A failing channel fails the message (retried), the frame is pushed on the first pass only,
// and the retry that reaches the limit fails the channel and acknowledges the message.
func TestNotificationRequestFailingChannelIsRetriedThenFailed(t *testing.T) {
	t.Parallel()
	senders := &countingSenders{failEmail: true}
	h := newNotifications(t, senders)
	store := h.store
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
	if d, _ := n.Delivery("email"); d.Status != notification.StatusFailed || d.Reason != notification.ReasonEmailUnavailable || d.Attempts != 2 {
		t.Errorf("email %+v", d)
	}
}

func TestNotificationRequestRefusesWhatItCannotApply(t *testing.T) {
	t.Parallel()
	h := newNotifications(t, &countingSenders{})
	store := h.store
	malformed := event(t, notification.EventRequested, "alice", requested())
	malformed.Payload = []byte(`{"id":`)
	missingFields := event(t, notification.EventRequested, "alice", map[string]any{"id": requested().ID, "colour": "red"})
	noChannel := requested()
	noChannel.Channels = nil
	otherUser := event(t, notification.EventRequested, "mallory", requested())
	wrongType := event(t, "taskstream.something.else", "alice", requested())
	for name, msg := range map[string]*message.Message{
		"malformed JSON": malformed, "missing required fields": missingFields, "no channel": event(t, notification.EventRequested, "alice", noChannel),
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
	h := newNotifications(t, &countingSenders{})
	store := h.store
	ev := testresult.Scored{SubmissionID: "0193a8e2-7b1c-7cde-8f00-0000000000b1", QuizID: "0193a8e2-7b1c-7cde-8f00-0000000000b2",
		QuizTitle: "Go basics", UserID: "alice", Points: 9, MaxPoints: 12, Percentage: 75, ScoredAt: time.Now()}
	for range 2 { // two messages, one submission
		msg := event(t, testresult.EventScored, "alice", ev)
		if err := h.HandleScored(msg); err != nil {
			t.Fatal(err)
		}
	}
	page, _ := store.List(context.Background(), notification.ListQuery{UserID: "alice", Limit: 10})
	if len(page.Items) != 1 || page.Items[0].Title() != "Your result for Go basics is ready: 75%" || page.Items[0].Type() != "test.scored" {
		t.Fatalf("stored %d notifications", len(page.Items))
	}
	if emitted := h.emitted.published(); len(emitted) != 1 {
		t.Errorf("%d created events, want one for the one notification", len(emitted))
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
