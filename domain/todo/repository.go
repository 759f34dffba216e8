package todo

import (
	"context"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// Repository stores to-dos. Implementations are safe for concurrent use. Every method that takes
// a user id only ever sees that user's to-dos: another user's to-do is reported as not found.
type Repository interface {
	// AddBatch stores the to-dos in one transaction. It is idempotent by id: a to-do whose id is
	// already stored (or was deleted) is skipped, so replaying a batch changes nothing. It
	// returns how many were new.
	AddBatch(ctx context.Context, todos []*Todo) (inserted int, err error)
	// Get returns the user's to-do, or a shared.KindNotFound error.
	Get(ctx context.Context, userID shared.UserID, id string) (*Todo, error)
	// List returns one page of the user's to-dos, newest first.
	List(ctx context.Context, q ListQuery) (Page, error)
	// Update loads the user's to-do, applies change to it and stores the result in one
	// transaction, holding a row lock so concurrent updates do not overwrite each other.
	Update(ctx context.Context, userID shared.UserID, id string, change func(*Todo) error) (*Todo, error)
	// Delete removes the user's to-do. It leaves a tombstone so that a replayed create event
	// does not bring the to-do back.
	Delete(ctx context.Context, userID shared.UserID, id string) error
}

// Cursor marks a position in the newest-first order: the last to-do of the previous page.
type Cursor struct {
	CreatedAt time.Time
	ID        string
}

// ListQuery selects a page of one user's to-dos.
type ListQuery struct {
	UserID shared.UserID
	// Completed filters by state when set.
	Completed *bool
	// After continues after this position when set.
	After *Cursor
	// Limit is the page size, 1 to MaxPageSize.
	Limit int
}

// Page sizes for List.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// Page is one page of to-dos and, when more follow, the cursor of the next page.
type Page struct {
	Items []*Todo
	Next  *Cursor
}
