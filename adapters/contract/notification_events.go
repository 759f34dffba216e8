package contract

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/platform/envelope"
)

// emittedCreated is a created event and the time its envelope names.
type emittedCreated struct {
	event notification.Created
	at    string // ce_time
}

// createdEventsOf returns the created events of user that b emitted, in order, decoded with the
// consumers' strict decoder, and checks that each is of the current schema and keyed by user.
func createdEventsOf(t *testing.T, b NotificationBackend, user shared.UserID) []emittedCreated {
	t.Helper()
	var out []emittedCreated
	for _, msg := range b.Emitted(t) {
		if msg.Metadata.Get(envelope.KeyUserID) != string(user) {
			continue
		}
		var ev notification.Created
		if err := envelope.Decode(msg, notification.EventCreated, notification.EventCreatedVersion, &ev); err != nil {
			t.Fatalf("message %s: %v", msg.UUID, err)
		}
		if v := msg.Metadata.Get(envelope.KeySchemaVersion); v != notification.EventCreatedVersion {
			t.Errorf("message %s has schema version %q, want %q", msg.UUID, v, notification.EventCreatedVersion)
		}
		if key := msg.Metadata.Get(envelope.KeyPartitionKey); key != string(user) {
			t.Errorf("message %s is keyed %q, not by its user %q", msg.UUID, key, user)
		}
		out = append(out, emittedCreated{event: ev, at: msg.Metadata.Get(envelope.KeyTime)})
	}
	return out
}

// assertCreatedEvent checks that got is the created event of want as the store holds it.
func assertCreatedEvent(t *testing.T, got emittedCreated, want *notification.Notification) {
	t.Helper()
	g, err := json.Marshal(got.event)
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.Marshal(want.CreatedEvent())
	if err != nil {
		t.Fatal(err)
	}
	if string(g) != string(w) {
		t.Errorf("created event\n got %s\nwant %s (the notification as stored)", g, w)
	}
	if at := want.CreatedAt().UTC().Format(time.RFC3339Nano); got.at != at {
		t.Errorf("created event dated %q, want its creation %q", got.at, at)
	}
}

// Each stored notification emits one created event with the notification as stored (times as
// the store keeps them); a second message or id adds none, and neither do later changes.
func testNotificationCreatedOnce(t *testing.T, b NotificationBackend) {
	ctx, user := context.Background(), newUser()
	var stored []*notification.Notification
	for i, title := range []string{"first", "second"} {
		// Nanoseconds: a store that keeps microseconds emits what it keeps.
		at := notificationEpoch.Add(time.Duration(i)*time.Minute + 1500*time.Nanosecond)
		n, err := notification.New(notification.Requested{
			ID: uuid.NewString(), UserID: string(user), TaskID: uuid.NewString(), Type: notification.TypeTaskDueSoon,
			Title: title, Message: "about " + title, Email: "someone@example.com",
			Channels: []notification.Channel{notification.ChannelInApp, notification.ChannelEmail, notification.ChannelSMS},
		}, at)
		if err != nil {
			t.Fatal(err)
		}
		msg := uuid.NewString()
		mustAddNotificationAs(t, b.Store, msg, n)
		if added, err := b.Store.Add(ctx, msg, n); err != nil || added {
			t.Errorf("Add of the same message = %v, %v; want false", added, err)
		}
		if added, err := b.Store.Add(ctx, uuid.NewString(), n); err != nil || added {
			t.Errorf("Add of the same id in another message = %v, %v; want false", added, err)
		}
		got, err := b.Store.Get(ctx, user, n.ID())
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, got)
	}
	if _, err := b.Store.Change(ctx, user, stored[0].ID(), markRead(micro(notificationEpoch.Add(time.Hour)))); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Store.MarkAllRead(ctx, user, micro(notificationEpoch.Add(2*time.Hour))); err != nil {
		t.Fatal(err)
	}
	events := createdEventsOf(t, b, user)
	if len(events) != len(stored) {
		t.Fatalf("%d created events, want one per stored notification (%d)", len(events), len(stored))
	}
	for i, n := range stored {
		assertCreatedEvent(t, events[i], n)
	}
}

// An Add whose event cannot be written stores nothing, not even the inbox row, and emits
// nothing: the message's retry stores the notification and emits its event then.
func testNotificationCreatedRolledBack(t *testing.T, b NotificationBackend) {
	ctx, user := context.Background(), newUser()
	n := newNotification(t, user, "lost", notificationEpoch)
	msg := uuid.NewString()
	if added, err := b.Failing.Add(ctx, msg, n); err == nil || added {
		t.Fatalf("Add with a failing event write = %v, %v; want an error", added, err)
	}
	_, err := b.Store.Get(ctx, user, n.ID())
	assertNotFound(t, "Get after the failed Add", err)
	if page, err := b.Store.List(ctx, notification.ListQuery{UserID: user, Limit: 10}); err != nil || len(page.Items) != 0 {
		t.Errorf("List after the failed Add = %d items, %v; want none", len(page.Items), err)
	}
	if events := createdEventsOf(t, b, user); len(events) != 0 {
		t.Errorf("%d created events after the failed Add, want none", len(events))
	}
	mustAddNotificationAs(t, b.Store, msg, n)
	got, err := b.Store.Get(ctx, user, n.ID())
	if err != nil {
		t.Fatal(err)
	}
	events := createdEventsOf(t, b, user)
	if len(events) != 1 {
		t.Fatalf("%d created events after the retry, want 1", len(events))
	}
	assertCreatedEvent(t, events[0], got)
}

func mustAddNotificationAs(t *testing.T, store Notifications, messageID string, n *notification.Notification) {
	t.Helper()
	added, err := store.Add(context.Background(), messageID, n)
	if err != nil || !added {
		t.Fatalf("Add = %v, %v; want true", added, err)
	}
}
