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

-- name: ListNotificationDeliveries :many
-- ListNotificationDeliveries returns the deliveries of the notifications, in request order.
SELECT notification_id, channel, position, address, status, attempts, reason, sent_at
FROM notification_deliveries
WHERE notification_id = ANY(@ids::uuid[])
ORDER BY notification_id, position;

-- name: UpdateNotificationDelivery :execrows
-- UpdateNotificationDelivery records an attempt's outcome while the delivery is pending, so a
-- sent channel stays sent.
UPDATE notification_deliveries
SET status = @status, attempts = @attempts, reason = @reason, sent_at = sqlc.narg('sent_at'), updated_at = @updated_at
WHERE notification_id = @notification_id AND channel = @channel AND status = 'pending';

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

-- name: MarkNotificationRead :one
-- MarkNotificationRead sets read_at unless it is set, and returns the notification.
UPDATE notifications
SET read_at = COALESCE(read_at, @read_at)
WHERE user_id = @user_id AND id = @id
RETURNING id, user_id, task_id, type, title, message, created_at, read_at;

-- name: MarkAllNotificationsRead :execrows
-- MarkAllNotificationsRead sets read_at on the user's unread notifications.
UPDATE notifications
SET read_at = @read_at
WHERE user_id = @user_id AND read_at IS NULL;
