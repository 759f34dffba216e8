package todo

import (
	"strings"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// Limits on the text of a to-do, in characters (runes).
const (
	MaxTitleLength       = 200
	MaxDescriptionLength = 2000
)

// Todo is a user's to-do. Its fields are unexported so that every change goes through a method
// that keeps its rules; build one with New, or with Rehydrate when reading it back from storage.
type Todo struct {
	id          string
	userID      shared.UserID
	title       string
	description string
	completed   bool
	createdAt   time.Time
	updatedAt   time.Time
}

// New validates and returns a new, not yet completed to-do created at createdAt.
func New(id string, userID shared.UserID, title, description string, createdAt time.Time) (*Todo, error) {
	if !shared.IsUUID(id) {
		return nil, shared.Invalid("id", "must be a UUID")
	}
	if _, err := shared.ParseUserID(string(userID)); err != nil {
		return nil, err
	}
	if createdAt.IsZero() {
		return nil, shared.Invalid("created_at", "is required")
	}
	t := &Todo{id: strings.ToLower(id), userID: userID, createdAt: createdAt.UTC(), updatedAt: createdAt.UTC()}
	if err := t.Rename(title); err != nil {
		return nil, err
	}
	if err := t.Describe(description); err != nil {
		return nil, err
	}
	t.updatedAt = t.createdAt
	return t, nil
}

// Rehydrate rebuilds a to-do from storage without validation; only repositories call it.
func Rehydrate(id string, userID shared.UserID, title, description string, completed bool, createdAt, updatedAt time.Time) *Todo {
	return &Todo{
		id: id, userID: userID, title: title, description: description,
		completed: completed, createdAt: createdAt.UTC(), updatedAt: updatedAt.UTC(),
	}
}

// ID returns the to-do's UUID.
func (t *Todo) ID() string { return t.id }

// UserID returns the owner.
func (t *Todo) UserID() shared.UserID { return t.userID }

// Title returns the title.
func (t *Todo) Title() string { return t.title }

// Description returns the description, possibly empty.
func (t *Todo) Description() string { return t.description }

// Completed reports whether the to-do is done.
func (t *Todo) Completed() bool { return t.completed }

// CreatedAt returns when the API accepted the to-do.
func (t *Todo) CreatedAt() time.Time { return t.createdAt }

// UpdatedAt returns when the to-do last changed.
func (t *Todo) UpdatedAt() time.Time { return t.updatedAt }

// Rename sets the title: 1 to MaxTitleLength characters after trimming, no control characters.
func (t *Todo) Rename(title string) error {
	title = strings.TrimSpace(title)
	if err := shared.CheckText("title", title, MaxTitleLength, false); err != nil {
		return err
	}
	if title == "" {
		return shared.Invalid("title", "must not be empty")
	}
	t.title = title
	return nil
}

// Describe sets the description: at most MaxDescriptionLength characters; new lines and tabs are allowed.
func (t *Todo) Describe(description string) error {
	description = strings.TrimSpace(description)
	if err := shared.CheckText("description", description, MaxDescriptionLength, true); err != nil {
		return err
	}
	t.description = description
	return nil
}

// SetCompleted marks the to-do done or not done.
func (t *Todo) SetCompleted(completed bool) { t.completed = completed }

// Touch records that the to-do changed at now.
func (t *Todo) Touch(now time.Time) { t.updatedAt = now.UTC() }
