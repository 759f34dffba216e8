package messaging

import (
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

// Notifications is the notification-service: it stores and delivers the requested
// notifications (topic notification.request) and tells users their quiz's result is ready
// (topic test_results_ready). Its store emits a notification.created event for each
// notification it stores, which the API instances push to WebSocket clients (NotificationPush).
type Notifications struct {
	request command.HandleNotificationRequestHandler
	scored  command.NotifyQuizScoredHandler
}

// NewNotifications returns the notification-service handlers. It panics on a nil dependency.
func NewNotifications(request command.HandleNotificationRequestHandler, scored command.NotifyQuizScoredHandler) *Notifications {
	if request == nil || scored == nil {
		panic("messaging: nil dependency for Notifications")
	}
	return &Notifications{request: request, scored: scored}
}

// HandleRequest applies one notification.requested event. A message that cannot be decoded or
// asks for an invalid notification is refused with an error of kind invalid that says why
// (parked at once). A channel that failed and has attempts left makes it return an error, so
// the consumer retries the message with backoff; the channels sent before are not sent again.
func (h *Notifications) HandleRequest(msg *message.Message) error {
	var req notification.Requested
	if err := envelope.Decode(msg, notification.EventRequested, notification.EventRequestedVersion, &req); err != nil {
		return shared.Invalid("message", "%v", err)
	}
	if header := msg.Metadata.Get(envelope.KeyUserID); header != "" && header != req.UserID {
		return shared.Invalid("message", "notification.requested event for user_id %q under %s %q", req.UserID, envelope.KeyUserID, header)
	}
	_, err := h.request.Handle(msg.Context(), command.HandleNotificationRequest{MessageID: eventID(msg), Request: req})
	return err
}

// HandleScored turns one test.scored event into an in-app notification, once per submission.
func (h *Notifications) HandleScored(msg *message.Message) error {
	var ev testresult.Scored
	if err := envelope.Decode(msg, testresult.EventScored, testresult.EventScoredVersion, &ev); err != nil {
		return shared.Invalid("message", "%v", err)
	}
	if header := msg.Metadata.Get(envelope.KeyUserID); header != "" && header != ev.UserID {
		return shared.Invalid("message", "test.scored event for user_id %q under %s %q", ev.UserID, envelope.KeyUserID, header)
	}
	_, err := h.scored.Handle(msg.Context(), command.NotifyQuizScored{MessageID: eventID(msg), Scored: ev})
	return err
}
