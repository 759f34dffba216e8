package task

import (
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// Cursor marks a position in the newest-first order: the last task of the previous page.
type Cursor struct {
	CreatedAt time.Time
	ID        string
}

// ListQuery selects a page of one user's tasks, newest first.
type ListQuery struct {
	UserID shared.UserID
	// Status and Priority filter when not zero.
	Status   Status
	Priority Priority
	// DueBefore keeps the tasks due strictly before it, when not zero.
	DueBefore time.Time
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

// Page is one page of tasks and, when more follow, the cursor of the next page.
type Page struct {
	Items []*Task
	Next  *Cursor
}

// AuditEntry is one line of a task's history: one applied task event.
type AuditEntry struct {
	EventID string
	Action  Action
	Task    Snapshot
	At      time.Time
}
