package task

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// Limits on the text of a task, in characters (runes).
const (
	MaxTitleLength       = 200
	MaxDescriptionLength = 5000
)

// Due times are kept between these years; anything outside is surely a typo.
const (
	minDueYear = 1970
	maxDueYear = 9999
)

// The names of a task's fields, as the task-changed event and the audit trail name them.
const (
	FieldTitle       = "title"
	FieldDescription = "description"
	FieldStatus      = "status"
	FieldPriority    = "priority"
	FieldDueAt       = "due_at"
)

// Task is a user's task. Its fields are unexported so that every change goes through a method
// that keeps its rules; build one with New, or with Rehydrate when reading it back from storage.
//
// A task remembers which fields changed since it was built (Changed); Touch then moves it to
// its next version. A Task is not safe for concurrent use.
type Task struct {
	id          string
	userID      shared.UserID
	title       string
	description string
	status      Status
	priority    Priority
	dueAt       time.Time // zero: no due time
	createdAt   time.Time
	updatedAt   time.Time
	version     int64

	changed []string
}

// New validates and returns a new task in status todo, at version 1. A zero priority means
// medium; a zero due time means none.
func New(id string, userID shared.UserID, title, description string, priority Priority, dueAt, now time.Time) (*Task, error) {
	if !shared.IsUUID(id) {
		return nil, shared.Invalid("id", "must be a UUID")
	}
	if _, err := shared.ParseUserID(string(userID)); err != nil {
		return nil, err
	}
	if now.IsZero() {
		return nil, shared.Invalid("created_at", "is required")
	}
	if priority.IsZero() {
		priority = PriorityMedium
	}
	t := &Task{
		id: strings.ToLower(id), userID: userID, status: StatusTodo, priority: priority,
		createdAt: now.UTC(), updatedAt: now.UTC(), version: 1,
	}
	if err := t.Rename(title); err != nil {
		return nil, err
	}
	if err := t.Describe(description); err != nil {
		return nil, err
	}
	if err := t.SetDue(dueAt); err != nil {
		return nil, err
	}
	t.changed = nil
	return t, nil
}

// Rehydrate rebuilds a task from storage without validation; only repositories call it.
func Rehydrate(s Snapshot) (*Task, error) {
	status, err := ParseStatus(s.Status)
	if err != nil {
		return nil, err
	}
	priority, err := ParsePriority(s.Priority)
	if err != nil {
		return nil, err
	}
	t := &Task{
		id: s.ID, userID: shared.UserID(s.UserID), title: s.Title, description: s.Description,
		status: status, priority: priority, createdAt: s.CreatedAt.UTC(), updatedAt: s.UpdatedAt.UTC(),
		version: s.Version,
	}
	if s.DueAt != nil {
		t.dueAt = s.DueAt.UTC()
	}
	return t, nil
}

// ID returns the task's UUID.
func (t *Task) ID() string { return t.id }

// UserID returns the owner.
func (t *Task) UserID() shared.UserID { return t.userID }

// Title returns the title.
func (t *Task) Title() string { return t.title }

// Description returns the description, possibly empty.
func (t *Task) Description() string { return t.description }

// Status returns the status.
func (t *Task) Status() Status { return t.status }

// Priority returns the priority.
func (t *Task) Priority() Priority { return t.priority }

// DueAt returns the due time and whether there is one.
func (t *Task) DueAt() (time.Time, bool) { return t.dueAt, !t.dueAt.IsZero() }

// CreatedAt returns when the task was created.
func (t *Task) CreatedAt() time.Time { return t.createdAt }

// UpdatedAt returns when the task last changed.
func (t *Task) UpdatedAt() time.Time { return t.updatedAt }

// Version counts the task's changes: 1 when created, one more with each change. The API shows
// it as the ETag that If-Match must name.
func (t *Task) Version() int64 { return t.version }

// Changed lists the fields changed since the task was built or rehydrated, in the order they
// first changed.
func (t *Task) Changed() []string { return slices.Clone(t.changed) }

// CheckVersion fails with a precondition-failed error unless the task is at one of the
// accepted versions (none given: any version).
func (t *Task) CheckVersion(accepted ...int64) error {
	if len(accepted) == 0 || slices.Contains(accepted, t.version) {
		return nil
	}
	return shared.PreconditionFailed("the task is at version %d, not %s: read it again and retry", t.version, versionList(accepted))
}

func versionList(vs []int64) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = strconv.FormatInt(v, 10)
	}
	return strings.Join(parts, " or ")
}

// Rename sets the title: 1 to MaxTitleLength characters after trimming, no control characters.
func (t *Task) Rename(title string) error {
	title = strings.TrimSpace(title)
	if err := shared.CheckText(FieldTitle, title, MaxTitleLength, false); err != nil {
		return err
	}
	if title == "" {
		return shared.Invalid(FieldTitle, "must not be empty")
	}
	set(t, FieldTitle, &t.title, title)
	return nil
}

// Describe sets the description: at most MaxDescriptionLength characters; new lines and tabs
// are allowed.
func (t *Task) Describe(description string) error {
	description = strings.TrimSpace(description)
	if err := shared.CheckText(FieldDescription, description, MaxDescriptionLength, true); err != nil {
		return err
	}
	set(t, FieldDescription, &t.description, description)
	return nil
}

// Prioritize sets the priority.
func (t *Task) Prioritize(p Priority) error {
	if p.IsZero() {
		return shared.Invalid(FieldPriority, "is required")
	}
	set(t, FieldPriority, &t.priority, p)
	return nil
}

// SetDue sets the due time; the zero time removes it. Due times in the past are allowed (the
// task is then overdue).
func (t *Task) SetDue(due time.Time) error {
	due = due.UTC() // the year is checked in UTC, the zone the task keeps it in
	if !due.IsZero() && (due.Year() < minDueYear || due.Year() > maxDueYear) {
		return shared.Invalid(FieldDueAt, "must be between the years %d and %d (UTC)", minDueYear, maxDueYear)
	}
	if !due.Equal(t.dueAt) {
		t.dueAt = due
		t.mark(FieldDueAt)
	}
	return nil
}

// Start moves a task from todo to in_progress; a task in progress stays there. A done task must
// be reopened first.
func (t *Task) Start() error {
	if t.status == StatusDone {
		return shared.Conflict("the task is done: reopen it first")
	}
	set(t, FieldStatus, &t.status, StatusInProgress)
	return nil
}

// Pause moves a task back from in_progress to todo. A done task must be reopened instead.
func (t *Task) Pause() error {
	if t.status == StatusDone {
		return shared.Conflict("the task is done: reopen it instead")
	}
	set(t, FieldStatus, &t.status, StatusTodo)
	return nil
}

// Complete marks the task done. A done task cannot be completed again.
func (t *Task) Complete() error {
	if t.status == StatusDone {
		return shared.Conflict("the task is already done")
	}
	set(t, FieldStatus, &t.status, StatusDone)
	return nil
}

// Reopen moves a done task back to todo. Only a done task can be reopened.
func (t *Task) Reopen() error {
	if t.status != StatusDone {
		return shared.Conflict("only a done task can be reopened; this one is %s", t.status)
	}
	set(t, FieldStatus, &t.status, StatusTodo)
	return nil
}

// MoveTo sets the status by the transitions above: done completes, todo and in_progress pause,
// start or reopen.
func (t *Task) MoveTo(s Status) error {
	switch {
	case s == t.status:
		return nil
	case s == StatusDone:
		return t.Complete()
	case t.status == StatusDone:
		if err := t.Reopen(); err != nil {
			return err
		}
		t.status = s
		return nil
	case s == StatusInProgress:
		return t.Start()
	case s == StatusTodo:
		return t.Pause()
	default:
		return shared.Invalid(FieldStatus, "is required")
	}
}

// Touch records the changes made since the task was built: when any field changed, the task
// moves to its next version, changed at now. It reports whether there was anything to record.
func (t *Task) Touch(now time.Time) bool {
	if len(t.changed) == 0 {
		return false
	}
	t.version++
	t.updatedAt = now.UTC()
	return true
}

func (t *Task) mark(field string) {
	if !slices.Contains(t.changed, field) {
		t.changed = append(t.changed, field)
	}
}

// set assigns v to *dst and marks field changed when the value differs.
func set[T comparable](t *Task, field string, dst *T, v T) {
	if *dst != v {
		*dst = v
		t.mark(field)
	}
}
