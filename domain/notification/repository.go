package notification

import (
	"context"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// Repository keeps notifications and the state of their deliveries. Implementations are
// safe for concurrent use; a user only ever sees their own notifications.
type Repository interface {
	// Add stores n with its deliveries, once, and emits its created event (EventCreated, the
	// payload n.CreatedEvent() as stored) in the same transaction: both are written or neither.
	// It reports false, storing and emitting nothing, when the consumer group processed the
	// message messageID before (the inbox) or a notification with n's id exists (the
	// producer's id is the notification's identity), so a notification's event is emitted once.
	Add(ctx context.Context, messageID string, n *Notification) (bool, error)
	// Get returns the user's notification, or a shared.KindNotFound error.
	Get(ctx context.Context, userID shared.UserID, id string) (*Notification, error)
	// Change loads the user's notification holding a lock on it, and calls change with it; change
	// changes it through its methods (MarkRead, RecordDelivery) and reports whether there is
	// anything to store. When it reports true, Change stores the notification as change left it
	// before the lock is released, and returns it as stored; when false, it writes nothing and
	// returns it as loaded. change's errors are returned as they are, and nothing is written.
	// The lock makes changes of one notification take turns, so each sees the one before. An
	// unknown id, or another user's, is a shared.KindNotFound error.
	Change(ctx context.Context, userID shared.UserID, id string, change func(*Notification) (bool, error)) (*Notification, error)
	// MarkAllRead marks every unread notification of the user read at at and reports how many.
	// It keeps MarkRead's rule, that a notification read before keeps its first read time, by
	// touching only unread ones; it is one bulk write rather than a Change per notification,
	// since a user may have thousands unread and the rule needs nothing the row does not hold.
	MarkAllRead(ctx context.Context, userID shared.UserID, at time.Time) (int, error)
}
