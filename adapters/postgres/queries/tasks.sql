-- name: InsertTask :execrows
-- InsertTask stores a created task unless its id exists; the caller then checks the tombstones
-- in a later statement (see TaskStore.Add for why not in this one).
INSERT INTO tasks (id, user_id, title, description, status, priority, due_at, created_at, updated_at, version)
VALUES (@id, @user_id, @title, @description, @status, @priority, @due_at, @created_at, @updated_at, @version)
ON CONFLICT (id) DO NOTHING;

-- name: IsTaskTombstoned :one
-- IsTaskTombstoned reports whether a task with this id was deleted.
SELECT EXISTS (SELECT 1 FROM task_tombstones WHERE id = @id);

-- name: GetTask :one
-- GetTask returns the user's task. Every query filters on user_id, so a user only sees their own.
SELECT id, user_id, title, description, status, priority, due_at, created_at, updated_at, version
FROM tasks
WHERE user_id = @user_id AND id = @id;

-- name: LockTaskChanges :exec
-- LockTaskChanges makes the changes of one task take turns, until the transaction ends, before
-- the transaction has an id. Relays read the outbox in transaction id order, and
-- SELECT ... FOR UPDATE assigns the id before it waits for the row: without this lock, a change
-- that waited could carry a smaller id than the change it waited for, and its events would be
-- relayed first. An advisory lock needs no transaction id, so the id is assigned after the
-- previous change committed.
SELECT pg_advisory_xact_lock(hashtextextended('task:' || CAST(@id::uuid AS text), 0));

-- name: GetTaskForUpdate :one
-- GetTaskForUpdate reads the user's task and locks its row until the transaction ends, so the
-- changes of one task, and their outbox rows, are written one after the other.
SELECT id, user_id, title, description, status, priority, due_at, created_at, updated_at, version
FROM tasks
WHERE user_id = @user_id AND id = @id
FOR UPDATE;

-- name: ListTasks :many
-- ListTasks returns one page newest first. The filters apply when set; due_before keeps the
-- tasks due strictly before it (a task without a due time is never due before anything). The
-- cursor is the (created_at, id) of the last row of the previous page; the row comparison
-- matches the index order, so a page is an index range scan.
SELECT id, user_id, title, description, status, priority, due_at, created_at, updated_at, version
FROM tasks
WHERE user_id = @user_id
  AND (sqlc.narg('status')::text IS NULL OR status = sqlc.narg('status')::text)
  AND (sqlc.narg('priority')::text IS NULL OR priority = sqlc.narg('priority')::text)
  AND (sqlc.narg('due_before')::timestamptz IS NULL OR due_at < sqlc.narg('due_before')::timestamptz)
  AND (sqlc.narg('cursor_created_at')::timestamptz IS NULL
       OR (created_at, id) < (sqlc.narg('cursor_created_at')::timestamptz, sqlc.narg('cursor_id')::uuid))
ORDER BY created_at DESC, id DESC
LIMIT @page_limit;

-- name: UpdateTask :execrows
-- UpdateTask stores a changed task.
UPDATE tasks
SET title = @title, description = @description, status = @status, priority = @priority,
    due_at = @due_at, updated_at = @updated_at, version = @version
WHERE user_id = @user_id AND id = @id;

-- name: DeleteTask :execrows
-- DeleteTask removes the user's task; InsertTaskTombstone keeps its id from being reused.
DELETE FROM tasks
WHERE user_id = @user_id AND id = @id;

-- name: InsertTaskTombstone :exec
-- InsertTaskTombstone records a deleted task's id.
INSERT INTO task_tombstones (id, deleted_at)
VALUES (@id, @deleted_at)
ON CONFLICT (id) DO NOTHING;

-- name: InsertTaskAudit :execrows
-- InsertTaskAudit appends one applied task event to the history; an event already there is
-- left as it is.
INSERT INTO task_audit (event_id, task_id, user_id, action, version, snapshot, at)
VALUES (@event_id, @task_id, @user_id, @action, @version, @snapshot, @at)
ON CONFLICT (event_id) DO NOTHING;

-- name: ListTaskAudit :many
-- ListTaskAudit returns the user's history of a task in version order.
SELECT event_id, action, snapshot, at
FROM task_audit
WHERE task_id = @task_id AND user_id = @user_id
ORDER BY version, event_id;

-- name: InsertInbox :execrows
-- InsertInbox records that a consumer group processed a message; no row is inserted when it
-- did before.
INSERT INTO inbox (consumer_group, message_id)
VALUES (@consumer_group, @message_id)
ON CONFLICT (consumer_group, message_id) DO NOTHING;
