package messages

import (
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/platform/envelope"
)

// NotificationRequested returns the message of r for topic (notification.request), keyed by
// r's user and dated r.RequestedAt.
func NotificationRequested(r notification.Requested, meta shared.EventMeta, topic string) (envelope.Routed, error) {
	msg, err := envelope.New(envelope.Event{
		Type: notification.EventRequested, SchemaVersion: notification.EventRequestedVersion, UserID: r.UserID,
		CorrelationID: meta.CorrelationID, TraceParent: meta.TraceParent, Time: r.RequestedAt, Payload: r,
	})
	if err != nil {
		return envelope.Routed{}, err
	}
	return envelope.Routed{Topic: topic, Message: msg}, nil
}

// NotificationCreated returns the created event of n, a notification as stored, for topic
// (notification.created), keyed by n's user and dated by its creation. It carries no
// correlation id: Repository.Add, which emits it, is not given the request's.
func NotificationCreated(n *notification.Notification, topic string) (envelope.Routed, error) {
	msg, err := envelope.New(envelope.Event{
		Type: notification.EventCreated, SchemaVersion: notification.EventCreatedVersion, UserID: string(n.UserID()),
		Time: n.CreatedAt(), Payload: n.CreatedEvent(),
	})
	if err != nil {
		return envelope.Routed{}, err
	}
	return envelope.Routed{Topic: topic, Message: msg}, nil
}
