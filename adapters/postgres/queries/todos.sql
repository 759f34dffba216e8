-- name: GetTodo :one
-- GetTodo returns the user's live to-do. Every query filters on user_id, so a user only sees
-- their own to-dos, and on deleted_at IS NULL, so a tombstone behaves as if the row were gone.
SELECT id, user_id, title, description, completed, created_at, updated_at
FROM todos
WHERE user_id = @user_id AND id = @id AND deleted_at IS NULL;

-- name: ListTodos :many
-- ListTodos returns one page newest first. The cursor is the (created_at, id) of the last row of
-- the previous page; the row comparison matches the index order, so a page is an index range scan.
SELECT id, user_id, title, description, completed, created_at, updated_at
FROM todos
WHERE user_id = @user_id
  AND deleted_at IS NULL
  AND (sqlc.narg('completed')::boolean IS NULL OR completed = sqlc.narg('completed')::boolean)
  AND (sqlc.narg('cursor_created_at')::timestamptz IS NULL
       OR (created_at, id) < (sqlc.narg('cursor_created_at')::timestamptz, sqlc.narg('cursor_id')::uuid))
ORDER BY created_at DESC, id DESC
LIMIT @page_limit;

-- name: GetTodoForUpdate :one
-- GetTodoForUpdate reads the user's live to-do and locks its row until the transaction ends.
SELECT id, user_id, title, description, completed, created_at, updated_at
FROM todos
WHERE user_id = @user_id AND id = @id AND deleted_at IS NULL
FOR UPDATE;

-- name: UpdateTodo :execrows
-- UpdateTodo stores the changeable fields of a live to-do.
UPDATE todos
SET title = @title, description = @description, completed = @completed, updated_at = @updated_at
WHERE user_id = @user_id AND id = @id AND deleted_at IS NULL;

-- name: SoftDeleteTodo :execrows
-- SoftDeleteTodo turns a live to-do into a tombstone; the row stays so its id is never reused.
UPDATE todos
SET deleted_at = now()
WHERE user_id = @user_id AND id = @id AND deleted_at IS NULL;
