package memory

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
)

// NotificationStore keeps notifications in memory, with the inbox of the messages it applied.
// It is the embedded default's notification.Repository and query.NotificationReader. It is
// safe for concurrent use.
type NotificationStore struct {
	mu   sync.RWMutex
	seen map[string]bool
	byID map[string]notification.Snapshot
}

var (
	_ notification.Repository  = (*NotificationStore)(nil)
	_ query.NotificationReader = (*NotificationStore)(nil)
)

// NewNotificationStore returns an empty store.
func NewNotificationStore() *NotificationStore {
	return &NotificationStore{seen: map[string]bool{}, byID: map[string]notification.Snapshot{}}
}

// Add stores n unless messageID was applied before or n's id exists.
func (s *NotificationStore) Add(_ context.Context, messageID string, n *notification.Notification) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[messageID] {
		return false, nil
	}
	s.seen[messageID] = true
	if _, ok := s.byID[n.ID()]; ok {
		return false, nil
	}
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
