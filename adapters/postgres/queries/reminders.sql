-- name: ListReminderCandidates :many
-- ListReminderCandidates returns up to batch_size tasks that are not done, are due in
-- [due_from, due_until) and have no reminder of kind for their due time in task_reminders,
-- earliest due first. The ranges come from the domain (task.ReminderPolicy); the overdue one
-- starts a look-back before now, so a round never reads every task left overdue for good.
-- Nothing is locked: two schedulers may see the same tasks, and ClaimTaskReminders decides
-- which one emits.
SELECT t.id, t.user_id, t.title, t.description, t.status, t.priority, t.due_at, t.created_at, t.updated_at, t.version
FROM tasks t
WHERE t.status <> 'done'
  AND t.due_at IS NOT NULL
  AND t.due_at >= @due_from::timestamptz
  AND t.due_at < @due_until::timestamptz
  AND NOT EXISTS (
      SELECT 1 FROM task_reminders r
      WHERE r.task_id = t.id AND r.kind = @kind::text AND r.due_at = t.due_at)
ORDER BY t.due_at, t.id
LIMIT @batch_size;

-- name: ClaimTaskReminders :many
-- ClaimTaskReminders claims reminders by inserting their keys (task, kind, due time), in the
-- order given, and returns the tasks of those this call claimed. A reminder another scheduler
-- claimed first is left out: the insert waits for that scheduler's transaction and then
-- conflicts (or finds the row committed), so only the claimer emits it. Callers give the keys
-- in due-time order, so two schedulers take the keys' locks in one order and never deadlock.
INSERT INTO task_reminders (task_id, kind, due_at, emitted_at)
SELECT unnest(@task_ids::uuid[]), unnest(@kinds::text[]), unnest(@due_ats::timestamptz[]),
       unnest(@emitted_ats::timestamptz[])
ON CONFLICT (task_id, kind, due_at) DO NOTHING
RETURNING task_id;
