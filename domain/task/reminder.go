package task

import "time"

// ReminderKind is which deadline reminder a task gets: due soon, or overdue. Its name is stored
// with every reminder emitted (table task_reminders), so it is a contract: renaming a kind
// would remind of every deadline again.
type ReminderKind struct{ s string }

// The kinds of deadline reminders.
var (
	// ReminderDueSoon is the reminder of a task whose due time is near.
	ReminderDueSoon = ReminderKind{"task.due_soon"}
	// ReminderOverdue is the reminder of a task whose due time has passed.
	ReminderOverdue = ReminderKind{"task.overdue"}
)

// String returns the kind's name.
func (k ReminderKind) String() string { return k.s }

// IsZero reports whether k is the zero (unset) kind.
func (k ReminderKind) IsZero() bool { return k.s == "" }

// Reminder is one deadline reminder of a task: a task gets each kind once per due time, so a
// moved deadline reminds again. The three fields are its identity.
type Reminder struct {
	TaskID string
	Kind   ReminderKind
	DueAt  time.Time
}

// OverdueLookback is how long after its due time a task still gets its overdue reminder when
// no reminder round ran at the time: a week. Later it would come too late to help, and the
// bound keeps each round from reading every task ever left overdue.
const OverdueLookback = 7 * 24 * time.Hour
