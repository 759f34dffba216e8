package command

import (
	"context"

	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
)

// MarkNotificationRead marks one of the user's notifications read; marking it again changes
// nothing (the first read time stays).
type MarkNotificationRead struct {
	UserID shared.UserID
	ID     string
}

// MarkAllNotificationsRead marks every unread notification of the user read.
type MarkAllNotificationsRead struct {
	UserID shared.UserID
}

// MarkNotificationReadHandler handles MarkNotificationRead: the notification after it, or a
// not-found error for an id the user has no notification with.
type MarkNotificationReadHandler decorator.Handler[MarkNotificationRead, *notification.Notification]

// MarkAllNotificationsReadHandler handles MarkAllNotificationsRead: how many it marked.
type MarkAllNotificationsReadHandler decorator.Handler[MarkAllNotificationsRead, int]

type markReadHandlers struct {
	store notification.Repository
	now   Clock
}

// NewMarkNotificationReadHandler returns the MarkNotificationRead use case. It panics on a nil
// dependency.
func NewMarkNotificationReadHandler(store notification.Repository, now Clock) decorator.Handler[MarkNotificationRead, *notification.Notification] {
	return markReadHandler{mustMarkRead(store, now)}
}

// NewMarkAllNotificationsReadHandler returns the MarkAllNotificationsRead use case. It panics
// on a nil dependency.
func NewMarkAllNotificationsReadHandler(store notification.Repository, now Clock) decorator.Handler[MarkAllNotificationsRead, int] {
	return markAllReadHandler{mustMarkRead(store, now)}
}

func mustMarkRead(store notification.Repository, now Clock) markReadHandlers {
	if store == nil || now == nil {
		panic("command: nil dependency for marking notifications read")
	}
	return markReadHandlers{store: store, now: now}
}

type markReadHandler struct{ markReadHandlers }

func (h markReadHandler) Handle(ctx context.Context, cmd MarkNotificationRead) (*notification.Notification, error) {
	if !shared.IsUUID(cmd.ID) {
		return nil, shared.NotFound("notification")
	}
	return h.store.MarkRead(ctx, cmd.UserID, cmd.ID, h.now())
}

type markAllReadHandler struct{ markReadHandlers }

func (h markAllReadHandler) Handle(ctx context.Context, cmd MarkAllNotificationsRead) (int, error) {
	return h.store.MarkAllRead(ctx, cmd.UserID, h.now())
}
