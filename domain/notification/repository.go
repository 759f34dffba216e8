package notification

import (
	"context"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// Repository keeps notifications and the state of their deliveries. Implementations are
// safe for concurrent use; a user only ever sees their own notifications.
type Repository interface {
	// Add stores n with its deliveries, once: it reports false, writing nothing, when the
	// consumer group processed the message messageID before (the inbox) or a notification
	// with n's id exists (the producer's id is the notification's identity).
	Add(ctx context.Context, messageID string, n *Notification) (bool, error)
	// Get returns the user's notification, or a shared.KindNotFound error.
	Get(ctx context.Context, userID shared.UserID, id string) (*Notification, error)
	// RecordDelivery stores d as the delivery of notification id on d.Channel while that
	// delivery is pending; it reports false, writing nothing, once it is sent or failed, so a
	// sent channel stays sent.
	RecordDelivery(ctx context.Context, id string, d Delivery) (bool, error)
	// MarkRead marks the user's notification read at at, unless it was read before, and
	// returns it; a shared.KindNotFound error when the user has no such
	MarkRead(ctx context.Context, userID shared.UserID, id string, at time.Time) (*Notification, error)
	// MarkAllRead marks every unread notification of the user read at at and reports how many.
	MarkAllRead(ctx context.Context, userID shared.UserID, at time.Time) (int, error)
}
