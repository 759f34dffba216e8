package command_test

import (
	"context"
	"testing"
	"time"

	"github.com/taskstream/taskstream/application/command"
)

// Mark-all-read marks the unread ones at the clock's time and reports how many; those read
// before keep their first time.
func TestMarkAllNotificationsRead(t *testing.T) {
	t.Parallel()
	store := newFakeNotifications()
	seedNotifications(t, store, notificationID, "0193a8e2-7b1c-7cde-8f00-0000000000a2", "0193a8e2-7b1c-7cde-8f00-0000000000a3")
	first := fixedNow.Add(time.Hour)
	if _, err := command.NewMarkNotificationReadHandler(store, clockAt(first)).Handle(context.Background(),
		command.MarkNotificationRead{UserID: "alice", ID: notificationID}); err != nil {
		t.Fatal(err)
	}
	later := first.Add(time.Hour)
	all := command.NewMarkAllNotificationsReadHandler(store, clockAt(later))
	if n, err := all.Handle(context.Background(), command.MarkAllNotificationsRead{UserID: "alice"}); err != nil || n != 2 {
		t.Errorf("MarkAllRead = %d, %v; want 2", n, err)
	}
	if n, err := all.Handle(context.Background(), command.MarkAllNotificationsRead{UserID: "alice"}); err != nil || n != 0 {
		t.Errorf("MarkAllRead again = %d, %v; want 0", n, err)
	}
	if len(store.markedAllAt) != 2 || !store.markedAllAt[0].Equal(later) {
		t.Errorf("marked at %v, want the clock's time", store.markedAllAt)
	}
	n, err := store.Get(context.Background(), "alice", notificationID)
	if at, _ := n.ReadAt(); err != nil || !at.Equal(first) {
		t.Errorf("the one read before: %v, read at %v; want %v", err, at, first)
	}
}
