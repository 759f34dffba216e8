-- +goose Up
-- Tasks. The version counts changes and is the ETag of the API; user_id scopes every query.
CREATE TABLE tasks (
    id          uuid PRIMARY KEY,
    user_id     text NOT NULL,
    title       text NOT NULL,
    description text NOT NULL DEFAULT '',
    status      text NOT NULL CHECK (status IN ('todo', 'in_progress', 'done')),
    priority    text NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    due_at      timestamptz,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    version     bigint NOT NULL CHECK (version >= 1)
);
-- The list is newest first per user, continued by a (created_at, id) cursor.
CREATE INDEX tasks_user_created ON tasks (user_id, created_at DESC, id DESC);

-- Ids of deleted tasks: a retried create with the same idempotency key must not bring one back.
CREATE TABLE task_tombstones (
    id         uuid PRIMARY KEY,
    deleted_at timestamptz NOT NULL DEFAULT now()
);

-- The audit trail: one row per applied task event (audit-service), kept after the task is
-- deleted. The event id is the key, so an event is recorded once.
CREATE TABLE task_audit (
    event_id    uuid PRIMARY KEY,
    task_id     uuid NOT NULL,
    user_id     text NOT NULL,
    action      text NOT NULL,
    version     bigint NOT NULL,
    snapshot    jsonb NOT NULL,
    at          timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_audit_task ON task_audit (task_id, version);

-- The inbox: the message ids each consumer group has applied, written in the transaction of
-- the consumer's own writes, so a redelivered message changes nothing.
CREATE TABLE inbox (
    consumer_group text NOT NULL,
    message_id     text NOT NULL,
    processed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, message_id)
);

-- The transactional outbox: watermill-sql's PostgreSQL schema (DefaultPostgreSQLSchema) for
-- the topic "outbox", created here rather than by the publisher, which cannot create tables
-- inside the writer's transaction. Each row is a Forwarder envelope naming its destination
-- topic. Rows become visible to the relay only below the oldest running transaction
-- (transaction_id < pg_snapshot_xmin), so a row committed late is never skipped.
CREATE TABLE "watermill_outbox" (
    "offset"         bigserial,
    "uuid"           varchar(36) NOT NULL,
    "created_at"     timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "payload"        json DEFAULT NULL,
    "metadata"       json DEFAULT NULL,
    "transaction_id" xid8 NOT NULL,
    PRIMARY KEY ("transaction_id", "offset")
);
-- The relay's position per consumer group (DefaultPostgreSQLOffsetsAdapter); the relay locks
-- its row while it forwards a batch, so two relays take turns and keep the order.
CREATE TABLE "watermill_offsets_outbox" (
    consumer_group                varchar(255) NOT NULL,
    offset_acked                  bigint,
    last_processed_transaction_id xid8 NOT NULL,
    PRIMARY KEY (consumer_group)
);

-- +goose Down
DROP TABLE "watermill_offsets_outbox";
DROP TABLE "watermill_outbox";
DROP TABLE inbox;
DROP TABLE task_audit;
DROP TABLE task_tombstones;
DROP TABLE tasks;
