package messaging

import (
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/platform/envelope"
)

// TaskAuditHandlerName names the audit-service's handler of topic task-events.
const TaskAuditHandlerName = "task-audit"

// TaskAudit appends each task event to its task's history (consumer group audit-service).
type TaskAudit struct {
	record command.RecordTaskEventHandler
}

// NewTaskAudit returns the audit handler. It panics on a nil use case.
func NewTaskAudit(record command.RecordTaskEventHandler) *TaskAudit {
	if record == nil {
		panic("messaging: nil RecordTaskEvent handler")
	}
	return &TaskAudit{record: record}
}

// Handle records one task event; an event recorded before changes nothing.
func (h *TaskAudit) Handle(msg *message.Message) error {
	var ev task.Recorded
	if err := envelope.Decode(msg, task.EventRecorded, task.EventRecordedVersion, &ev); err != nil {
		return shared.Invalid("message", "%v", err)
	}
	_, err := h.record.Handle(msg.Context(), command.RecordTaskEvent{EventID: eventID(msg), Event: ev})
	return err
}

// eventID is the event's id: the CloudEvents id, which survives any transport, else the
// Watermill message id.
func eventID(msg *message.Message) string {
	if id := msg.Metadata.Get(envelope.KeyID); id != "" {
		return id
	}
	return msg.UUID
}
