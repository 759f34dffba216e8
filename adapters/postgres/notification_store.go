package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/pgpubsub"
	"github.com/taskstream/taskstream/adapters/postgres/internal/db"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/platform/envelope"
)

// NotificationStoreConfig configures a NotificationStore.
type NotificationStoreConfig struct {
	// ConsumerGroup is the group whose inbox Add records the messages in (the
	// notification-service's). Required.
	ConsumerGroup string
	// Topic receives the notification.created events. Defaults to "notification.created".
	Topic string
	// Outbox says how the events are written (see TaskStoreConfig.Outbox).
	Outbox outbox.Config
}

func (c *NotificationStoreConfig) setDefaults() {
	if c.Topic == "" {
		c.Topic = "notification.created"
	}
}

// Validate reports what is wrong with the configuration after defaults are applied.
func (c NotificationStoreConfig) Validate() error {
	var group error
	if c.ConsumerGroup == "" {
		group = errors.New("the name of its consumer group is required")
	}
	return errors.Join(group, pgpubsub.ValidateTopic("notification created topic", c.Topic), c.Outbox.Validate())
}

// NotificationStore is a notification.Repository and query.NotificationReader on PostgreSQL
// (tables notifications and notification_deliveries). It stores each notification once per
// message through the inbox of its consumer group (notification-service), and once per id,
// and writes its created event to the outbox (outbox.Config) in the same transaction. It is
// safe for concurrent use.
type NotificationStore struct {
	db     *sql.DB
	q      *db.Queries
	cfg    NotificationStoreConfig
	outbox eventWriter
}

var (
	_ notification.Repository  = (*NotificationStore)(nil)
	_ query.NotificationReader = (*NotificationStore)(nil)
)

// NewNotificationStore returns the store of the consumer group that handles notification
// requests, on conn, a pool opened with Open.
func NewNotificationStore(conn *sql.DB, cfg NotificationStoreConfig) (*NotificationStore, error) {
	if conn == nil {
		return nil, errors.New("postgres: nil *sql.DB for NotificationStore")
	}
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("postgres: notification store: %w", err)
	}
	w, err := newEventWriter(cfg.Outbox)
	if err != nil {
		return nil, err
	}
	return &NotificationStore{db: conn, q: db.New(conn), cfg: cfg, outbox: w}, nil
}

// notificationError wraps err from a notification query for the edges (see entityError).
func notificationError(op string, err error) error { return entityError("notification", op, err) }

// Add stores n, its deliveries and its created event in one transaction with the inbox row of
// messageID. The event shows n as the rows hold it (times to the microsecond). It reports
// false, writing nothing but the inbox row, when a notification with n's id exists, and false,
// writing nothing, when the group processed the message before.
func (s *NotificationStore) Add(ctx context.Context, messageID string, n *notification.Notification) (bool, error) {
	n, err := notification.Rehydrate(storedNotification(n.Snapshot()))
	if err != nil {
		return false, err
	}
	snap := n.Snapshot()
	id, ok := parseID(snap.ID)
	if !ok {
		return false, shared.Invalid("id", "must be a UUID")
	}
	row := db.InsertNotificationParams{
		ID: id, UserID: snap.UserID, Type: snap.Type, Title: snap.Title, Message: snap.Message,
		CreatedAt: snap.CreatedAt,
	}
	if snap.TaskID != "" {
		tid, ok := parseID(snap.TaskID)
		if !ok {
			return false, shared.Invalid("task_id", "must be a UUID")
		}
		row.TaskID = uuid.NullUUID{UUID: tid, Valid: true}
	}
	created, err := messages.NotificationCreated(n, s.cfg.Topic)
	if err != nil {
		return false, err
	}
	var inserted bool
	_, err = processOnce(ctx, s.db, s.cfg.ConsumerGroup, messageID, func(ctx context.Context, tx *sql.Tx) error {
		q := s.q.WithTx(tx)
		rows, err := q.InsertNotification(ctx, row)
		if err != nil {
			return dbError("insert notification", err)
		}
		if rows == 0 {
			return nil
		}
		for i, d := range snap.Deliveries {
			if err := q.InsertNotificationDelivery(ctx, toDBDelivery(id, i, d, row.CreatedAt)); err != nil {
				return dbError("insert notification delivery", err)
			}
		}
		if err := s.outbox.write(ctx, tx, []envelope.Routed{created}); err != nil {
			return err
		}
		inserted = true
		return nil
	})
	return inserted, err
}

func toDBDelivery(id uuid.UUID, position int, d notification.Delivery, now time.Time) db.InsertNotificationDeliveryParams {
	return db.InsertNotificationDeliveryParams{
		NotificationID: id, Channel: string(d.Channel), Position: int32(position), //nolint:gosec // three channels at most
		Address: d.To, Status: string(d.Status), Attempts: int32(d.Attempts), Reason: d.Reason, //nolint:gosec // bounded by the attempt limit
		SentAt: nullTime(d.SentAt), UpdatedAt: now,
	}
}

// Get returns the user's notification with its deliveries.
func (s *NotificationStore) Get(ctx context.Context, userID shared.UserID, id string) (*notification.Notification, error) {
	uid, ok := parseID(id)
	if !ok {
		return nil, shared.NotFound("notification")
	}
	row, err := s.q.GetNotification(ctx, db.GetNotificationParams{UserID: string(userID), ID: uid})
	if err != nil {
		return nil, notificationError("get notification", err)
	}
	items, err := withDeliveries(ctx, s.q, []db.Notification{row})
	if err != nil {
		return nil, err
	}
	return items[0], nil
}

// MarkAllRead marks the user's unread notifications read in one statement, which keeps the
// first read time of the others (notification.Repository.MarkAllRead says why it is one).
func (s *NotificationStore) MarkAllRead(ctx context.Context, userID shared.UserID, at time.Time) (int, error) {
	n, err := s.q.MarkAllNotificationsRead(ctx, db.MarkAllNotificationsReadParams{ReadAt: nullTime(at), UserID: string(userID)})
	if err != nil {
		return 0, dbError("mark all notifications read", err)
	}
	return int(n), nil
}

// List returns one page of the user's notifications, newest first, with their deliveries.
func (s *NotificationStore) List(ctx context.Context, q notification.ListQuery) (notification.Page, error) {
	if q.Limit < 1 || q.Limit > notification.MaxPageSize {
		return notification.Page{}, shared.Invalid("limit", "must be between 1 and %d", notification.MaxPageSize)
	}
	params := db.ListNotificationsParams{UserID: string(q.UserID), UnreadOnly: q.UnreadOnly, PageLimit: int32(q.Limit + 1)}
	if q.After != nil {
		cid, ok := parseID(q.After.ID)
		if !ok {
			return notification.Page{}, shared.Invalid("cursor", "is not valid")
		}
		params.CursorCreatedAt = sql.NullTime{Time: q.After.CreatedAt, Valid: true}
		params.CursorID = uuid.NullUUID{UUID: cid, Valid: true}
	}
	rows, err := s.q.ListNotifications(ctx, params)
	if err != nil {
		return notification.Page{}, notificationError("list notifications", err)
	}
	var page notification.Page
	if len(rows) > q.Limit {
		rows = rows[:q.Limit]
		last := rows[len(rows)-1]
		page.Next = &notification.Cursor{CreatedAt: last.CreatedAt, ID: last.ID.String()}
	}
	page.Items, err = withDeliveries(ctx, s.q, rows)
	return page, err
}

// withDeliveries reads the deliveries of rows in one query on q and rebuilds the notifications.
func withDeliveries(ctx context.Context, q *db.Queries, rows []db.Notification) ([]*notification.Notification, error) {
	if len(rows) == 0 {
		return []*notification.Notification{}, nil
	}
	ids := make([]uuid.UUID, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	drows, err := q.ListNotificationDeliveries(ctx, ids)
	if err != nil {
		return nil, dbError("list notification deliveries", err)
	}
	byID := map[uuid.UUID][]notification.Delivery{}
	for _, d := range drows {
		byID[d.NotificationID] = append(byID[d.NotificationID], notification.Delivery{
			Channel: notification.Channel(d.Channel), To: d.Address, Status: notification.Status(d.Status),
			Attempts: int(d.Attempts), Reason: d.Reason, SentAt: d.SentAt.Time,
		})
	}
	out := make([]*notification.Notification, len(rows))
	for i, r := range rows {
		snap := notification.Snapshot{
			ID: r.ID.String(), UserID: r.UserID, Type: r.Type, Title: r.Title, Message: r.Message,
			CreatedAt: r.CreatedAt, ReadAt: r.ReadAt.Time, Deliveries: byID[r.ID],
		}
		if r.TaskID.Valid {
			snap.TaskID = r.TaskID.UUID.String()
		}
		n, err := notification.Rehydrate(snap)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}
