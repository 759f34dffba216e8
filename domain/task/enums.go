package task

import "github.com/taskstream/taskstream/domain/shared"

// Status is where a task stands: todo, in_progress or done. The zero Status is not valid.
type Status struct{ s string }

// The statuses of a task.
var (
	StatusTodo       = Status{"todo"}
	StatusInProgress = Status{"in_progress"}
	StatusDone       = Status{"done"}
)

// ParseStatus reads a status by its name.
func ParseStatus(s string) (Status, error) {
	for _, v := range []Status{StatusTodo, StatusInProgress, StatusDone} {
		if v.s == s {
			return v, nil
		}
	}
	return Status{}, shared.Invalid("status", "must be todo, in_progress or done, got %q", s)
}

// String returns the status's name.
func (s Status) String() string { return s.s }

// IsZero reports whether s is the zero (unset) status.
func (s Status) IsZero() bool { return s.s == "" }

// Priority says how urgent a task is: low, medium, high or urgent. The zero Priority is not valid.
type Priority struct{ s string }

// The priorities of a task.
var (
	PriorityLow    = Priority{"low"}
	PriorityMedium = Priority{"medium"}
	PriorityHigh   = Priority{"high"}
	PriorityUrgent = Priority{"urgent"}
)

// ParsePriority reads a priority by its name.
func ParsePriority(s string) (Priority, error) {
	for _, v := range []Priority{PriorityLow, PriorityMedium, PriorityHigh, PriorityUrgent} {
		if v.s == s {
			return v, nil
		}
	}
	return Priority{}, shared.Invalid("priority", "must be low, medium, high or urgent, got %q", s)
}

// String returns the priority's name.
func (p Priority) String() string { return p.s }

// IsZero reports whether p is the zero (unset) priority.
func (p Priority) IsZero() bool { return p.s == "" }

// Action names what a change did to a task; it is the action of the task event.
type Action struct{ s string }

// The actions of task events.
var (
	ActionCreated   = Action{"created"}
	ActionUpdated   = Action{"updated"}
	ActionCompleted = Action{"completed"}
	ActionReopened  = Action{"reopened"}
	ActionDeleted   = Action{"deleted"}
)

// ParseAction reads an action by its name.
func ParseAction(s string) (Action, error) {
	for _, v := range []Action{ActionCreated, ActionUpdated, ActionCompleted, ActionReopened, ActionDeleted} {
		if v.s == s {
			return v, nil
		}
	}
	return Action{}, shared.Invalid("action", "unknown task action %q", s)
}

// String returns the action's name.
func (a Action) String() string { return a.s }
