package command

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
)

// MarkNotificationRead marks one of the user's notifications read; marking it again changes
// nothing (the first read time stays: Notification.MarkRead).
type MarkNotificationRead struct {
	UserID shared.UserID
	ID     string
}

// MarkNotificationReadHandler handles MarkNotificationRead: the notification after it, or a
// not-found error for an id the user has no notification with.
type MarkNotificationReadHandler decorator.Handler[MarkNotificationRead, *notification.Notification]

type markNotificationReadHandler struct {
	store notification.Repository
	now   Clock
}

// NewMarkNotificationReadHandler returns the MarkNotificationRead use case. It panics on a nil
// dependency.
func NewMarkNotificationReadHandler(store notification.Repository, now Clock) decorator.Handler[MarkNotificationRead, *notification.Notification] {
	if store == nil || now == nil {
		panic("command: nil dependency for MarkNotificationRead")
	}
	return markNotificationReadHandler{store: store, now: now}
}

// Handle marks the notification read under its lock; a notification read before is returned as
// it is, without a write.
func (h markNotificationReadHandler) Handle(ctx context.Context, cmd MarkNotificationRead) (*notification.Notification, error) {
	if !shared.IsUUID(cmd.ID) {
		return nil, shared.NotFound("notification")
	}
	at := h.now()
	return h.store.Change(ctx, cmd.UserID, cmd.ID, func(n *notification.Notification) (bool, error) {
		return n.MarkRead(at), nil
	})
}
