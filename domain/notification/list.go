package notification

import (
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// Cursor marks a position in the newest-first order: the last notification of the previous page.
type Cursor struct {
	CreatedAt time.Time
	ID        string
}

// ListQuery selects a page of one user's notifications, newest first.
type ListQuery struct {
	UserID shared.UserID
	// UnreadOnly keeps the unread ones.
	UnreadOnly bool
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

// Page is one page of notifications and, when more follow, the cursor of the next page.
type Page struct {
	Items []*Notification
	Next  *Cursor
}
