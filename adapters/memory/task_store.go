package memory

import (
	"context"
	"errors"
	"sort"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// TaskStore keeps tasks in memory and publishes each change's events under its lock, so events
// leave in the order of the changes and a change is stored only when its events were published.
// It is the embedded default's task.Repository and query.TaskReader; its history is the
// AuditLog the embedded audit consumer writes (AuditLog). It is safe for concurrent use.
type TaskStore struct {
	mu        sync.RWMutex
	byID      map[string]task.Snapshot
	deleted   map[string]bool
	publisher message.Publisher
	topics    messages.TaskTopics
	audit     *AuditLog
}

var (
	_ task.Repository  = (*TaskStore)(nil)
	_ query.TaskReader = (*TaskStore)(nil)
)

// NewTaskStore returns an empty store that publishes task events with publisher, and reads
// history from audit.
func NewTaskStore(publisher message.Publisher, topics messages.TaskTopics, audit *AuditLog) (*TaskStore, error) {
	if publisher == nil || audit == nil || topics.Events == "" || topics.Updates == "" {
		return nil, errors.New("memory task store: publisher, audit log and topics are required")
	}
	return &TaskStore{byID: map[string]task.Snapshot{}, deleted: map[string]bool{}, publisher: publisher, topics: topics, audit: audit}, nil
}

// Add stores the created task unless its id was used before, and publishes its events.
func (s *TaskStore) Add(_ context.Context, c task.Change, meta shared.EventMeta) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byID[c.Task.ID]; ok || s.deleted[c.Task.ID] {
		return false, nil
	}
	if err := s.publish(c, meta); err != nil {
		return false, err
	}
	s.byID[c.Task.ID] = c.Task
	return true, nil
}

// Get returns the user's task.
func (s *TaskStore) Get(_ context.Context, userID shared.UserID, id string) (*task.Task, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	snap, ok := s.byID[id]
	if !ok || snap.UserID != string(userID) {
		return nil, shared.NotFound("task")
	}
	return task.Rehydrate(snap)
}

// Change applies decide to the user's task and stores and publishes its change, if any.
func (s *TaskStore) Change(_ context.Context, userID shared.UserID, id string, meta shared.EventMeta, decide func(*task.Task) (*task.Change, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap, ok := s.byID[id]
	if !ok || snap.UserID != string(userID) {
		return shared.NotFound("task")
	}
	t, err := task.Rehydrate(snap)
	if err != nil {
		return err
	}
	c, err := decide(t)
	if err != nil || c == nil {
		return err
	}
	if err := s.publish(*c, meta); err != nil {
		return err
	}
	if c.Action == task.ActionDeleted {
		delete(s.byID, id)
		s.deleted[id] = true
		return nil
	}
	s.byID[id] = c.Task
	return nil
}

func (s *TaskStore) publish(c task.Change, meta shared.EventMeta) error {
	msgs, err := messages.TaskChange(c, meta, s.topics)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if err := s.publisher.Publish(m.Topic, m.Message); err != nil {
			return shared.Unavailable("the task change could not be published", err)
		}
	}
	return nil
}

// List returns one page of the user's tasks, newest first.
func (s *TaskStore) List(_ context.Context, q task.ListQuery) (task.Page, error) {
	s.mu.RLock()
	var items []task.Snapshot
	for _, snap := range s.byID {
		if matches(snap, q) {
			items = append(items, snap)
		}
	}
	s.mu.RUnlock()
	sort.Slice(items, func(i, j int) bool {
		return after(items[j], task.Cursor{CreatedAt: items[i].CreatedAt, ID: items[i].ID})
	})
	var page task.Page
	if len(items) > q.Limit {
		items = items[:q.Limit]
		last := items[len(items)-1]
		page.Next = &task.Cursor{CreatedAt: last.CreatedAt, ID: last.ID}
	}
	for _, snap := range items {
		t, err := task.Rehydrate(snap)
		if err != nil {
			return task.Page{}, err
		}
		page.Items = append(page.Items, t)
	}
	return page, nil
}

// History returns the task's entries from the audit log.
func (s *TaskStore) History(ctx context.Context, userID shared.UserID, id string) ([]task.AuditEntry, error) {
	return s.audit.History(ctx, userID, id)
}

func matches(s task.Snapshot, q task.ListQuery) bool {
	switch {
	case s.UserID != string(q.UserID):
		return false
	case !q.Status.IsZero() && s.Status != q.Status.String():
		return false
	case !q.Priority.IsZero() && s.Priority != q.Priority.String():
		return false
	case !q.DueBefore.IsZero() && (s.DueAt == nil || !s.DueAt.Before(q.DueBefore)):
		return false
	case q.After != nil && !after(s, *q.After):
		return false
	}
	return true
}

// after reports whether s comes after position c in newest-first order.
func after(s task.Snapshot, c task.Cursor) bool {
	if !s.CreatedAt.Equal(c.CreatedAt) {
		return s.CreatedAt.Before(c.CreatedAt)
	}
	return s.ID < c.ID
}
