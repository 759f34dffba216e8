package command

import (
	"context"
	"errors"
	"fmt"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
)

// HandleNotificationRequest stores a requested notification and delivers it on each of its
// channels (the notification-service consumer of topic notification.request).
type HandleNotificationRequest struct {
	// MessageID is the id of the message that carried the request, for the inbox.
	MessageID string
	Request   notification.Requested
}

// NotificationHandled is the notification after a delivery pass. Created is true only for the
// pass that stored it (and the store emitted its created event with it).
type NotificationHandled struct {
	Notification *notification.Notification
	Created      bool
}

// HandleNotificationRequestHandler handles HandleNotificationRequest. An invalid request is an
// error of kind invalid (never deliverable). When a channel's send fails and it has attempts
// left, the handler records the attempt and returns an error, after trying the other channels,
// so that the consumer retries the message with backoff; a retry sends only the channels still
// pending, never one that was sent. The attempt that reaches MaxAttempts, or a send refused with
// an error of kind invalid, marks the channel failed with the reason and returns nil: the
// message is then done, not parked.
type HandleNotificationRequestHandler decorator.Handler[HandleNotificationRequest, NotificationHandled]

// NotificationDelivery configures the deliveries of HandleNotificationRequest.
type NotificationDelivery struct {
	Email EmailSender
	SMS   SMSSender
	// MaxAttempts is how many sends a channel gets before it is failed; at least 1. Give it
	// the consumer's retries plus one, so the last retry fails the channel rather than the
	// message being parked.
	MaxAttempts int
}

type handleNotificationRequestHandler struct {
	store notification.Repository
	cfg   NotificationDelivery
	now   Clock
}

// NewHandleNotificationRequestHandler returns the HandleNotificationRequest use case. It panics
// on a nil dependency or a MaxAttempts below 1.
func NewHandleNotificationRequestHandler(store notification.Repository, cfg NotificationDelivery, now Clock) decorator.Handler[HandleNotificationRequest, NotificationHandled] {
	if store == nil || cfg.Email == nil || cfg.SMS == nil || now == nil || cfg.MaxAttempts < 1 {
		panic("command: nil dependency or MaxAttempts < 1 for HandleNotificationRequest")
	}
	return handleNotificationRequestHandler{store: store, cfg: cfg, now: now}
}

func (h handleNotificationRequestHandler) Handle(ctx context.Context, cmd HandleNotificationRequest) (NotificationHandled, error) {
	if cmd.MessageID == "" {
		return NotificationHandled{}, shared.Invalid("message_id", "must not be empty")
	}
	n, err := notification.New(cmd.Request, h.now())
	if err != nil {
		return NotificationHandled{}, err
	}
	created, err := h.store.Add(ctx, cmd.MessageID, n)
	if err != nil {
		return NotificationHandled{}, err
	}
	// A notification this call created is stored as n is; one stored before (a redelivery, a
	// retry) is read back for what is still pending, and must be the same user's.
	stored := n
	if !created {
		stored, err = h.store.Get(ctx, n.UserID(), n.ID())
		if shared.KindOf(err) == shared.KindNotFound {
			return NotificationHandled{}, shared.Invalid("id", "names another user's notification")
		}
		if err != nil {
			return NotificationHandled{}, err
		}
	}
	var retry []error
	current := stored
	for _, d := range stored.Pending() {
		next, err := h.deliver(ctx, current, d)
		if err != nil {
			retry = append(retry, err)
		}
		current = next
	}
	return NotificationHandled{Notification: current, Created: created}, errors.Join(retry...)
}

// deliver tries d, a pending delivery of n, once and records the outcome through the
// notification (Repository.Change). It returns the notification as stored after it, and an
// error when the channel is to be tried again (or the outcome could not be recorded; then n).
func (h handleNotificationRequestHandler) deliver(ctx context.Context, n *notification.Notification, d notification.Delivery) (*notification.Notification, error) {
	sendErr := h.send(ctx, n, d)
	if sendErr != nil && ctx.Err() != nil {
		// Cut short by a stop: not an attempt; the message is delivered again.
		return n, fmt.Errorf("%s delivery interrupted: %w", d.Channel, ctx.Err())
	}
	next := d.Sent(h.now())
	final := true
	if sendErr != nil {
		final = shared.KindOf(sendErr) == shared.KindInvalid || d.Attempts+1 >= h.cfg.MaxAttempts
		next = d.Failed(reasonOf(sendErr), final)
	}
	recorded, err := h.store.Change(ctx, n.UserID(), n.ID(), recordDelivery(next))
	if err != nil {
		return n, err
	}
	if !final {
		return recorded, fmt.Errorf("%s delivery attempt %d of %d failed: %w", d.Channel, next.Attempts, h.cfg.MaxAttempts, sendErr)
	}
	return recorded, nil
}

// reasonOf is what the user sees of a failed send: the message of the sender's error, which
// is one of the categories of notification's reasons (anything else reads as
// notification.ReasonSendFailed). The error's detail, the provider's own text, is for the
// operators' log (the senders log it, redacted) and never stored in the delivery.
func reasonOf(err error) string {
	var se *shared.Error
	if errors.As(err, &se) {
		return se.Message
	}
	return notification.ReasonSendFailed
}

// recordDelivery is the change that records d. A delivery that another pass (a redelivery of the
// same request, running at the same time) sent or failed first is left as that pass recorded
// it: the notification refuses the change with a conflict, and nothing is written.
func recordDelivery(d notification.Delivery) func(*notification.Notification) (bool, error) {
	return func(n *notification.Notification) (bool, error) {
		err := n.RecordDelivery(d)
		if shared.KindOf(err) == shared.KindConflict {
			return false, nil
		}
		return err == nil, err
	}
}

func (h handleNotificationRequestHandler) send(ctx context.Context, n *notification.Notification, d notification.Delivery) error {
	switch d.Channel {
	case notification.ChannelEmail:
		return h.cfg.Email.SendEmail(ctx, Email{To: d.To, Subject: n.Title(), Body: n.Message(), MessageID: EmailMessageID(n.ID())})
	case notification.ChannelSMS:
		return h.cfg.SMS.SendSMS(ctx, SMS{To: d.To, Body: smsBody(n), ID: n.ID()})
	default:
		return shared.Invalid("channel", "%q is not sent", string(d.Channel))
	}
}

// EmailMessageID is the Message-ID of the email of notification id: the same for every attempt.
func EmailMessageID(id string) string { return "<" + id + ".notification@taskstream>" }

func smsBody(n *notification.Notification) string {
	if n.Message() == "" {
		return n.Title()
	}
	return n.Title() + ": " + n.Message()
}

// Email is one email to send. MessageID is stable per notification and channel, so a receiver
// that deduplicates on Message-ID drops a resend after a crash between send and record.
type Email struct {
	To        string
	Subject   string
	Body      string
	MessageID string
}

// EmailSender sends email (adapters/notify: SMTP). An error of kind invalid means the email can
// never be sent (a refused address); any other error may pass on a retry.
type EmailSender interface {
	SendEmail(ctx context.Context, e Email) error
}

// SMS is one text message to send. ID is stable per notification, sent as the gateway's
// idempotency key.
type SMS struct {
	To   string
	Body string
	ID   string
}

// SMSSender sends text messages (adapters/notify: an HTTP gateway). Errors as EmailSender's.
type SMSSender interface {
	SendSMS(ctx context.Context, m SMS) error
}
