package memory

import (
	"context"
	"sort"
	"sync"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

// TodoRepository is a todo.Repository held in memory. It is safe for concurrent use.
type TodoRepository struct {
	mu      sync.RWMutex
	byID    map[string]*todo.Todo
	deleted map[string]bool
}

var _ todo.Repository = (*TodoRepository)(nil)

// NewTodoRepository returns an empty repository.
func NewTodoRepository() *TodoRepository {
	return &TodoRepository{byID: map[string]*todo.Todo{}, deleted: map[string]bool{}}
}

// AddBatch stores the to-dos whose ids it has not seen, including deleted ones.
func (r *TodoRepository) AddBatch(_ context.Context, todos []*todo.Todo) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	inserted := 0
	for _, t := range todos {
		if _, ok := r.byID[t.ID()]; ok || r.deleted[t.ID()] {
			continue
		}
		r.byID[t.ID()] = clone(t)
		inserted++
	}
	return inserted, nil
}

// Get returns a copy of the user's to-do.
func (r *TodoRepository) Get(_ context.Context, userID shared.UserID, id string) (*todo.Todo, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.byID[id]
	if !ok || t.UserID() != userID {
		return nil, shared.NotFound("todo")
	}
	return clone(t), nil
}

// List returns one page of the user's to-dos, newest first.
func (r *TodoRepository) List(_ context.Context, q todo.ListQuery) (todo.Page, error) {
	r.mu.RLock()
	var items []*todo.Todo
	for _, t := range r.byID {
		if t.UserID() != q.UserID || (q.Completed != nil && t.Completed() != *q.Completed) {
			continue
		}
		if q.After != nil && !olderThan(t, *q.After) {
			continue
		}
		items = append(items, clone(t))
	}
	r.mu.RUnlock()
	sort.Slice(items, func(i, j int) bool {
		return olderThan(items[j], todo.Cursor{CreatedAt: items[i].CreatedAt(), ID: items[i].ID()})
	})
	var page todo.Page
	if len(items) > q.Limit {
		items = items[:q.Limit]
		last := items[len(items)-1]
		page.Next = &todo.Cursor{CreatedAt: last.CreatedAt(), ID: last.ID()}
	}
	page.Items = items
	return page, nil
}

// Update applies change to a copy and stores it only when change succeeds.
func (r *TodoRepository) Update(_ context.Context, userID shared.UserID, id string, change func(*todo.Todo) error) (*todo.Todo, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.byID[id]
	if !ok || t.UserID() != userID {
		return nil, shared.NotFound("todo")
	}
	updated := clone(t)
	if err := change(updated); err != nil {
		return nil, err
	}
	r.byID[id] = updated
	return clone(updated), nil
}

// Delete removes the user's to-do and remembers its id.
func (r *TodoRepository) Delete(_ context.Context, userID shared.UserID, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.byID[id]
	if !ok || t.UserID() != userID {
		return shared.NotFound("todo")
	}
	delete(r.byID, id)
	r.deleted[id] = true
	return nil
}

// olderThan reports whether t comes after position c in newest-first order.
func olderThan(t *todo.Todo, c todo.Cursor) bool {
	if !t.CreatedAt().Equal(c.CreatedAt) {
		return t.CreatedAt().Before(c.CreatedAt)
	}
	return t.ID() < c.ID
}

func clone(t *todo.Todo) *todo.Todo {
	return todo.Rehydrate(t.ID(), t.UserID(), t.Title(), t.Description(), t.Completed(), t.CreatedAt(), t.UpdatedAt())
}
