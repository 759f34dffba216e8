-- name: ClaimTaskReminders :many
-- ClaimTaskReminders looks at up to batch_size reminders that are due and not yet emitted, and
-- claims them: it returns each with its task and whether this call claimed it. A task that is not done is due soon when its due time is in
-- [now, soon_before) and overdue when it is before now; an overdue task gets only the overdue
-- reminder. Each reminder is claimed by inserting its key; a reminder another scheduler claimed
-- first (the insert waits for its transaction, then conflicts) is returned unclaimed, so only
-- the claimer emits it. Every row returned is emitted by someone once this commits: a caller
-- that got batch_size rows looks again. Tasks due before overdue_after are not looked at: their
-- overdue reminder was emitted long ago, or would come too late to help, and without the bound
-- every round would read every task left overdue for good.
WITH due AS (
    SELECT t.id, t.user_id, t.title, t.due_at,
           CASE WHEN t.due_at < @now::timestamptz THEN 'task.overdue' ELSE 'task.due_soon' END AS kind
    FROM tasks t
    WHERE t.status <> 'done'
      AND t.due_at IS NOT NULL
      AND t.due_at >= @overdue_after::timestamptz
      AND t.due_at < @soon_before::timestamptz
), candidates AS (
    SELECT d.id, d.user_id, d.title, d.due_at, d.kind
    FROM due d
    WHERE NOT EXISTS (
        SELECT 1 FROM task_reminders r
        WHERE r.task_id = d.id AND r.kind = d.kind AND r.due_at = d.due_at)
    ORDER BY d.due_at, d.id
    LIMIT @batch_size
), claimed AS (
    INSERT INTO task_reminders (task_id, kind, due_at, emitted_at)
    SELECT c.id, c.kind, c.due_at, @now::timestamptz
    FROM candidates c
    ON CONFLICT (task_id, kind, due_at) DO NOTHING
    RETURNING task_id, kind, due_at
)
SELECT c.id, c.user_id, c.title, c.due_at, c.kind, (r.task_id IS NOT NULL)::boolean AS claimed
FROM candidates c
LEFT JOIN claimed r ON r.task_id = c.id AND r.kind = c.kind AND r.due_at = c.due_at
ORDER BY c.due_at, c.id;
