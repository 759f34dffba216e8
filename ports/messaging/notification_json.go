package messaging

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/taskstream/taskstream/domain/notification"
)

// FrameTypeNotificationCreated is the type of the frame that carries a new in-app notification
// to WebSocket clients: {"type":"notification.created","id":"<notification id>","data":{...}},
// data as GET /v1/notifications shows one item. The frame is a public contract.
const FrameTypeNotificationCreated = "notification.created"

// NotificationJSON is a notification as the API and the WebSocket frame show it. Addresses
// are not shown.
type NotificationJSON struct {
	ID         string         `json:"id"`
	Type       string         `json:"type"`
	Title      string         `json:"title"`
	Message    string         `json:"message"`
	TaskID     *string        `json:"task_id"`
	CreatedAt  string         `json:"created_at"`
	ReadAt     *string        `json:"read_at"`
	Read       bool           `json:"read"`
	Deliveries []DeliveryJSON `json:"deliveries"`
}

// DeliveryJSON is one channel's delivery as the API shows it.
type DeliveryJSON struct {
	Channel  string  `json:"channel"`
	Status   string  `json:"status"`
	Attempts int     `json:"attempts"`
	Reason   string  `json:"reason,omitempty"`
	SentAt   *string `json:"sent_at"`
}

// ToNotificationJSON converts n for the API and the frame.
func ToNotificationJSON(n *notification.Notification) NotificationJSON {
	out := NotificationJSON{
		ID: n.ID(), Type: n.Type(), Title: n.Title(), Message: n.Message(), CreatedAt: formatTime(n.CreatedAt()),
		Deliveries: []DeliveryJSON{},
	}
	if id := n.TaskID(); id != "" {
		out.TaskID = &id
	}
	if at, read := n.ReadAt(); read {
		s := formatTime(at)
		out.ReadAt, out.Read = &s, true
	}
	for _, d := range n.Deliveries() {
		dj := DeliveryJSON{Channel: string(d.Channel), Status: string(d.Status), Attempts: d.Attempts, Reason: d.Reason}
		if !d.SentAt.IsZero() {
			s := formatTime(d.SentAt)
			dj.SentAt = &s
		}
		out.Deliveries = append(out.Deliveries, dj)
	}
	return out
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// NotificationFrame is the notification.created frame of n.
func NotificationFrame(n *notification.Notification) ([]byte, error) {
	frame, err := json.Marshal(struct {
		Type string           `json:"type"`
		ID   string           `json:"id"`
		Data NotificationJSON `json:"data"`
	}{FrameTypeNotificationCreated, n.ID(), ToNotificationJSON(n)})
	if err != nil {
		return nil, fmt.Errorf("encode the notification.created frame: %w", err)
	}
	return frame, nil
}
