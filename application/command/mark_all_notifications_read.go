package command

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
)

// MarkAllNotificationsRead marks every unread notification of the user read; those read before
// keep their first read time.
type MarkAllNotificationsRead struct {
	UserID shared.UserID
}

// MarkAllNotificationsReadHandler handles MarkAllNotificationsRead: how many it marked.
type MarkAllNotificationsReadHandler decorator.Handler[MarkAllNotificationsRead, int]

type markAllNotificationsReadHandler struct {
	store notification.Repository
	now   Clock
}

// NewMarkAllNotificationsReadHandler returns the MarkAllNotificationsRead use case. It panics
// on a nil dependency.
func NewMarkAllNotificationsReadHandler(store notification.Repository, now Clock) decorator.Handler[MarkAllNotificationsRead, int] {
	if store == nil || now == nil {
		panic("command: nil dependency for MarkAllNotificationsRead")
	}
	return markAllNotificationsReadHandler{store: store, now: now}
}

// Handle marks them in one bulk write (notification.Repository.MarkAllRead says why it is not
// a Change per notification).
func (h markAllNotificationsReadHandler) Handle(ctx context.Context, cmd MarkAllNotificationsRead) (int, error) {
	return h.store.MarkAllRead(ctx, cmd.UserID, h.now())
}
