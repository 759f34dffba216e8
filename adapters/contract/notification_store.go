package contract

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
)

// Notifications is what the notification store suite exercises: a store and the reader of the
// same notifications.
type Notifications interface {
	notification.Repository
	query.NotificationReader
}

// NotificationBackend is a notification store with what the suite needs to see its events.
type NotificationBackend struct {
	// Store is the store under test.
	Store Notifications
	// Emitted returns the messages Store and Failing emitted so far on the notification.created
	// topic, in order (the suite decodes and checks them). It may hold other subtests'
	// messages: each subtest looks only at its own users'.
	Emitted func(t *testing.T) []*message.Message
	// Failing is Store, or a store of the same notifications, whose Add fails at writing the
	// event, after it wrote the notification (and the inbox row) in the same transaction.
	Failing Notifications
}

// NotificationStore runs the notification.Repository and query.NotificationReader contract
// against the backends newBackend returns, the created events included. Subtests run in
// parallel, each with its own users and ids, so newBackend may hand every subtest the same
// backend.
func NotificationStore(t *testing.T, newBackend func(t *testing.T) NotificationBackend) {
	tests := []struct {
		name string
		run  func(t *testing.T, store Notifications)
	}{
		{"add and get", testNotificationAddAndGet},
		{"add stores once per message and once per id", testNotificationAddOnce},
		{"a recorded delivery is kept; a sent one never changes", testNotificationRecordDelivery},
		{"list newest first with cursor and unread filter", testNotificationList},
		{"mark read keeps the first read time", testNotificationMarkRead},
		{"mark all read marks only the unread", testNotificationMarkAllRead},
		{"change that reports nothing to store writes nothing", testNotificationChangeNothing},
		{"change whose func fails writes nothing", testNotificationChangeFails},
		{"change of an unknown or another user's notification is not found", testNotificationChangeUnknown},
		{"changes of one notification take turns", testNotificationChangesTakeTurns},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, newBackend(t).Store)
		})
	}
	events := []struct {
		name string
		run  func(t *testing.T, b NotificationBackend)
	}{
		{"add emits the created event of what it stored, once", testNotificationCreatedOnce},
		{"an add that fails at its event stores and emits nothing", testNotificationCreatedRolledBack},
	}
	for _, tt := range events {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, newBackend(t))
		})
	}
}

var notificationEpoch = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func newNotification(t *testing.T, user shared.UserID, title string, at time.Time, channels ...notification.Channel) *notification.Notification {
	t.Helper()
	if len(channels) == 0 {
		channels = []notification.Channel{notification.ChannelInApp}
	}
	n, err := notification.New(notification.Requested{
		ID: uuid.NewString(), UserID: string(user), TaskID: uuid.NewString(), Type: notification.TypeTaskDueSoon,
		Title: title, Message: "about " + title, Channels: channels, Email: "someone@example.com",
	}, micro(at))
	if err != nil {
		t.Fatalf("notification.New: %v", err)
	}
	return n
}

func mustAddNotification(t *testing.T, store Notifications, n *notification.Notification) {
	t.Helper()
	mustAddNotificationAs(t, store, uuid.NewString(), n)
}

func assertSameNotification(t *testing.T, got, want *notification.Notification) {
	t.Helper()
	g, w := got.Snapshot(), want.Snapshot()
	if g.ID != w.ID || g.UserID != w.UserID || g.TaskID != w.TaskID || g.Type != w.Type || g.Title != w.Title ||
		g.Message != w.Message || !g.CreatedAt.Equal(w.CreatedAt) || !g.ReadAt.Equal(w.ReadAt) || len(g.Deliveries) != len(w.Deliveries) {
		t.Fatalf("got %+v,\nwant %+v", g, w)
	}
	for i := range w.Deliveries {
		gd, wd := g.Deliveries[i], w.Deliveries[i]
		if gd.Channel != wd.Channel || gd.To != wd.To || gd.Status != wd.Status || gd.Attempts != wd.Attempts ||
			gd.Reason != wd.Reason || !gd.SentAt.Equal(wd.SentAt) {
			t.Errorf("delivery %d: got %+v, want %+v", i, gd, wd)
		}
	}
}

func testNotificationAddAndGet(t *testing.T, store Notifications) {
	ctx, user := context.Background(), newUser()
	want := newNotification(t, user, "due soon", notificationEpoch, notification.ChannelInApp, notification.ChannelEmail, notification.ChannelSMS)
	mustAddNotification(t, store, want)
	got, err := store.Get(ctx, user, want.ID())
	if err != nil {
		t.Fatal(err)
	}
	assertSameNotification(t, got, want)
	if d, _ := got.Delivery(notification.ChannelSMS); d.Status != notification.StatusFailed || d.Reason != notification.ReasonNoPhone {
		t.Errorf("sms without a phone: %+v", d)
	}
	_, err = store.Get(ctx, newUser(), want.ID())
	assertNotFound(t, "Get another user's notification", err)
	_, err = store.Get(ctx, user, uuid.NewString())
	assertNotFound(t, "Get unknown id", err)
	_, err = store.Get(ctx, user, "not-a-uuid")
	assertNotFound(t, "Get malformed id", err)
}

func testNotificationAddOnce(t *testing.T, store Notifications) {
	ctx, user := context.Background(), newUser()
	first := newNotification(t, user, "first", notificationEpoch)
	msg := uuid.NewString()
	if added, err := store.Add(ctx, msg, first); err != nil || !added {
		t.Fatalf("Add = %v, %v", added, err)
	}
	if added, err := store.Add(ctx, msg, first); err != nil || added {
		t.Errorf("Add of the same message = %v, %v; want false", added, err)
	}
	again := first.Snapshot()
	again.Title = "second attempt"
	second, err := notification.Rehydrate(again)
	if err != nil {
		t.Fatal(err)
	}
	if added, err := store.Add(ctx, uuid.NewString(), second); err != nil || added {
		t.Errorf("Add of the same id in another message = %v, %v; want false", added, err)
	}
	got, err := store.Get(ctx, user, first.ID())
	if err != nil {
		t.Fatal(err)
	}
	assertSameNotification(t, got, first)
}

// recordDelivery is the change that records d on its channel.
func recordDelivery(d notification.Delivery) func(*notification.Notification) (bool, error) {
	return func(n *notification.Notification) (bool, error) { return true, n.RecordDelivery(d) }
}

// markRead is the change that marks a notification read at at.
func markRead(at time.Time) func(*notification.Notification) (bool, error) {
	return func(n *notification.Notification) (bool, error) { return n.MarkRead(at), nil }
}

func neverChanged(t *testing.T) func(*notification.Notification) (bool, error) {
	return func(*notification.Notification) (bool, error) {
		t.Error("change was called")
		return false, nil
	}
}

func testNotificationRecordDelivery(t *testing.T, store Notifications) {
	ctx, user := context.Background(), newUser()
	n := newNotification(t, user, "mail me", notificationEpoch, notification.ChannelInApp, notification.ChannelEmail)
	mustAddNotification(t, store, n)
	email, _ := n.Delivery(notification.ChannelEmail)
	failed := email.Failed("connection refused", false)
	got, err := store.Change(ctx, user, n.ID(), recordDelivery(failed))
	if d, _ := got.Delivery(notification.ChannelEmail); err != nil || d.Attempts != 1 || d.Status != notification.StatusPending {
		t.Fatalf("Change(failed attempt) = %+v, %v", d, err)
	}
	sent := failed.Sent(micro(notificationEpoch.Add(time.Minute)))
	if _, err := store.Change(ctx, user, n.ID(), recordDelivery(sent)); err != nil {
		t.Fatalf("Change(sent) = %v", err)
	}
	_, err = store.Change(ctx, user, n.ID(), recordDelivery(sent.Failed("late", true)))
	if shared.KindOf(err) != shared.KindConflict {
		t.Errorf("Change over a sent delivery = %v; want the notification's conflict", err)
	}
	inApp, _ := n.Delivery(notification.ChannelInApp)
	_, err = store.Change(ctx, user, n.ID(), recordDelivery(inApp.Failed("late", true)))
	if shared.KindOf(err) != shared.KindConflict {
		t.Errorf("Change over the sent in_app delivery = %v; want the notification's conflict", err)
	}
	got, err = store.Get(ctx, user, n.ID())
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := got.Delivery(notification.ChannelEmail); d.Status != notification.StatusSent || d.Attempts != 2 || d.Reason != "" || !d.SentAt.Equal(sent.SentAt) {
		t.Errorf("email %+v, want sent after 2 attempts", d)
	}
	if d, _ := got.Delivery(notification.ChannelInApp); d.Status != notification.StatusSent {
		t.Errorf("in_app %+v", d)
	}
}

func testNotificationList(t *testing.T, store Notifications) {
	ctx, user := context.Background(), newUser()
	var all []*notification.Notification
	for i := range 5 {
		// Two share a creation time: the id orders them.
		at := notificationEpoch.Add(time.Duration(min(i, 3)) * time.Minute)
		n := newNotification(t, user, fmt.Sprintf("n%d", i), at)
		mustAddNotification(t, store, n)
		all = append(all, n)
	}
	mustAddNotification(t, store, newNotification(t, newUser(), "not mine", notificationEpoch))
	if _, err := store.Change(ctx, user, all[1].ID(), markRead(micro(notificationEpoch.Add(time.Hour)))); err != nil {
		t.Fatal(err)
	}
	var seen []string
	q := notification.ListQuery{UserID: user, Limit: 2}
	for page := 0; ; page++ {
		p, err := store.List(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range p.Items {
			seen = append(seen, n.ID())
			if len(n.Deliveries()) != 1 {
				t.Errorf("listed %s without its delivery", n.ID())
			}
		}
		if p.Next == nil {
			break
		}
		if page > 5 {
			t.Fatal("the cursor does not advance")
		}
		q.After = p.Next
	}
	want := notificationsNewestFirst(all)
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("listed %v,\nwant %v", seen, want)
	}
	unread, err := store.List(ctx, notification.ListQuery{UserID: user, UnreadOnly: true, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(unread.Items) != 4 || unread.Next != nil {
		t.Errorf("%d unread, want 4", len(unread.Items))
	}
	for _, n := range unread.Items {
		if n.ID() == all[1].ID() {
			t.Error("the read notification is listed as unread")
		}
	}
}

// notificationsNewestFirst is the ids in the list's order: created_at descending, then id descending.
func notificationsNewestFirst(ns []*notification.Notification) []string {
	sorted := append([]*notification.Notification(nil), ns...)
	for i := range sorted {
		for j := i + 1; j < len(sorted); j++ {
			a, b := sorted[i], sorted[j]
			if b.CreatedAt().After(a.CreatedAt()) || (b.CreatedAt().Equal(a.CreatedAt()) && b.ID() > a.ID()) {
				sorted[i], sorted[j] = b, a
			}
		}
	}
	ids := make([]string, len(sorted))
	for i, n := range sorted {
		ids[i] = n.ID()
	}
	return ids
}

func testNotificationMarkRead(t *testing.T, store Notifications) {
	ctx, user := context.Background(), newUser()
	a := newNotification(t, user, "a", notificationEpoch)
	mustAddNotification(t, store, a)
	first := micro(notificationEpoch.Add(time.Hour))
	got, err := store.Change(ctx, user, a.ID(), markRead(first))
	if at, read := got.ReadAt(); err != nil || !read || !at.Equal(first) {
		t.Fatalf("Change(mark read) = %v, read at %v", err, at)
	}
	got, err = store.Change(ctx, user, a.ID(), markRead(first.Add(time.Hour)))
	if at, _ := got.ReadAt(); err != nil || !at.Equal(first) {
		t.Errorf("Change(mark read) again = %v, read at %v; want the first time kept", err, at)
	}
	got, err = store.Get(ctx, user, a.ID())
	if at, _ := got.ReadAt(); err != nil || !at.Equal(first) {
		t.Errorf("Get = %v, read at %v; want the first time", err, at)
	}
}

func testNotificationMarkAllRead(t *testing.T, store Notifications) {
	ctx, user := context.Background(), newUser()
	a := newNotification(t, user, "a", notificationEpoch)
	b := newNotification(t, user, "b", notificationEpoch)
	c := newNotification(t, user, "c", notificationEpoch)
	for _, n := range []*notification.Notification{a, b, c} {
		mustAddNotification(t, store, n)
	}
	mustAddNotification(t, store, newNotification(t, newUser(), "not mine", notificationEpoch))
	first := micro(notificationEpoch.Add(time.Hour))
	if _, err := store.Change(ctx, user, a.ID(), markRead(first)); err != nil {
		t.Fatal(err)
	}
	if n, err := store.MarkAllRead(ctx, newUser(), first); err != nil || n != 0 {
		t.Errorf("MarkAllRead of a user without notifications = %d, %v", n, err)
	}
	later := first.Add(time.Hour)
	if n, err := store.MarkAllRead(ctx, user, later); err != nil || n != 2 {
		t.Errorf("MarkAllRead = %d, %v; want 2", n, err)
	}
	if n, err := store.MarkAllRead(ctx, user, later.Add(time.Hour)); err != nil || n != 0 {
		t.Errorf("MarkAllRead again = %d, %v; want 0", n, err)
	}
	for n, want := range map[*notification.Notification]time.Time{a: first, b: later, c: later} {
		got, err := store.Get(ctx, user, n.ID())
		if at, _ := got.ReadAt(); err != nil || !at.Equal(want) {
			t.Errorf("%s read at %v, %v; want %v", n.Title(), at, err, want)
		}
	}
}

func testNotificationChangeNothing(t *testing.T, store Notifications) {
	ctx, user := context.Background(), newUser()
	n := newNotification(t, user, "keep", notificationEpoch, notification.ChannelInApp, notification.ChannelEmail)
	mustAddNotification(t, store, n)
	got, err := store.Change(ctx, user, n.ID(), func(n *notification.Notification) (bool, error) {
		n.MarkRead(micro(notificationEpoch.Add(time.Hour)))
		return false, nil // changed, but said otherwise: nothing is stored
	})
	if err != nil {
		t.Fatal(err)
	}
	assertSameNotification(t, got, n)
	stored, err := store.Get(ctx, user, n.ID())
	if err != nil {
		t.Fatal(err)
	}
	assertSameNotification(t, stored, n)
}

func testNotificationChangeFails(t *testing.T, store Notifications) {
	ctx, user := context.Background(), newUser()
	n := newNotification(t, user, "keep", notificationEpoch, notification.ChannelInApp, notification.ChannelEmail)
	mustAddNotification(t, store, n)
	errBoom := errors.New("boom")
	_, err := store.Change(ctx, user, n.ID(), func(n *notification.Notification) (bool, error) {
		n.MarkRead(micro(notificationEpoch.Add(time.Hour)))
		email, _ := n.Delivery(notification.ChannelEmail)
		_ = n.RecordDelivery(email.Sent(micro(notificationEpoch.Add(time.Hour))))
		return true, errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("Change = %v, want change's error", err)
	}
	stored, err := store.Get(ctx, user, n.ID())
	if err != nil {
		t.Fatal(err)
	}
	assertSameNotification(t, stored, n)
}

func testNotificationChangeUnknown(t *testing.T, store Notifications) {
	ctx, user := context.Background(), newUser()
	n := newNotification(t, user, "mine", notificationEpoch)
	mustAddNotification(t, store, n)
	_, err := store.Change(ctx, newUser(), n.ID(), neverChanged(t))
	assertNotFound(t, "Change of another user's notification", err)
	_, err = store.Change(ctx, user, uuid.NewString(), neverChanged(t))
	assertNotFound(t, "Change of an unknown id", err)
	_, err = store.Change(ctx, user, "not-a-uuid", neverChanged(t))
	assertNotFound(t, "Change of a malformed id", err)
}

// Concurrent changes of one notification each see the one before (the row lock): every failed
// attempt of a pending delivery is counted.
func testNotificationChangesTakeTurns(t *testing.T, store Notifications) {
	ctx, user := context.Background(), newUser()
	n := newNotification(t, user, "busy", notificationEpoch, notification.ChannelInApp, notification.ChannelEmail)
	mustAddNotification(t, store, n)
	const changes = 8
	var wg sync.WaitGroup
	for range changes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := store.Change(ctx, user, n.ID(), func(n *notification.Notification) (bool, error) {
				email, _ := n.Delivery(notification.ChannelEmail)
				return true, n.RecordDelivery(email.Failed("try again", false))
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, err := store.Get(ctx, user, n.ID())
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := got.Delivery(notification.ChannelEmail); d.Attempts != changes || d.Status != notification.StatusPending {
		t.Errorf("email %+v, want %d attempts counted", d, changes)
	}
}
