package messaging

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/platform/envelope"
)

// Handler names of the notification-service group. They are a public contract, like the topics.
const (
	// NotificationRequestsHandlerName handles topic notification.request.
	NotificationRequestsHandlerName = "notification-service"
	// NotificationTestResultsHandlerName handles topic test_results_ready.
	NotificationTestResultsHandlerName = "notification-test-results"
)

// FrameTypeNotificationCreated is the type of the frame that carries a new in-app notification
// to WebSocket clients: {"type":"notification.created","id":"<notification id>","data":{...}},
// data as GET /v1/notifications shows one item. The frame is a public contract.
const FrameTypeNotificationCreated = "notification.created"

// Notifications is the notification-service: it stores and delivers the requested
// notifications (topic notification.request) and tells users their test result is ready
// (topic test_results_ready), and pushes each new in-app notification to its user's
// connections on this process's hub.
type Notifications struct {
	request command.HandleNotificationRequestHandler
	scored  command.NotifyTestScoredHandler
	hub     LiveHub
}

// NewNotifications returns the notification-service handlers. It panics on a nil dependency.
func NewNotifications(request command.HandleNotificationRequestHandler, scored command.NotifyTestScoredHandler, hub LiveHub) *Notifications {
	if request == nil || scored == nil || hub == nil {
		panic("messaging: nil dependency for Notifications")
	}
	return &Notifications{request: request, scored: scored, hub: hub}
}

// HandleRequest applies one notification.requested event. A message that cannot be decoded or
// asks for an invalid notification is refused with an error of kind invalid that says why
// (parked at once). A channel that failed and has attempts left makes it return an error, so
// the consumer retries the message with backoff; the channels sent before are not sent again.
func (h *Notifications) HandleRequest(msg *message.Message) error {
	var req notification.Requested
	if err := envelope.Decode(msg, notification.EventRequested, &req); err != nil {
		return shared.Invalid("message", "%v", err)
	}
	if header := msg.Metadata.Get(envelope.KeyUserID); header != "" && header != req.UserID {
		return shared.Invalid("message", "notification.requested event for user_id %q under %s %q", req.UserID, envelope.KeyUserID, header)
	}
	res, err := h.request.Handle(msg.Context(), command.HandleNotificationRequest{MessageID: eventID(msg), Request: req})
	h.push(res)
	return err
}

// HandleScored turns one test.scored event into an in-app notification, once per submission.
func (h *Notifications) HandleScored(msg *message.Message) error {
	var ev testresult.Scored
	if err := envelope.Decode(msg, testresult.EventScored, &ev); err != nil {
		return shared.Invalid("message", "%v", err)
	}
	res, err := h.scored.Handle(msg.Context(), command.NotifyTestScored{MessageID: eventID(msg), Scored: ev})
	h.push(res)
	return err
}

// push sends a newly stored in-app notification to its user's open connections (best effort:
// the API lists it in any case). Only the pass that stored it pushes, so a redelivery does not.
func (h *Notifications) push(res command.NotificationHandled) {
	if !res.Created || res.Notification == nil {
		return
	}
	if _, inApp := res.Notification.Delivery(notification.ChannelInApp); !inApp {
		return
	}
	frame, err := NotificationFrame(res.Notification)
	if err != nil {
		return
	}
	h.hub.Publish(string(res.Notification.UserID()), frame)
}

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
