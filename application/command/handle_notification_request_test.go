package command_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
)

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

func deliveryOf(t *testing.T, store notification.Repository, ch notification.Channel) notification.Delivery {
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
	store, senders := newFakeNotifications(), &fakeSenders{}
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
	if n := store.count("alice"); n != 1 {
		t.Errorf("%d notifications stored, want 1", n)
	}
}

// A failing channel returns an error (the consumer retries the message with backoff) while
// it has attempts left; the channel that was sent is not sent again on the retries; the
// attempt that reaches the limit fails the channel with the reason and the message is done.
func TestFailingChannelIsRetriedThenFailedWithTheReason(t *testing.T) {
	t.Parallel()
	store, senders := newFakeNotifications(), &fakeSenders{}
	senders.set(nil, shared.Unavailable(notification.ReasonSMSUnavailable, errors.New("gateway answered 503")))
	h := newRequestHandler(store, senders, 3)
	ctx := context.Background()
	cmd := command.HandleNotificationRequest{MessageID: "m1", Request: request()}
	for attempt := 1; attempt <= 2; attempt++ {
		_, err := h.Handle(ctx, cmd)
		if err == nil || !strings.Contains(err.Error(), "gateway answered 503") || shared.KindOf(err) == shared.KindInvalid {
			t.Fatalf("attempt %d: %v, want a retryable error with the reason", attempt, err)
		}
		if d := deliveryOf(t, store, "sms"); d.Status != notification.StatusPending || d.Attempts != attempt || d.Reason != notification.ReasonSMSUnavailable {
			t.Errorf("after attempt %d: sms %+v", attempt, d)
		}
	}
	res, err := h.Handle(ctx, cmd)
	if err != nil {
		t.Fatalf("last attempt: %v, want nil (the message is done, not parked)", err)
	}
	if d, _ := res.Notification.Delivery("sms"); d.Status != notification.StatusFailed || d.Attempts != 3 || d.Reason != notification.ReasonSMSUnavailable {
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
	store, senders := newFakeNotifications(), &fakeSenders{}
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
	store, senders := newFakeNotifications(), &fakeSenders{}
	senders.set(&shared.Error{Kind: shared.KindInvalid, Field: "email", Message: notification.ReasonEmailAddressRefused,
		Err: errors.New("550 mailbox unavailable")}, nil)
	res, err := newRequestHandler(store, senders, 5).Handle(context.Background(), command.HandleNotificationRequest{MessageID: "m1", Request: request()})
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := res.Notification.Delivery("email"); d.Status != notification.StatusFailed || d.Attempts != 1 || d.Reason != notification.ReasonEmailAddressRefused {
		t.Errorf("email %+v", d)
	}
}

func TestInvalidNotificationRequestIsRefused(t *testing.T) {
	t.Parallel()
	store, senders := newFakeNotifications(), &fakeSenders{}
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
	store, senders := newFakeNotifications(), &fakeSenders{}
	h := newRequestHandler(store, senders, 3)
	if _, err := h.Handle(context.Background(), command.HandleNotificationRequest{MessageID: "m1", Request: request()}); err != nil {
		t.Fatal(err)
	}
	changes := store.changes
	r := request()
	r.UserID = "mallory"
	if _, err := h.Handle(context.Background(), command.HandleNotificationRequest{MessageID: "m2", Request: r}); shared.KindOf(err) != shared.KindInvalid {
		t.Errorf("error %v, want invalid", err)
	}
	if store.changes != changes || store.count("mallory") != 0 {
		t.Errorf("the refused request reached the store: %d changes, %d of mallory's", store.changes-changes, store.count("mallory"))
	}
}

// Each delivery's outcome reaches the store through the notification (Repository.Change), one
// change per pending channel; in_app, sent when stored, is not changed again.
func TestEachOutcomeIsRecordedThroughTheNotification(t *testing.T) {
	t.Parallel()
	store, senders := newFakeNotifications(), &fakeSenders{}
	res, err := newRequestHandler(store, senders, 3).Handle(context.Background(), command.HandleNotificationRequest{MessageID: "m1", Request: request()})
	if err != nil {
		t.Fatal(err)
	}
	if store.changes != 2 || store.writes != 2 {
		t.Errorf("%d changes, %d writes; want one each for email and sms", store.changes, store.writes)
	}
	if len(res.Notification.Pending()) != 0 || !res.Created {
		t.Errorf("result %+v created %v, want every channel done", res.Notification.Deliveries(), res.Created)
	}
}

// A delivery that another pass over the same request (a redelivery running at the same time)
// recorded first keeps that pass's outcome; this pass writes nothing over it.
func TestADeliveryRecordedByAnotherPassIsLeftAsItIs(t *testing.T) {
	t.Parallel()
	store, senders := newFakeNotifications(), &fakeSenders{}
	r := request()
	r.Channels = []notification.Channel{notification.ChannelInApp, notification.ChannelEmail}
	senders.set(errors.New("connection refused"), nil)
	otherSent := fixedNow.Add(-time.Second)
	store.beforeChange = func(n *notification.Notification) {
		email, _ := n.Delivery(notification.ChannelEmail)
		if err := n.RecordDelivery(email.Sent(otherSent)); err != nil {
			t.Error(err)
		}
	}
	res, err := newRequestHandler(store, senders, 3).Handle(context.Background(), command.HandleNotificationRequest{MessageID: "m1", Request: r})
	if err == nil {
		t.Error("a failed attempt with attempts left returned no error")
	}
	if d := deliveryOf(t, store, notification.ChannelEmail); d.Status != notification.StatusSent || !d.SentAt.Equal(otherSent) || d.Attempts != 1 {
		t.Errorf("stored email %+v, want the other pass's", d)
	}
	if d, _ := res.Notification.Delivery(notification.ChannelEmail); d.Status != notification.StatusSent {
		t.Errorf("handled email %+v, want the stored one", d)
	}
	if store.writes != 0 {
		t.Errorf("%d writes, want none", store.writes)
	}
}
