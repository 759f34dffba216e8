package task

import (
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// ReminderPolicy says which deadline reminder a task gets at a given time. A task that is not
// done gets its due-soon reminder while its due time is at most Window ahead, and its overdue
// reminder once its due time has passed, up to Lookback after it; a task first looked at when
// already overdue gets only the overdue one. A done task gets none. The zero value, like a zero
// window, reminds of nothing.
type ReminderPolicy struct {
	window   time.Duration
	lookback time.Duration
}

// NewReminderPolicy returns the policy of a due-soon window (0 turns reminders off) and an
// overdue look-back (OverdueLookback in production; it must be positive).
func NewReminderPolicy(window, lookback time.Duration) (ReminderPolicy, error) {
	if window < 0 {
		return ReminderPolicy{}, shared.Invalid("window", "must not be negative, got %v", window)
	}
	if lookback <= 0 {
		return ReminderPolicy{}, shared.Invalid("lookback", "must be positive, got %v", lookback)
	}
	return ReminderPolicy{window: window, lookback: lookback}, nil
}

// Enabled reports whether the policy reminds of anything.
func (p ReminderPolicy) Enabled() bool { return p.window > 0 }

// ReminderRange is the due times [From, Until) of the tasks that get a reminder of Kind at one
// time. Storage selects a round's candidates by it; ReminderAt decides.
type ReminderRange struct {
	Kind        ReminderKind
	From, Until time.Time
}

// Contains reports whether due is in the range.
func (r ReminderRange) Contains(due time.Time) bool {
	return !due.Before(r.From) && due.Before(r.Until)
}

// Ranges returns the due times that get a reminder at now, one range per kind, earliest first:
// overdue for due times in [now-Lookback, now), due soon for [now, now+Window). A disabled
// policy has none.
func (p ReminderPolicy) Ranges(now time.Time) []ReminderRange {
	if !p.Enabled() {
		return nil
	}
	return []ReminderRange{
		{Kind: ReminderOverdue, From: now.Add(-p.lookback), Until: now},
		{Kind: ReminderDueSoon, From: now, Until: now.Add(p.window)},
	}
}

// ReminderAt returns the reminder t gets at now, and false when it gets none: it is done, has
// no due time, or its due time is in none of the Ranges at now.
func (p ReminderPolicy) ReminderAt(t *Task, now time.Time) (Reminder, bool) {
	due, ok := t.DueAt()
	if !ok || t.status == StatusDone {
		return Reminder{}, false
	}
	for _, r := range p.Ranges(now) {
		if r.Contains(due) {
			return Reminder{TaskID: t.id, Kind: r.Kind, DueAt: due}, true
		}
	}
	return Reminder{}, false
}
