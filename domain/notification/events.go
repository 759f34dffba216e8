package notification

import "time"

// Event types and schema versions of the notification context. Their names are a public
// contract: a consumer in another language matches on them (the ce_type header).
const (
	// EventRequested asks for one notification, on topic notification.request
	// (notification-service).
	EventRequested        = "taskstream.notification.requested"
	EventRequestedVersion = "1"
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
