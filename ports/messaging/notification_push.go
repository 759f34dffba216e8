package messaging

import (
	"encoding/json"
	"errors"
	"log/slog"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/platform/envelope"
)

// NotificationPushHandlerName names the live push of new notifications on the API instances
// (topic notification.created, one consumer group per instance) in logs, metrics and poison
// headers.
const NotificationPushHandlerName = "websocket-notifications"

// FrameTypeNotificationCreated is the type of the frame that carries a new in-app notification
// to WebSocket clients: {"type":"notification.created","id":"<notification id>","data":<the
// notification.Created payload>}, data as GET /v1/notifications shows one item. The frame is a
// public contract, like the event it carries.
const FrameTypeNotificationCreated = "notification.created"

// NotificationPush pushes each notification the notification-service stored (topic
// notification.created) to its user's open WebSocket connections on this API instance, when it
// is an in-app one. Every instance reads the topic from the newest message on in a group of its
// own, like task-updates, because a user's connection may be on any instance and the
// notification-service may run in another process. The frame's data is the event's payload:
// the notification as it was stored, with its channels' status at that moment.
//
// The store emits one event per stored notification, so each is pushed once; a redelivered
// event (a consumer that restarts before committing, a relay that publishes a batch again) is
// pushed again. Clients skip a notification id they have seen, as they skip a task.changed
// event id.
type NotificationPush struct {
	hub    LiveHub
	logger *slog.Logger
}

// NewNotificationPush returns the push handler. It panics on a nil dependency.
func NewNotificationPush(hub LiveHub, logger *slog.Logger) *NotificationPush {
	if hub == nil || logger == nil {
		panic("messaging: nil dependency for NotificationPush")
	}
	return &NotificationPush{hub: hub, logger: logger}
}

// notificationFrame is what a WebSocket client receives for a new notification.
type notificationFrame struct {
	Type string               `json:"type"`
	ID   string               `json:"id"`
	Data notification.Created `json:"data"`
}

// Handle is a message.NoPublishHandlerFunc: it decodes the notification.created event of msg
// and publishes its frame for the event's user (its ce_userid header), never waiting on a
// client. A notification without the in_app channel is not pushed. A message it cannot decode,
// or that names no user, is skipped (nil) with a warning rather than parked: every API instance
// reads the topic, so parking would copy one fault once per instance, and the notification is
// stored whatever becomes of its push. A user without open connections is no error: the frame
// is dropped.
func (p *NotificationPush) Handle(msg *message.Message) error {
	var ev notification.Created
	if err := envelope.Decode(msg, notification.EventCreated, notification.EventCreatedVersion, &ev); err != nil {
		p.skip(msg, err)
		return nil
	}
	user := msg.Metadata.Get(envelope.KeyUserID)
	if user == "" {
		p.skip(msg, errors.New("notification.created event without a user (ce_userid)"))
		return nil
	}
	if !ev.InApp() {
		return nil
	}
	frame, err := json.Marshal(notificationFrame{Type: FrameTypeNotificationCreated, ID: ev.ID, Data: ev})
	if err != nil {
		p.skip(msg, err)
		return nil
	}
	p.hub.Publish(user, frame)
	return nil
}

func (p *NotificationPush) skip(msg *message.Message, err error) {
	p.logger.Warn("not pushing a notification", "message_id", eventID(msg), "error", err)
}
