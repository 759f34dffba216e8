package schedule

import (
	"context"
	"log/slog"
	"time"

	"github.com/taskstream/taskstream/application/command"
)

// DeadlineRemindersName names the deadline-reminder job: in logs (worker=task-reminders) and
// among the workers.
const DeadlineRemindersName = "task-reminders"

// DeadlineReminders runs a round of deadline reminders at each tick (EmitDeadlineReminders).
// Every worker process runs one; the use case makes each reminder once however many run.
type DeadlineReminders struct {
	emit   command.EmitDeadlineRemindersHandler
	logger *slog.Logger
}

// NewDeadlineReminders returns the job. It panics on a nil use case or logger.
func NewDeadlineReminders(emit command.EmitDeadlineRemindersHandler, logger *slog.Logger) *DeadlineReminders {
	if emit == nil || logger == nil {
		panic("schedule: nil EmitDeadlineReminders handler or logger")
	}
	return &DeadlineReminders{emit: emit, logger: logger}
}

// Run emits the reminders due at now and logs how many it emitted, also when the round failed
// part of the way: the batches before the failure were emitted.
func (j *DeadlineReminders) Run(ctx context.Context, now time.Time) error {
	out, err := j.emit.Handle(ctx, command.EmitDeadlineReminders{At: now})
	if out.Emitted > 0 {
		j.logger.InfoContext(ctx, "emitted task reminders", "count", out.Emitted)
	}
	return err
}
