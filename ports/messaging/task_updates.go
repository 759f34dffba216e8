package messaging

import (
	"encoding/json"
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/platform/envelope"
)

// TaskUpdatesHandlerName names the live-update handler of the API instances (topic
// task-updates, one consumer group per instance) in logs, metrics and poison headers.
const TaskUpdatesHandlerName = "websocket-task-updates"

// FrameTypeTaskChanged is the type of the frame that carries a task.Changed to WebSocket
// clients: {"type":"task.changed","id":"<event id>","data":<task.Changed>}. The frame is a public
// contract, like the event it carries.
const FrameTypeTaskChanged = "task.changed"

// LiveHub fans frames out to a user's open connections without waiting; *live.Hub is one.
type LiveHub interface {
	Publish(user string, frame []byte)
}

// TaskUpdates pushes each task change from topic task-updates to its owner's connections.
type TaskUpdates struct {
	hub LiveHub
}

// NewTaskUpdates returns the live-update handler. It panics on a nil hub.
func NewTaskUpdates(hub LiveHub) *TaskUpdates {
	if hub == nil {
		panic("messaging: nil LiveHub")
	}
	return &TaskUpdates{hub: hub}
}

// liveFrame is what a WebSocket client receives for one event.
type liveFrame struct {
	Type string       `json:"type"`
	ID   string       `json:"id,omitempty"`
	Data task.Changed `json:"data"`
}

// Handle is a message.NoPublishHandlerFunc: it decodes the task.Changed event of msg and
// publishes its frame for the event's user, never waiting on a client. A message that cannot
// be decoded, names no user or two different users is refused with an error of kind invalid
// that says why (retrying it will not help; Run parks it at once). A user without open
// connections is no error: the frame is dropped.
func (h *TaskUpdates) Handle(msg *message.Message) error {
	var ev task.Changed
	if err := envelope.Decode(msg, task.EventChanged, task.EventChangedVersion, &ev); err != nil {
		return shared.Invalid("message", "%v", err)
	}
	if ev.UserID == "" {
		return shared.Invalid("message", "task.changed event without a user_id")
	}
	if header := msg.Metadata.Get(envelope.KeyUserID); header != "" && header != ev.UserID {
		return shared.Invalid("message", "task.changed event for user_id %q under %s %q", ev.UserID, envelope.KeyUserID, header)
	}
	frame, err := json.Marshal(liveFrame{Type: FrameTypeTaskChanged, ID: eventID(msg), Data: ev})
	if err != nil {
		return fmt.Errorf("encode the task.changed frame: %w", err)
	}
	h.hub.Publish(ev.UserID, frame)
	return nil
}
