package command_test

import (
	"context"
	"testing"
	"time"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
)

// seedNotifications stores an in-app notification of alice for each id, as the
// notification-service would.
func seedNotifications(t *testing.T, store *fakeNotifications, ids ...string) {
	t.Helper()
	h := newRequestHandler(store, &fakeSenders{}, 3)
	for _, id := range ids {
		r := request()
		r.ID = id
		r.Channels = []notification.Channel{notification.ChannelInApp}
		if _, err := h.Handle(context.Background(), command.HandleNotificationRequest{MessageID: "m" + id, Request: r}); err != nil {
			t.Fatal(err)
		}
	}
}

// Marking read goes through the notification: the first read time stays, and marking it again
// writes nothing.
func TestMarkNotificationReadKeepsTheFirstTime(t *testing.T) {
	t.Parallel()
	store := newFakeNotifications()
	seedNotifications(t, store, notificationID)
	readAt := fixedNow.Add(time.Hour)
	read := command.NewMarkNotificationReadHandler(store, func() time.Time { return readAt })
	n, err := read.Handle(context.Background(), command.MarkNotificationRead{UserID: "alice", ID: notificationID})
	if at, ok := n.ReadAt(); err != nil || !ok || !at.Equal(fixedNow.Add(time.Hour)) {
		t.Fatalf("MarkRead: %v, read at %v", err, at)
	}
	readAt = readAt.Add(time.Hour)
	n, err = read.Handle(context.Background(), command.MarkNotificationRead{UserID: "alice", ID: notificationID})
	if at, _ := n.ReadAt(); err != nil || !at.Equal(fixedNow.Add(time.Hour)) {
		t.Errorf("marking again: %v, read at %v; want the first time", err, at)
	}
	if store.changes != 2 || store.writes != 1 {
		t.Errorf("%d changes and %d writes, want 2 and 1", store.changes, store.writes)
	}
}

func TestMarkNotificationReadOfWhatTheUserHasNot(t *testing.T) {
	t.Parallel()
	store := newFakeNotifications()
	seedNotifications(t, store, notificationID)
	read := command.NewMarkNotificationReadHandler(store, clockAt(fixedNow))
	cases := []struct {
		name    string
		user    shared.UserID
		id      string
		changes int
	}{
		{"another user's", "bob", notificationID, 1},
		{"an unknown id", "alice", "0193a8e2-7b1c-7cde-8f00-0000000000ff", 1},
		{"a malformed id, refused before the store", "alice", "n1", 0},
	}
	for _, tc := range cases {
		before := store.changes
		if _, err := read.Handle(context.Background(), command.MarkNotificationRead{UserID: tc.user, ID: tc.id}); shared.KindOf(err) != shared.KindNotFound {
			t.Errorf("%s: %v, want not found", tc.name, err)
		}
		if got := store.changes - before; got != tc.changes {
			t.Errorf("%s: %d changes, want %d", tc.name, got, tc.changes)
		}
	}
	if store.writes != 0 {
		t.Errorf("%d writes, want none", store.writes)
	}
}
