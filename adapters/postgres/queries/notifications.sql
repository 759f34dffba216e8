-- name: InsertNotification :execrows
-- InsertNotification stores a notification unless its id exists (the producer's id is its
-- identity: a request emitted twice is stored once).
INSERT INTO notifications (id, user_id, task_id, type, title, message, created_at, read_at)
VALUES (@id, @user_id, sqlc.narg('task_id'), @type, @title, @message, @created_at, NULL)
ON CONFLICT (id) DO NOTHING;

-- name: InsertNotificationDelivery :exec
-- InsertNotificationDelivery stores one channel of a notification just inserted.
INSERT INTO notification_deliveries (notification_id, channel, position, address, status, attempts, reason, sent_at, updated_at)
VALUES (@notification_id, @channel, @position, @address, @status, @attempts, @reason, sqlc.narg('sent_at'), @updated_at);

-- name: GetNotification :one
-- GetNotification returns the user's notification.
SELECT id, user_id, task_id, type, title, message, created_at, read_at
FROM notifications
WHERE user_id = @user_id AND id = @id;

-- name: GetNotificationForUpdate :one
-- GetNotificationForUpdate returns the user's notification and locks its row until the
-- transaction ends: every change of a notification or its deliveries takes this lock first, so
-- changes of one notification take turns.
SELECT id, user_id, task_id, type, title, message, created_at, read_at
FROM notifications
WHERE user_id = @user_id AND id = @id
FOR UPDATE;

-- name: ListNotificationDeliveries :many
-- ListNotificationDeliveries returns the deliveries of the notifications, in request order.
SELECT notification_id, channel, position, address, status, attempts, reason, sent_at
FROM notification_deliveries
WHERE notification_id = ANY(@ids::uuid[])
ORDER BY notification_id, position;

-- name: UpdateNotificationDelivery :execrows
-- UpdateNotificationDelivery stores a delivery as the notification decided it, under the
-- notification's row lock (GetNotificationForUpdate). The rule that only a pending delivery
-- changes is the notification's (Notification.RecordDelivery), not this statement's.
UPDATE notification_deliveries
SET status = @status, attempts = @attempts, reason = @reason, sent_at = sqlc.narg('sent_at'), updated_at = @updated_at
WHERE notification_id = @notification_id AND channel = @channel;

-- name: ListNotifications :many
-- ListNotifications returns one page of the user's notifications newest first, only the unread
-- ones when unread_only; the cursor is the (created_at, id) of the last row of the previous page.
SELECT id, user_id, task_id, type, title, message, created_at, read_at
FROM notifications
WHERE user_id = @user_id
  AND (NOT @unread_only::boolean OR read_at IS NULL)
  AND (sqlc.narg('cursor_created_at')::timestamptz IS NULL
       OR (created_at, id) < (sqlc.narg('cursor_created_at')::timestamptz, sqlc.narg('cursor_id')::uuid))
ORDER BY created_at DESC, id DESC
LIMIT @page_limit;

-- name: UpdateNotificationReadAt :execrows
-- UpdateNotificationReadAt stores the read time as the notification decided it, under its row
-- lock (GetNotificationForUpdate). The rule that the first read time stays is the
-- notification's (Notification.MarkRead), not this statement's.
UPDATE notifications
SET read_at = sqlc.narg('read_at')
WHERE id = @id;

-- name: MarkAllNotificationsRead :execrows
-- MarkAllNotificationsRead sets read_at on the user's unread notifications in one statement. It
-- keeps Notification.MarkRead's rule, that a read notification keeps its first read time, by
-- touching only unread rows (see notification.Repository.MarkAllRead for why it is one bulk
-- statement).
UPDATE notifications
SET read_at = @read_at
WHERE user_id = @user_id AND read_at IS NULL;
