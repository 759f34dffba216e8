package httpport

import "github.com/taskstream/taskstream/domain/notification"

// notificationResponse is a notification as the API shows it, in GET /v1/notifications and
// POST /v1/notifications/{id}/read. Addresses are not shown. The notification.created WebSocket
// frame carries the same JSON (notification.Created): a client reads both with one type.
type notificationResponse struct {
	ID         string             `json:"id"`
	Type       string             `json:"type"`
	Title      string             `json:"title"`
	Message    string             `json:"message"`
	TaskID     *string            `json:"task_id"`
	CreatedAt  string             `json:"created_at"`
	ReadAt     *string            `json:"read_at"`
	Read       bool               `json:"read"`
	Deliveries []deliveryResponse `json:"deliveries"`
}

// deliveryResponse is one channel's delivery: its status, attempts, the reason of a failure and
// when it was sent.
type deliveryResponse struct {
	Channel  string  `json:"channel"`
	Status   string  `json:"status"`
	Attempts int     `json:"attempts"`
	Reason   string  `json:"reason,omitempty"`
	SentAt   *string `json:"sent_at"`
}

// notificationListResponse is one page of GET /v1/notifications.
type notificationListResponse struct {
	Items      []notificationResponse `json:"items"`
	NextCursor string                 `json:"next_cursor,omitempty"`
}

func toNotificationResponse(n *notification.Notification) notificationResponse {
	out := notificationResponse{
		ID: n.ID(), Type: n.Type(), Title: n.Title(), Message: n.Message(), CreatedAt: formatTime(n.CreatedAt()),
		Deliveries: make([]deliveryResponse, 0, len(n.Deliveries())),
	}
	if id := n.TaskID(); id != "" {
		out.TaskID = &id
	}
	if at, read := n.ReadAt(); read {
		s := formatTime(at)
		out.ReadAt, out.Read = &s, true
	}
	for _, d := range n.Deliveries() {
		dr := deliveryResponse{Channel: string(d.Channel), Status: string(d.Status), Attempts: d.Attempts, Reason: d.Reason}
		if !d.SentAt.IsZero() {
			s := formatTime(d.SentAt)
			dr.SentAt = &s
		}
		out.Deliveries = append(out.Deliveries, dr)
	}
	return out
}
