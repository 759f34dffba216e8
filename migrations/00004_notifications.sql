-- +goose Up
-- Notifications (notification-service). The id is the producer's UUID: a request delivered or
-- emitted twice is one row. user_id scopes every query.
CREATE TABLE notifications (
    id         uuid PRIMARY KEY,
    user_id    text NOT NULL,
    task_id    uuid,
    type       text NOT NULL,
    title      text NOT NULL,
    message    text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    read_at    timestamptz
);
-- The list is newest first per user, continued by a (created_at, id) cursor.
CREATE INDEX notifications_user_created ON notifications (user_id, created_at DESC, id DESC);
-- The unread filter and read-all touch only unread rows.
CREATE INDEX notifications_user_unread ON notifications (user_id, created_at DESC, id DESC)
    WHERE read_at IS NULL;

-- One row per requested channel: its address, status, attempts and the reason of the last
-- failure. A sent or failed delivery is never changed again.
CREATE TABLE notification_deliveries (
    notification_id uuid NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    channel         text NOT NULL CHECK (channel IN ('in_app', 'email', 'sms')),
    position        int NOT NULL,
    address         text NOT NULL DEFAULT '',
    status          text NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    reason          text NOT NULL DEFAULT '',
    sent_at         timestamptz,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (notification_id, channel)
);

-- +goose Down
DROP TABLE notification_deliveries;
DROP TABLE notifications;
