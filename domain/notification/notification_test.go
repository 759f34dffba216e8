package notification_test

import (
	"testing"
	"time"

	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
)

var now = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func valid() notification.Requested {
	return notification.Requested{
		ID: "0193a8e2-7b1c-7cde-8f00-000000000001", UserID: "alice", Type: notification.TypeTaskDueSoon,
		Title: "Due soon", Message: "Write the report", Email: "alice@example.com", Phone: "+4915112345678",
		Channels: []notification.Channel{notification.ChannelInApp, notification.ChannelEmail, notification.ChannelSMS},
	}
}

func TestNewRefusesAnInvalidRequest(t *testing.T) {
	t.Parallel()
	cases := map[string]func(*notification.Requested){
		"id not a UUID":     func(r *notification.Requested) { r.ID = "n1" },
		"no user":           func(r *notification.Requested) { r.UserID = "" },
		"task not a UUID":   func(r *notification.Requested) { r.TaskID = "t1" },
		"no type":           func(r *notification.Requested) { r.Type = "" },
		"bad type":          func(r *notification.Requested) { r.Type = "Task Due" },
		"empty title":       func(r *notification.Requested) { r.Title = "  " },
		"control in title":  func(r *notification.Requested) { r.Title = "a\x00b" },
		"no channel":        func(r *notification.Requested) { r.Channels = nil },
		"unknown channel":   func(r *notification.Requested) { r.Channels = []notification.Channel{"fax"} },
		"duplicate channel": func(r *notification.Requested) { r.Channels = []notification.Channel{"email", "email"} },
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := valid()
			change(&r)
			if _, err := notification.New(r, now); shared.KindOf(err) != shared.KindInvalid {
				t.Errorf("New = %v, want an invalid-kind error", err)
			}
		})
	}
}

func TestNewStartsInAppSentAndTheOthersPending(t *testing.T) {
	t.Parallel()
	n, err := notification.New(valid(), now)
	if err != nil {
		t.Fatal(err)
	}
	want := []notification.Delivery{
		{Channel: "in_app", Status: "sent", SentAt: now},
		{Channel: "email", To: "alice@example.com", Status: "pending"},
		{Channel: "sms", To: "+4915112345678", Status: "pending"},
	}
	got := n.Deliveries()
	if len(got) != len(want) {
		t.Fatalf("deliveries %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("delivery %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if len(n.Pending()) != 2 || n.CreatedAt() != now || n.UserID() != "alice" {
		t.Errorf("pending %v, created %v, user %v", n.Pending(), n.CreatedAt(), n.UserID())
	}
	if _, read := n.ReadAt(); read {
		t.Error("a new notification is read")
	}
}

// A channel without a usable address fails with the reason; the request is stored and its
// other channels are delivered.
func TestNewFailsAChannelWithoutItsAddress(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name         string
		email, phone string
		ch           notification.Channel
		reason       string
	}{
		{"no email", "", "+4915112345678", "email", notification.ReasonNoEmail},
		{"malformed email", "alice@", "+4915112345678", "email", notification.ReasonInvalidEmail},
		{"display name", "Alice <alice@example.com>", "+4915112345678", "email", notification.ReasonInvalidEmail},
		{"two @", "alice@bob@example.com", "+4915112345678", "email", notification.ReasonInvalidEmail},
		{"no dot in the domain", "alice@localhost", "+4915112345678", "email", notification.ReasonInvalidEmail},
		{"empty label", "alice@example..com", "+4915112345678", "email", notification.ReasonInvalidEmail},
		{"no phone", "alice@example.com", "", "sms", notification.ReasonNoPhone},
		{"phone without +", "alice@example.com", "4915112345678", "sms", notification.ReasonInvalidPhone},
		{"phone with letters", "alice@example.com", "+49151CALLME", "sms", notification.ReasonInvalidPhone},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := valid()
			r.Email, r.Phone = tc.email, tc.phone
			n, err := notification.New(r, now)
			if err != nil {
				t.Fatal(err)
			}
			d, _ := n.Delivery(tc.ch)
			if d.Status != notification.StatusFailed || d.Reason != tc.reason || d.Attempts != 0 {
				t.Errorf("%s delivery %+v, want failed with %q", tc.ch, d, tc.reason)
			}
			if len(n.Pending()) != 1 {
				t.Errorf("pending %+v, want the other channel", n.Pending())
			}
		})
	}
}

func TestDeliveryOutcomes(t *testing.T) {
	t.Parallel()
	n, err := notification.New(valid(), now)
	if err != nil {
		t.Fatal(err)
	}
	email, _ := n.Delivery(notification.ChannelEmail)
	retry := email.Failed(notification.ReasonEmailUnavailable, false)
	if retry.Status != notification.StatusPending || retry.Attempts != 1 || retry.Reason != notification.ReasonEmailUnavailable {
		t.Errorf("after a failed attempt %+v", retry)
	}
	if err := n.RecordDelivery(retry); err != nil {
		t.Fatal(err)
	}
	sent := retry.Sent(now.Add(time.Minute))
	if err := n.RecordDelivery(sent); err != nil {
		t.Fatal(err)
	}
	if got, _ := n.Delivery(notification.ChannelEmail); got.Status != notification.StatusSent || got.Attempts != 2 || got.Reason != "" {
		t.Errorf("after sending %+v", got)
	}
	if err := n.RecordDelivery(sent.Failed(notification.ReasonEmailUnavailable, true)); shared.KindOf(err) != shared.KindConflict {
		t.Errorf("changing a sent delivery: %v, want a conflict", err)
	}
	sms, _ := n.Delivery(notification.ChannelSMS)
	if err := n.RecordDelivery(sms.Failed(notification.ReasonSMSRefused, true)); err != nil {
		t.Fatal(err)
	}
	if got, _ := n.Delivery(notification.ChannelSMS); got.Status != notification.StatusFailed || got.Reason != notification.ReasonSMSRefused {
		t.Errorf("after the final failure %+v", got)
	}
	if len(n.Pending()) != 0 {
		t.Errorf("pending %+v", n.Pending())
	}
}

func TestMarkReadKeepsTheFirstTime(t *testing.T) {
	t.Parallel()
	n, err := notification.New(valid(), now)
	if err != nil {
		t.Fatal(err)
	}
	if !n.MarkRead(now.Add(time.Hour)) || n.MarkRead(now.Add(2*time.Hour)) {
		t.Error("MarkRead should report true once")
	}
	if at, read := n.ReadAt(); !read || !at.Equal(now.Add(time.Hour)) {
		t.Errorf("read at %v, %v", at, read)
	}
}

func TestNewAcceptsUsualAddresses(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"first.last+tag@sub.example.org", "o'brien@example.ie", "x@a-b.io"} {
		r := valid()
		r.Email = addr
		n, err := notification.New(r, now)
		if err != nil {
			t.Fatal(err)
		}
		if d, _ := n.Delivery(notification.ChannelEmail); d.Status != notification.StatusPending {
			t.Errorf("%s: %+v, want pending", addr, d)
		}
	}
}
