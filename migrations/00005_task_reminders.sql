-- +goose Up
-- Deadline reminders already emitted: one row per task, kind (task.due_soon, task.overdue) and
-- due time. The key makes a reminder once per kind and deadline even with several schedulers
-- (only the one whose insert took the key emits it), while a moved deadline reminds again.
-- Rows go with their task.
CREATE TABLE task_reminders (
    task_id    uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('task.due_soon', 'task.overdue')),
    due_at     timestamptz NOT NULL,
    emitted_at timestamptz NOT NULL,
    PRIMARY KEY (task_id, kind, due_at)
);
-- The scheduler looks for open tasks by due time.
CREATE INDEX tasks_open_due ON tasks (due_at) WHERE status <> 'done' AND due_at IS NOT NULL;

-- +goose Down
DROP INDEX tasks_open_due;
DROP TABLE task_reminders;
