package postgres

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/adapters/postgres/internal/db"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/platform/envelope"
)

// decidedReminder is a reminder the use case decided on, with the id of its task's row.
type decidedReminder struct {
	taskID uuid.UUID
	*command.DueReminder
}

// decideAll calls decide with the task of each row, in order, and returns the reminders it
// decided on; each must be of the task it was given.
func decideAll(rows []db.Task, decide command.DecideReminder) ([]decidedReminder, error) {
	var out []decidedReminder
	for _, row := range rows {
		t, err := toDomainTask(row)
		if err != nil {
			return nil, err
		}
		d, err := decide(t)
		if err != nil {
			return nil, err
		}
		if d == nil {
			continue
		}
		if d.Reminder.TaskID != t.ID() || d.Request.TaskID != t.ID() {
			return nil, fmt.Errorf("postgres: a reminder of task %s names task %s", t.ID(), d.Reminder.TaskID)
		}
		out = append(out, decidedReminder{taskID: row.ID, DueReminder: d})
	}
	return out, nil
}

// toDBClaims is the claim of each decided reminder, in their order (the candidates' due-time
// order), with the time its request was made as emitted_at.
func toDBClaims(decided []decidedReminder) db.ClaimTaskRemindersParams {
	n := len(decided)
	p := db.ClaimTaskRemindersParams{
		TaskIds: make([]uuid.UUID, n), Kinds: make([]string, n), DueAts: make([]time.Time, n), EmittedAts: make([]time.Time, n),
	}
	for i, d := range decided {
		p.TaskIds[i] = d.taskID
		p.Kinds[i] = d.Reminder.Kind.String()
		p.DueAts[i] = d.Reminder.DueAt
		p.EmittedAts[i] = d.Request.RequestedAt
	}
	return p
}

// reminderMessages are the notification.requested messages of the decided reminders this
// transaction claimed, in the reminders' order. A batch holds at most one reminder per task.
func reminderMessages(decided []decidedReminder, claimed []uuid.UUID, topic string) ([]envelope.Routed, error) {
	mine := make(map[uuid.UUID]bool, len(claimed))
	for _, id := range claimed {
		mine[id] = true
	}
	var msgs []envelope.Routed
	for _, d := range decided {
		if !mine[d.taskID] {
			continue
		}
		m, err := messages.NotificationRequested(d.Request, shared.EventMeta{}, topic)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}
