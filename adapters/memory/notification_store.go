package memory

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
)

// NotificationStore keeps notifications in memory, with the inbox of the messages it applied,
// and publishes the created event of each notification it stores under its lock, as the task
// store publishes its events: a notification is stored only when its event was published. It
// is the embedded default's notification.Repository and query.NotificationReader. It is safe
// for concurrent use.
type NotificationStore struct {
	mu        sync.RWMutex
	seen      map[string]bool
	byID      map[string]notification.Snapshot
	publisher message.Publisher
	topic     string
}

var (
	_ notification.Repository  = (*NotificationStore)(nil)
	_ query.NotificationReader = (*NotificationStore)(nil)
)

// NewNotificationStore returns an empty store that publishes the created events with publisher
// to topic (notification.created).
func NewNotificationStore(publisher message.Publisher, topic string) (*NotificationStore, error) {
	if publisher == nil || topic == "" {
		return nil, errors.New("memory notification store: publisher and topic are required")
	}
	return &NotificationStore{seen: map[string]bool{}, byID: map[string]notification.Snapshot{}, publisher: publisher, topic: topic}, nil
}

// Add stores n and publishes its created event unless messageID was applied before or n's id
// exists. A failed publish stores nothing and leaves messageID unapplied, so the message's
// retry stores it.
func (s *NotificationStore) Add(_ context.Context, messageID string, n *notification.Notification) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[messageID] {
		return false, nil
	}
	if _, ok := s.byID[n.ID()]; ok {
		s.seen[messageID] = true
		return false, nil
	}
	m, err := messages.NotificationCreated(n, s.topic)
	if err != nil {
		return false, err
	}
	if err := s.publisher.Publish(m.Topic, m.Message); err != nil {
		return false, shared.Unavailable("the notification's created event could not be published", err)
	}
	s.seen[messageID] = true
	s.byID[n.ID()] = n.Snapshot()
	return true, nil
}

// Get returns the user's notification.
func (s *NotificationStore) Get(_ context.Context, userID shared.UserID, id string) (*notification.Notification, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	snap, ok := s.byID[id]
	if !ok || snap.UserID != string(userID) {
		return nil, shared.NotFound("notification")
	}
	return notification.Rehydrate(snap)
}

// Change lets change change the user's notification under the store's lock, which stands in for
// the row lock, and stores it when change reports so.
func (s *NotificationStore) Change(_ context.Context, userID shared.UserID, id string,
	change func(*notification.Notification) (bool, error),
) (*notification.Notification, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap, ok := s.byID[id]
	if !ok || snap.UserID != string(userID) {
		return nil, shared.NotFound("notification")
	}
	n, err := notification.Rehydrate(snap)
	if err != nil {
		return nil, err
	}
	changed, err := change(n)
	if err != nil {
		return nil, err
	}
	if !changed {
		return notification.Rehydrate(snap) // as loaded: change's changes are not stored
	}
	s.byID[id] = n.Snapshot()
	return n, nil
}

// MarkAllRead marks the user's unread notifications read; those read before keep their time.
func (s *NotificationStore) MarkAllRead(_ context.Context, userID shared.UserID, at time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id, snap := range s.byID {
		if snap.UserID == string(userID) && snap.ReadAt.IsZero() {
			snap.ReadAt = at
			s.byID[id] = snap
			n++
		}
	}
	return n, nil
}

// List returns one page of the user's notifications, newest first.
func (s *NotificationStore) List(_ context.Context, q notification.ListQuery) (notification.Page, error) {
	s.mu.RLock()
	var items []notification.Snapshot
	for _, snap := range s.byID {
		if snap.UserID == string(q.UserID) && (!q.UnreadOnly || snap.ReadAt.IsZero()) &&
			(q.After == nil || before(snap, *q.After)) {
			items = append(items, snap)
		}
	}
	s.mu.RUnlock()
	sort.Slice(items, func(i, j int) bool {
		return before(items[j], notification.Cursor{CreatedAt: items[i].CreatedAt, ID: items[i].ID})
	})
	var page notification.Page
	if len(items) > q.Limit {
		items = items[:q.Limit]
		last := items[len(items)-1]
		page.Next = &notification.Cursor{CreatedAt: last.CreatedAt, ID: last.ID}
	}
	for _, snap := range items {
		n, err := notification.Rehydrate(snap)
		if err != nil {
			return notification.Page{}, err
		}
		page.Items = append(page.Items, n)
	}
	return page, nil
}

// before reports whether snap comes after c in the newest-first order: (created_at, id) < c.
func before(snap notification.Snapshot, c notification.Cursor) bool {
	if !snap.CreatedAt.Equal(c.CreatedAt) {
		return snap.CreatedAt.Before(c.CreatedAt)
	}
	return snap.ID < c.ID
}
