package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/postgres/internal/db"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
)

// Change locks the user's notification (SELECT ... FOR UPDATE on its row), calls change with it
// and its deliveries, and stores what change changed before the lock is released: the read time
// and each delivery that differs from the one loaded. change's errors are returned as they are,
// and nothing is written then; nor when it reports nothing to store. The rules (the first read
// time stays, only a pending delivery changes) are the notification's; the statements only
// store its decisions.
func (s *NotificationStore) Change(ctx context.Context, userID shared.UserID, id string,
	change func(*notification.Notification) (bool, error),
) (*notification.Notification, error) {
	uid, ok := parseID(id)
	if !ok {
		return nil, shared.NotFound("notification")
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, dbError("begin change notification", err)
	}
	defer func() { _ = tx.Rollback() }()

	q := s.q.WithTx(tx)
	row, err := q.GetNotificationForUpdate(ctx, db.GetNotificationForUpdateParams{UserID: string(userID), ID: uid})
	if err != nil {
		return nil, notificationError("lock notification", err)
	}
	loaded, err := withDeliveries(ctx, q, []db.Notification{row})
	if err != nil {
		return nil, err
	}
	n, before := loaded[0], loaded[0].Snapshot()
	changed, err := change(n)
	if err != nil {
		return nil, err
	}
	if !changed {
		return notification.Rehydrate(before) // as loaded; the rollback ends the transaction
	}
	after := storedNotification(n.Snapshot())
	if err := writeNotificationChange(ctx, q, uid, before, after); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, commitError("commit notification change", err)
	}
	return notification.Rehydrate(after)
}

// writeNotificationChange writes what differs between before and after, two states of the
// notification id, in the transaction of q.
func writeNotificationChange(ctx context.Context, q *db.Queries, id uuid.UUID, before, after notification.Snapshot) error {
	if len(after.Deliveries) != len(before.Deliveries) {
		return fmt.Errorf("postgres: notification %s: a change cannot add or remove deliveries", id)
	}
	if !after.ReadAt.Equal(before.ReadAt) {
		if _, err := q.UpdateNotificationReadAt(ctx, db.UpdateNotificationReadAtParams{ReadAt: nullTime(after.ReadAt), ID: id}); err != nil {
			return dbError("update notification read time", err)
		}
	}
	now := toDBTime(time.Now())
	for i, d := range after.Deliveries {
		if sameDelivery(d, before.Deliveries[i]) {
			continue
		}
		n, err := q.UpdateNotificationDelivery(ctx, db.UpdateNotificationDeliveryParams{
			Status: string(d.Status), Attempts: int32(d.Attempts), Reason: d.Reason, SentAt: nullTime(d.SentAt), //nolint:gosec // bounded by the attempt limit
			UpdatedAt: now, NotificationID: id, Channel: string(d.Channel),
		})
		if err != nil {
			return dbError("update notification delivery", err)
		}
		if n != 1 {
			return fmt.Errorf("postgres: notification %s has no %s delivery to update", id, d.Channel)
		}
	}
	return nil
}

// storedNotification returns s with its times at the microsecond, as PostgreSQL keeps them, so
// that Change returns the notification, and Add emits it, as a later Get reads it.
func storedNotification(s notification.Snapshot) notification.Snapshot {
	s.CreatedAt = toDBTime(s.CreatedAt)
	s.ReadAt = toDBTime(s.ReadAt)
	s.Deliveries = append([]notification.Delivery(nil), s.Deliveries...)
	for i := range s.Deliveries {
		s.Deliveries[i].SentAt = toDBTime(s.Deliveries[i].SentAt)
	}
	return s
}

func sameDelivery(a, b notification.Delivery) bool {
	return a.Channel == b.Channel && a.To == b.To && a.Status == b.Status && a.Attempts == b.Attempts &&
		a.Reason == b.Reason && a.SentAt.Equal(b.SentAt)
}

// nullTime is t for a nullable column, NULL for the zero time.
func nullTime(t time.Time) sql.NullTime {
	if t.IsZero() {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: toDBTime(t), Valid: true}
}
