package task

import (
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// Event types and schema versions of the task context. Their names are a public contract: a
// consumer in another language matches on them (the ce_type header).
const (
	// EventRecorded is a task change with the task's snapshot after it and the action, on
	// topic task-events (the audit trail).
	EventRecorded        = "taskstream.task.recorded"
	EventRecordedVersion = "1"
	// EventChanged is the changed fields of a task change, on topic task-updates (live
	// updates).
	EventChanged        = "taskstream.task.changed"
	EventChangedVersion = "1"
)

// Snapshot is a task's state in events and storage. Its JSON form is part of the public
// contract of topic task-events.
type Snapshot struct {
	ID          string     `json:"id"`
	UserID      string     `json:"user_id"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Status      string     `json:"status"`
	Priority    string     `json:"priority"`
	DueAt       *time.Time `json:"due_at"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	Version     int64      `json:"version"`
}

// Snapshot returns the task's current state.
func (t *Task) Snapshot() Snapshot {
	s := Snapshot{
		ID: t.id, UserID: string(t.userID), Title: t.title, Description: t.description,
		Status: t.status.String(), Priority: t.priority.String(),
		CreatedAt: t.createdAt, UpdatedAt: t.updatedAt, Version: t.version,
	}
	if due, ok := t.DueAt(); ok {
		s.DueAt = &due
	}
	return s
}

// Validate checks a snapshot read from an event as the domain would have written it: a UUID id,
// a valid owner, status and priority, a version of at least 1.
func (s Snapshot) Validate() error {
	if !shared.IsUUID(s.ID) {
		return shared.Invalid("task.id", "must be a UUID")
	}
	if _, err := shared.ParseUserID(s.UserID); err != nil {
		return err
	}
	if s.Version < 1 {
		return shared.Invalid("task.version", "must be at least 1")
	}
	_, err := Rehydrate(s)
	return err
}

// Recorded is the payload of EventRecorded: what happened to the task and its state after.
// For a deleted task the snapshot is its last state, at the version of the deletion.
type Recorded struct {
	Action string    `json:"action"`
	Task   Snapshot  `json:"task"`
	At     time.Time `json:"at"`
}

// Changed is the payload of EventChanged: the fields a change set, with their new values (a
// nil due_at removed the due time). A deleted task changes no field.
type Changed struct {
	TaskID  string         `json:"task_id"`
	UserID  string         `json:"user_id"`
	Action  string         `json:"action"`
	Version int64          `json:"version"`
	Changes map[string]any `json:"changes"`
	At      time.Time      `json:"at"`
}

// Change is one recorded change of a task: its action, the task after it and the fields it set.
// Storage writes the task and the change's two events in one transaction.
type Change struct {
	Action Action
	Task   Snapshot
	Fields []string
}

// NewChange describes what the last Touch recorded on t.
func NewChange(a Action, t *Task) Change {
	return Change{Action: a, Task: t.Snapshot(), Fields: t.Changed()}
}

// Deletion describes the deletion of t at now: its last state, one version on.
func Deletion(t *Task, now time.Time) Change {
	s := t.Snapshot()
	s.Version++
	s.UpdatedAt = now.UTC()
	return Change{Action: ActionDeleted, Task: s}
}

// Recorded returns the payload of the change's task event.
func (c Change) Recorded() Recorded {
	return Recorded{Action: c.Action.String(), Task: c.Task, At: c.Task.UpdatedAt}
}

// Changed returns the payload of the change's task-changed event. A created task lists every
// field.
func (c Change) Changed() Changed {
	fields := c.Fields
	if c.Action == ActionCreated {
		fields = []string{FieldTitle, FieldDescription, FieldStatus, FieldPriority, FieldDueAt}
	}
	changes := make(map[string]any, len(fields))
	for _, f := range fields {
		changes[f] = c.Task.field(f)
	}
	return Changed{
		TaskID: c.Task.ID, UserID: c.Task.UserID, Action: c.Action.String(), Version: c.Task.Version,
		Changes: changes, At: c.Task.UpdatedAt,
	}
}

func (s Snapshot) field(name string) any {
	switch name {
	case FieldTitle:
		return s.Title
	case FieldDescription:
		return s.Description
	case FieldStatus:
		return s.Status
	case FieldPriority:
		return s.Priority
	case FieldDueAt:
		return s.DueAt
	default:
		return nil
	}
}
