package command

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// RecordTaskEvent appends one task event to the task's history (the audit-service consumer).
type RecordTaskEvent struct {
	EventID string
	Event   task.Recorded
}

// RecordTaskEventHandler handles RecordTaskEvent. It reports whether the event was new.
type RecordTaskEventHandler decorator.Handler[RecordTaskEvent, bool]

type recordTaskEventHandler struct {
	log task.AuditLog
}

// NewRecordTaskEventHandler returns the RecordTaskEvent use case. It panics on a nil log.
func NewRecordTaskEventHandler(log task.AuditLog) decorator.Handler[RecordTaskEvent, bool] {
	if log == nil {
		panic("command: nil audit log for RecordTaskEvent")
	}
	return recordTaskEventHandler{log: log}
}

func (h recordTaskEventHandler) Handle(ctx context.Context, cmd RecordTaskEvent) (bool, error) {
	if !shared.IsUUID(cmd.EventID) {
		return false, shared.Invalid("event_id", "must be a UUID")
	}
	action, err := task.ParseAction(cmd.Event.Action)
	if err != nil {
		return false, err
	}
	// The history holds only entries the API can show.
	if err := cmd.Event.Task.Validate(); err != nil {
		return false, err
	}
	return h.log.Record(ctx, task.AuditEntry{EventID: cmd.EventID, Action: action, Task: cmd.Event.Task, At: cmd.Event.At})
}
