package query

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
)

// NotificationReader reads a user's notifications with their deliveries. A user only ever sees
// their own. Implementations are safe for concurrent use.
type NotificationReader interface {
	// List returns one page of the user's notifications, newest first.
	List(ctx context.Context, q notification.ListQuery) (notification.Page, error)
}

// ListNotificationsHandler handles notification.ListQuery: one page of the user's
// notifications, newest first, optionally only the unread ones.
type ListNotificationsHandler decorator.Handler[notification.ListQuery, notification.Page]

type listNotificationsHandler struct {
	reader NotificationReader
}

// NewListNotificationsHandler returns the ListNotifications query. It panics on a nil reader.
func NewListNotificationsHandler(r NotificationReader) decorator.Handler[notification.ListQuery, notification.Page] {
	if r == nil {
		panic("query: nil notification reader")
	}
	return listNotificationsHandler{reader: r}
}

func (h listNotificationsHandler) Handle(ctx context.Context, q notification.ListQuery) (notification.Page, error) {
	if q.Limit == 0 {
		q.Limit = notification.DefaultPageSize
	}
	if q.Limit < 1 || q.Limit > notification.MaxPageSize {
		return notification.Page{}, shared.Invalid("limit", "must be between 1 and %d", notification.MaxPageSize)
	}
	return h.reader.List(ctx, q)
}
