package messages

import (
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/platform/envelope"
)

// TaskTopics names the topics of task events.
type TaskTopics struct {
	// Events receives every change with the snapshot and the action (task-events).
	Events string
	// Updates receives the changed fields of every change (task-updates).
	Updates string
}

// TaskChange returns the two messages of c: its task event and its task-changed event, both
// keyed by the task's owner so that one user's changes stay in order.
func TaskChange(c task.Change, meta shared.EventMeta, topics TaskTopics) ([]envelope.Routed, error) {
	recorded, err := envelope.New(envelope.Event{
		Type: task.EventRecorded, SchemaVersion: task.EventRecordedVersion, UserID: c.Task.UserID,
		CorrelationID: meta.CorrelationID, TraceParent: meta.TraceParent, Time: c.Task.UpdatedAt,
		Payload: c.Recorded(),
	})
	if err != nil {
		return nil, err
	}
	changed, err := envelope.New(envelope.Event{
		Type: task.EventChanged, SchemaVersion: task.EventChangedVersion, UserID: c.Task.UserID,
		CorrelationID: meta.CorrelationID, TraceParent: meta.TraceParent, Time: c.Task.UpdatedAt,
		Payload: c.Changed(),
	})
	if err != nil {
		return nil, err
	}
	return []envelope.Routed{{Topic: topics.Events, Message: recorded}, {Topic: topics.Updates, Message: changed}}, nil
}
