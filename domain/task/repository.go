package task

import (
	"context"

	"github.com/taskstream/taskstream/domain/shared"
)

// Repository keeps tasks. It writes a task and the events of its change in one transaction (the
// transactional outbox), so a stored change is never without its events and no event is
// published for a change that was not stored. Implementations are safe for concurrent use; a
// user only ever sees their own tasks (another user's task is not found).
type Repository interface {
	// Add stores a created task and its events. It reports false, writing nothing, when a task
	// with that id exists already (a retried create with the same idempotency key).
	Add(ctx context.Context, c Change, meta shared.EventMeta) (bool, error)
	// Get returns the user's task, or a shared.KindNotFound error.
	Get(ctx context.Context, userID shared.UserID, id string) (*Task, error)
	// Change loads the user's task holding a lock, and calls decide with it. When decide returns
	// a change, Change stores it (deletes the task for ActionDeleted) with its events before the
	// lock is released; nil means there is nothing to write.
	Change(ctx context.Context, userID shared.UserID, id string, meta shared.EventMeta, decide func(*Task) (*Change, error)) error
}

// AuditLog appends to the tasks' history. Implementations apply each event once (an inbox of
// processed event ids in the same transaction as the entry).
type AuditLog interface {
	// Record appends the entry; it reports false, writing nothing, when the entry's event was
	// recorded before.
	Record(ctx context.Context, e AuditEntry) (bool, error)
}
