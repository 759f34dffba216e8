package notification

import (
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/taskstream/taskstream/domain/shared"
)

// Reminder is a task's deadline reminder as this context words it: of type TypeTaskDueSoon or
// TypeTaskOverdue, for the task's owner, naming the task's title and due time. The task context
// decides which reminder a task gets; this one only says what it tells the user.
type Reminder struct {
	Type      string
	TaskID    string
	UserID    string
	TaskTitle string
	DueAt     time.Time
}

// dueFormat shows a due time in reminders, in UTC: there is no user directory to know a zone.
const dueFormat = "2006-01-02 15:04 MST"

// Request returns the notification request of r on channels, requested at now. Its id is
// ReminderID's, so every emission of one reminder is one notification. The title is a prefix
// and the task's title, shortened to fit MaxTitleRunes (a task's title may be as long as a
// notification's). The request is checked as the notification-service will check it (New): a
// reminder it would refuse is an error of kind invalid here, never a parked message there.
func (r Reminder) Request(channels []Channel, now time.Time) (Requested, error) {
	prefix, verb, err := reminderWords(r.Type)
	if err != nil {
		return Requested{}, err
	}
	due := r.DueAt.UTC()
	req := Requested{
		ID: ReminderID(r.TaskID, r.Type, due), UserID: r.UserID, TaskID: r.TaskID, Type: r.Type,
		Title: prefix + Shorten(r.TaskTitle, MaxTitleRunes-utf8.RuneCountInString(prefix)),
		// Only a title of unusual characters, quoted as escapes, makes the message longer.
		Message:     Shorten(fmt.Sprintf("%q %s %s.", r.TaskTitle, verb, due.Format(dueFormat)), MaxMessageRunes),
		Channels:    append([]Channel(nil), channels...),
		RequestedAt: now.UTC(),
	}
	if _, err := New(req, now); err != nil {
		return Requested{}, fmt.Errorf("reminder of task %s: %w", r.TaskID, err)
	}
	return req, nil
}

// reminderWords are the title's prefix and the message's verb of a reminder type.
func reminderWords(typ string) (prefix, verb string, err error) {
	switch typ {
	case TypeTaskDueSoon:
		return "Task due soon: ", "is due at", nil
	case TypeTaskOverdue:
		return "Task overdue: ", "was due at", nil
	}
	return "", "", shared.Invalid("type", "a reminder is %s or %s, not %q", TypeTaskDueSoon, TypeTaskOverdue, typ)
}
