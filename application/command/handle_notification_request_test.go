package command_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/taskstream/taskstream/adapters/memory"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// fakeSenders records what is sent and fails the sends its failures say.
type fakeSenders struct {
	mu        sync.Mutex
	emails    []command.Email
	sms       []command.SMS
	failEmail error
	failSMS   error
}

func (f *fakeSenders) SendEmail(_ context.Context, e command.Email) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failEmail != nil {
		return f.failEmail
	}
	f.emails = append(f.emails, e)
	return nil
}

func (f *fakeSenders) SendSMS(_ context.Context, m command.SMS) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failSMS != nil {
		return f.failSMS
	}
	f.sms = append(f.sms, m)
	return nil
}

func (f *fakeSenders) sent() (int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.emails), len(f.sms)
}

func (f *fakeSenders) set(email, sms error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failEmail, f.failSMS = email, sms
}

const notificationID = "0193a8e2-7b1c-7cde-8f00-0000000000a1"

func request() notification.Requested {
	return notification.Requested{
		ID: notificationID, UserID: "alice", Type: notification.TypeTaskOverdue, Title: "Overdue", Message: "Write the report",
		Email: "alice@example.com", Phone: "+4915112345678",
		Channels: []notification.Channel{notification.ChannelInApp, notification.ChannelEmail, notification.ChannelSMS},
	}
}

func newRequestHandler(store notification.Repository, senders *fakeSenders, attempts int) command.HandleNotificationRequestHandler {
	return command.NewHandleNotificationRequestHandler(store, command.NotificationDelivery{Email: senders, SMS: senders, MaxAttempts: attempts},
		func() time.Time { return fixedNow })
}

func deliveryOf(t *testing.T, store *memory.NotificationStore, ch notification.Channel) notification.Delivery {
	t.Helper()
	n, err := store.Get(context.Background(), "alice", notificationID)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := n.Delivery(ch)
	return d
}

// A request delivered twice (the same message, or a new message with the same id) is stored
// once and sends each channel once.
func TestNotificationRequestDeliveredTwiceSendsOnce(t *testing.T) {
	t.Parallel()
	store, senders := memory.NewNotificationStore(), &fakeSenders{}
	h := newRequestHandler(store, senders, 3)
	ctx := context.Background()
	for i, msg := range []string{"m1", "m1", "m2"} {
		res, err := h.Handle(ctx, command.HandleNotificationRequest{MessageID: msg, Request: request()})
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != (i == 0) {
			t.Errorf("delivery %d: created %v", i, res.Created)
		}
	}
	if e, s := senders.sent(); e != 1 || s != 1 {
		t.Errorf("sent %d emails and %d sms, want one each", e, s)
	}
	email := senders.emails[0]
	if email.To != "alice@example.com" || email.Subject != "Overdue" || email.Body != "Write the report" ||
		email.MessageID != "<"+notificationID+".notification@taskstream>" {
		t.Errorf("email %+v", email)
	}
	if senders.sms[0].ID != notificationID || senders.sms[0].To != "+4915112345678" {
		t.Errorf("sms %+v", senders.sms[0])
	}
	for _, ch := range []notification.Channel{"in_app", "email", "sms"} {
		if d := deliveryOf(t, store, ch); d.Status != notification.StatusSent || d.SentAt.IsZero() {
			t.Errorf("%s delivery %+v, want sent", ch, d)
		}
	}
	page, _ := store.List(ctx, notification.ListQuery{UserID: "alice", Limit: 10})
	if len(page.Items) != 1 {
		t.Errorf("%d notifications stored, want 1", len(page.Items))
	}
}

// A failing channel returns an error (the consumer retries the message with backoff) while
// it has attempts left; the channel that was sent is not sent again on the retries; the
// attempt that reaches the limit fails the channel with the reason and the message is done.
func TestFailingChannelIsRetriedThenFailedWithTheReason(t *testing.T) {
	t.Parallel()
	store, senders := memory.NewNotificationStore(), &fakeSenders{}
	senders.set(nil, errors.New("gateway answered 503"))
	h := newRequestHandler(store, senders, 3)
	ctx := context.Background()
	cmd := command.HandleNotificationRequest{MessageID: "m1", Request: request()}
	for attempt := 1; attempt <= 2; attempt++ {
		_, err := h.Handle(ctx, cmd)
		if err == nil || !strings.Contains(err.Error(), "gateway answered 503") || shared.KindOf(err) == shared.KindInvalid {
			t.Fatalf("attempt %d: %v, want a retryable error with the reason", attempt, err)
		}
		if d := deliveryOf(t, store, "sms"); d.Status != notification.StatusPending || d.Attempts != attempt || d.Reason != "gateway answered 503" {
			t.Errorf("after attempt %d: sms %+v", attempt, d)
		}
	}
	res, err := h.Handle(ctx, cmd)
	if err != nil {
		t.Fatalf("last attempt: %v, want nil (the message is done, not parked)", err)
	}
	if d, _ := res.Notification.Delivery("sms"); d.Status != notification.StatusFailed || d.Attempts != 3 || d.Reason != "gateway answered 503" {
		t.Errorf("sms after the last attempt %+v", d)
	}
	if e, s := senders.sent(); e != 1 || s != 0 {
		t.Errorf("sent %d emails and %d sms, want the email once", e, s)
	}
	// A later redelivery sends nothing: every channel is done.
	senders.set(nil, nil)
	if _, err := h.Handle(ctx, cmd); err != nil {
		t.Fatal(err)
	}
	if e, s := senders.sent(); e != 1 || s != 0 {
		t.Errorf("after a redelivery: sent %d emails and %d sms", e, s)
	}
	if d := deliveryOf(t, store, "email"); d.Status != notification.StatusSent || d.Attempts != 1 {
		t.Errorf("email %+v", d)
	}
}

// A channel recovers on a retry: it is sent then, and no error remains.
func TestFailingChannelIsSentOnARetry(t *testing.T) {
	t.Parallel()
	store, senders := memory.NewNotificationStore(), &fakeSenders{}
	senders.set(errors.New("connection refused"), nil)
	h := newRequestHandler(store, senders, 5)
	cmd := command.HandleNotificationRequest{MessageID: "m1", Request: request()}
	if _, err := h.Handle(context.Background(), cmd); err == nil {
		t.Fatal("want a retryable error")
	}
	senders.set(nil, nil)
	if _, err := h.Handle(context.Background(), cmd); err != nil {
		t.Fatal(err)
	}
	if d := deliveryOf(t, store, "email"); d.Status != notification.StatusSent || d.Attempts != 2 || d.Reason != "" {
		t.Errorf("email %+v", d)
	}
	if e, s := senders.sent(); e != 1 || s != 1 {
		t.Errorf("sent %d emails and %d sms, want one each", e, s)
	}
}

// A send refused with an error of kind invalid (a refused address) fails the channel at once.
func TestRefusedSendFailsTheChannelAtOnce(t *testing.T) {
	t.Parallel()
	store, senders := memory.NewNotificationStore(), &fakeSenders{}
	senders.set(shared.Invalid("to", "mailbox unavailable"), nil)
	res, err := newRequestHandler(store, senders, 5).Handle(context.Background(), command.HandleNotificationRequest{MessageID: "m1", Request: request()})
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := res.Notification.Delivery("email"); d.Status != notification.StatusFailed || d.Attempts != 1 || d.Reason != "to: mailbox unavailable" {
		t.Errorf("email %+v", d)
	}
}

func TestInvalidNotificationRequestIsRefused(t *testing.T) {
	t.Parallel()
	store, senders := memory.NewNotificationStore(), &fakeSenders{}
	r := request()
	r.Channels = append(r.Channels, "pigeon")
	_, err := newRequestHandler(store, senders, 3).Handle(context.Background(), command.HandleNotificationRequest{MessageID: "m1", Request: r})
	if shared.KindOf(err) != shared.KindInvalid || !strings.Contains(err.Error(), "pigeon") {
		t.Errorf("error %v, want invalid naming the channel", err)
	}
	if e, s := senders.sent(); e+s != 0 {
		t.Error("an invalid request was sent")
	}
}

// A request reusing another user's notification id is refused, and changes nothing of theirs.
func TestNotificationRequestWithAnotherUsersIDIsRefused(t *testing.T) {
	t.Parallel()
	store, senders := memory.NewNotificationStore(), &fakeSenders{}
	h := newRequestHandler(store, senders, 3)
	if _, err := h.Handle(context.Background(), command.HandleNotificationRequest{MessageID: "m1", Request: request()}); err != nil {
		t.Fatal(err)
	}
	r := request()
	r.UserID = "mallory"
	if _, err := h.Handle(context.Background(), command.HandleNotificationRequest{MessageID: "m2", Request: r}); shared.KindOf(err) != shared.KindInvalid {
		t.Errorf("error %v, want invalid", err)
	}
}

func TestMarkReadAndMarkAllRead(t *testing.T) {
	t.Parallel()
	store, senders := memory.NewNotificationStore(), &fakeSenders{}
	ctx := context.Background()
	h := newRequestHandler(store, senders, 3)
	for i, id := range []string{notificationID, "0193a8e2-7b1c-7cde-8f00-0000000000a2", "0193a8e2-7b1c-7cde-8f00-0000000000a3"} {
		r := request()
		r.ID = id
		r.Channels = []notification.Channel{"in_app"}
		if _, err := h.Handle(ctx, command.HandleNotificationRequest{MessageID: "m" + id, Request: r}); err != nil {
			t.Fatal(i, err)
		}
	}
	readAt := fixedNow.Add(time.Hour)
	clock := func() time.Time { return readAt }
	read := command.NewMarkNotificationReadHandler(store, clock)
	n, err := read.Handle(ctx, command.MarkNotificationRead{UserID: "alice", ID: notificationID})
	if at, ok := n.ReadAt(); err != nil || !ok || !at.Equal(readAt) {
		t.Fatalf("MarkRead: %v, read at %v", err, at)
	}
	readAt = readAt.Add(time.Hour)
	if n, _ := read.Handle(ctx, command.MarkNotificationRead{UserID: "alice", ID: notificationID}); !mustReadAt(n).Equal(fixedNow.Add(time.Hour)) {
		t.Errorf("marking again changed the read time to %v", mustReadAt(n))
	}
	if _, err := read.Handle(ctx, command.MarkNotificationRead{UserID: "bob", ID: notificationID}); shared.KindOf(err) != shared.KindNotFound {
		t.Errorf("another user's notification: %v, want not found", err)
	}
	all := command.NewMarkAllNotificationsReadHandler(store, clock)
	if n, err := all.Handle(ctx, command.MarkAllNotificationsRead{UserID: "alice"}); err != nil || n != 2 {
		t.Errorf("MarkAllRead = %d, %v; want 2", n, err)
	}
	if n, err := all.Handle(ctx, command.MarkAllNotificationsRead{UserID: "alice"}); err != nil || n != 0 {
		t.Errorf("MarkAllRead again = %d, %v; want 0", n, err)
	}
}

func mustReadAt(n *notification.Notification) time.Time {
	at, _ := n.ReadAt()
	return at
}

// A scored quiz becomes one in-app notification, also when the event comes twice.
func TestNotifyQuizScoredOnce(t *testing.T) {
	t.Parallel()
	store, senders := memory.NewNotificationStore(), &fakeSenders{}
	ids := func(name string) string {
		if name != "test.scored:0193a8e2-7b1c-7cde-8f00-0000000000b1" {
			t.Errorf("derived from %q", name)
		}
		return "0193a8e2-7b1c-7cde-8f00-0000000000c1"
	}
	h := command.NewNotifyQuizScoredHandler(newRequestHandler(store, senders, 3), ids)
	ev := testresult.Scored{SubmissionID: "0193a8e2-7b1c-7cde-8f00-0000000000B1", QuizTitle: "Go basics", UserID: "alice",
		Points: 17, MaxPoints: 20, Percentage: 85, Weakest: []string{"channels"}}
	for i, msg := range []string{"e1", "e2"} {
		res, err := h.Handle(context.Background(), command.NotifyQuizScored{MessageID: msg, Scored: ev})
		if err != nil || res.Created != (i == 0) {
			t.Fatalf("delivery %d: %v, created %v", i, err, res.Created)
		}
	}
	page, _ := store.List(context.Background(), notification.ListQuery{UserID: "alice", Limit: 10})
	if len(page.Items) != 1 {
		t.Fatalf("%d notifications, want 1", len(page.Items))
	}
	n := page.Items[0]
	if n.Type() != notification.TypeTestScored || n.Title() != "Your result for Go basics is ready: 85%" ||
		n.Message() != "You scored 17 of 20 points. To practise: channels." || len(n.Deliveries()) != 1 {
		t.Errorf("notification %+v", n.Snapshot())
	}
	ev.SubmissionID = "s1"
	if _, err := h.Handle(context.Background(), command.NotifyQuizScored{MessageID: "e3", Scored: ev}); shared.KindOf(err) != shared.KindInvalid {
		t.Errorf("bad submission id: %v, want invalid", err)
	}
}
