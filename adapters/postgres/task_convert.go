package postgres

import (
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/postgres/internal/db"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// stored returns c with its times at the microsecond, as PostgreSQL keeps them, so that the
// row and the events written with it carry the same times.
func stored(c task.Change) task.Change {
	c.Task.CreatedAt = toDBTime(c.Task.CreatedAt)
	c.Task.UpdatedAt = toDBTime(c.Task.UpdatedAt)
	if c.Task.DueAt != nil {
		due := toDBTime(*c.Task.DueAt)
		c.Task.DueAt = &due
	}
	return c
}

// toDomainTask rebuilds a task from a row of tasks.
func toDomainTask(row db.Task) (*task.Task, error) {
	s := task.Snapshot{
		ID: row.ID.String(), UserID: row.UserID, Title: row.Title, Description: row.Description,
		Status: row.Status, Priority: row.Priority, CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt,
		Version: row.Version,
	}
	if row.DueAt.Valid {
		s.DueAt = &row.DueAt.Time
	}
	t, err := task.Rehydrate(s)
	if err != nil {
		return nil, fmt.Errorf("postgres: task %s: %w", row.ID, err)
	}
	return t, nil
}

// toDBTask is the row of a task's snapshot.
func toDBTask(s task.Snapshot) (db.Task, error) {
	id, ok := parseID(s.ID)
	if !ok {
		return db.Task{}, shared.Invalid("id", "must be a UUID")
	}
	row := db.Task{
		ID: id, UserID: s.UserID, Title: s.Title, Description: s.Description, Status: s.Status,
		Priority: s.Priority, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, Version: s.Version,
	}
	if s.DueAt != nil {
		row.DueAt = sql.NullTime{Time: *s.DueAt, Valid: true}
	}
	return row, nil
}

func toDBUpdateTask(row db.Task) db.UpdateTaskParams {
	return db.UpdateTaskParams{
		Title: row.Title, Description: row.Description, Status: row.Status, Priority: row.Priority,
		DueAt: row.DueAt, UpdatedAt: row.UpdatedAt, Version: row.Version, UserID: row.UserID, ID: row.ID,
	}
}

// toDBListTasks asks for Limit+1 rows: the extra row only tells whether another page follows.
func toDBListTasks(q task.ListQuery) (db.ListTasksParams, error) {
	if q.Limit < 1 || q.Limit > task.MaxPageSize {
		return db.ListTasksParams{}, shared.Invalid("limit", "must be between 1 and %d", task.MaxPageSize)
	}
	p := db.ListTasksParams{UserID: string(q.UserID), PageLimit: int32(q.Limit + 1)}
	if !q.Status.IsZero() {
		p.Status = sql.NullString{String: q.Status.String(), Valid: true}
	}
	if !q.Priority.IsZero() {
		p.Priority = sql.NullString{String: q.Priority.String(), Valid: true}
	}
	if !q.DueBefore.IsZero() {
		p.DueBefore = sql.NullTime{Time: q.DueBefore, Valid: true}
	}
	if q.After != nil {
		id, ok := parseID(q.After.ID)
		if !ok {
			return db.ListTasksParams{}, shared.Invalid("cursor", "is not valid")
		}
		p.CursorCreatedAt = sql.NullTime{Time: q.After.CreatedAt, Valid: true}
		p.CursorID = uuid.NullUUID{UUID: id, Valid: true}
	}
	return p, nil
}

// toDBAudit is the history row of an entry; the snapshot is kept as its JSON, as the task
// event carried it.
func toDBAudit(e task.AuditEntry) (db.InsertTaskAuditParams, error) {
	eventID, err := uuid.Parse(e.EventID)
	if err != nil {
		return db.InsertTaskAuditParams{}, shared.Invalid("event_id", "must be a UUID")
	}
	taskID, ok := parseID(e.Task.ID)
	if !ok {
		return db.InsertTaskAuditParams{}, shared.Invalid("task.id", "must be a UUID")
	}
	snapshot, err := json.Marshal(e.Task)
	if err != nil {
		return db.InsertTaskAuditParams{}, fmt.Errorf("postgres: encode task snapshot: %w", err)
	}
	return db.InsertTaskAuditParams{
		EventID: eventID, TaskID: taskID, UserID: e.Task.UserID, Action: e.Action.String(),
		Version: e.Task.Version, Snapshot: snapshot, At: e.At,
	}, nil
}

func toDomainAuditEntry(row db.ListTaskAuditRow) (task.AuditEntry, error) {
	action, err := task.ParseAction(row.Action)
	if err != nil {
		return task.AuditEntry{}, fmt.Errorf("postgres: audit entry %s: %w", row.EventID, err)
	}
	var snap task.Snapshot
	if err := json.Unmarshal(row.Snapshot, &snap); err != nil {
		return task.AuditEntry{}, fmt.Errorf("postgres: audit entry %s: decode snapshot: %w", row.EventID, err)
	}
	return task.AuditEntry{EventID: row.EventID.String(), Action: action, Task: snap, At: row.At.UTC()}, nil
}
