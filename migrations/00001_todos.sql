-- +goose Up
-- To-dos. A deleted to-do stays as a tombstone (deleted_at set) so that a replayed create event,
-- inserted with ON CONFLICT (id) DO NOTHING, cannot bring it back. The table has only the primary
-- key and one partial index: the ingest worker bulk-inserts here and every index slows it down.
CREATE TABLE todos (
    id          uuid        PRIMARY KEY,
    user_id     text        NOT NULL,
    title       text        NOT NULL,
    description text        NOT NULL DEFAULT '',
    completed   boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    deleted_at  timestamptz NULL
);

-- The list query: one user's live to-dos, newest first, keyset-paginated on (created_at, id).
CREATE INDEX todos_user_created_idx ON todos (user_id, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;

-- +goose Down
DROP TABLE todos;
