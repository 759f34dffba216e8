package notification

import "time"

// Event types and schema versions of the notification context. Their names are a public
// contract: a consumer in another language matches on them (the ce_type header).
const (
	// EventRequested asks for one notification, on topic notification.request
	// (notification-service).
	EventRequested        = "taskstream.notification.requested"
	EventRequestedVersion = "1"
	// EventCreated says that a notification was stored, on topic notification.created (every
	// API instance pushes it to its user's WebSocket connections).
	EventCreated        = "taskstream.notification.created"
	EventCreatedVersion = "1"
)

// Channel names a way a notification reaches its user.
type Channel string

// The channels.
const (
	// ChannelInApp stores the notification for the API (GET /v1/notifications) and pushes it
	// on the user's open WebSocket connections.
	ChannelInApp Channel = "in_app"
	// ChannelEmail sends it by SMTP.
	ChannelEmail Channel = "email"
	// ChannelSMS posts it to the configured SMS gateway endpoint.
	ChannelSMS Channel = "sms"
)

// Notification types emitted by Taskstream itself. Other producers may use their own.
const (
	TypeTaskDueSoon = "task.due_soon"
	TypeTaskOverdue = "task.overdue"
	TypeTestScored  = "test.scored"
)

// Requested is the payload of EventRequested. Its JSON form is part of the public contract of
// topic notification.request.
type Requested struct {
	// ID is the notification's id, a UUID chosen by the producer: a request delivered or
	// emitted twice with the same id is one notification, sent once.
	ID     string `json:"id"`
	UserID string `json:"user_id"`
	// TaskID names the task the notification is about, if any.
	TaskID   string    `json:"task_id,omitempty"`
	Type     string    `json:"type"`
	Title    string    `json:"title"`
	Message  string    `json:"message"`
	Channels []Channel `json:"channels"`
	// Email and Phone address the email and sms channels; a channel requested without its
	// address fails with that reason.
	Email       string    `json:"email,omitempty"`
	Phone       string    `json:"phone,omitempty"`
	RequestedAt time.Time `json:"requested_at"`
}

// Created is the payload of EventCreated: a notification as it was stored, in the form
// GET /v1/notifications lists one and the notification.created WebSocket frame carries it (the
// frame's data is this payload, unchanged). Addresses are not shown. The user is not a field:
// the event names it in its ce_userid header and is keyed by it, so that payload and frame
// are one shape. Its JSON form is part of the public contract of topic notification.created
// and of the frame.
type Created struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Title   string `json:"title"`
	Message string `json:"message"`
	// TaskID is the task it is about, null when none.
	TaskID    *string   `json:"task_id"`
	CreatedAt time.Time `json:"created_at"`
	// ReadAt is when the user read it, null while unread (always, when it is created).
	ReadAt     *time.Time        `json:"read_at"`
	Read       bool              `json:"read"`
	Deliveries []CreatedDelivery `json:"deliveries"`
}

// CreatedDelivery is one channel of a Created notification, in the order the request named
// the channels.
type CreatedDelivery struct {
	Channel  Channel `json:"channel"`
	Status   Status  `json:"status"`
	Attempts int     `json:"attempts"`
	// Reason says why the channel failed, or why its last attempt did; absent when none.
	Reason string `json:"reason,omitempty"`
	// SentAt is when it was sent, null unless sent.
	SentAt *time.Time `json:"sent_at"`
}

// CreatedEvent returns the payload of the notification's created event: the notification as
// it is, its times in UTC. The store that adds it emits it with the notification, so it shows
// what was stored.
func (n *Notification) CreatedEvent() Created {
	ev := Created{
		ID: n.id, Type: n.typ, Title: n.title, Message: n.message, CreatedAt: n.createdAt.UTC(),
		Deliveries: make([]CreatedDelivery, 0, len(n.deliveries)),
	}
	if n.taskID != "" {
		id := n.taskID
		ev.TaskID = &id
	}
	if !n.readAt.IsZero() {
		at := n.readAt.UTC()
		ev.ReadAt, ev.Read = &at, true
	}
	for _, d := range n.deliveries {
		cd := CreatedDelivery{Channel: d.Channel, Status: d.Status, Attempts: d.Attempts, Reason: d.Reason}
		if !d.SentAt.IsZero() {
			at := d.SentAt.UTC()
			cd.SentAt = &at
		}
		ev.Deliveries = append(ev.Deliveries, cd)
	}
	return ev
}

// InApp reports whether the notification is one to show in the app, the one kind pushed to
// WebSocket clients: whether its in_app channel was requested.
func (c Created) InApp() bool {
	for _, d := range c.Deliveries {
		if d.Channel == ChannelInApp {
			return true
		}
	}
	return false
}
