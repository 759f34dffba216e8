package schedule_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/ports/schedule"
)

// fakeEmit is an EmitDeadlineRemindersHandler that answers with out and err and keeps the
// command.
type fakeEmit struct {
	got command.EmitDeadlineReminders
	out command.DeadlineRemindersEmitted
	err error
}

func (f *fakeEmit) Handle(_ context.Context, cmd command.EmitDeadlineReminders) (command.DeadlineRemindersEmitted, error) {
	f.got = cmd
	return f.out, f.err
}

// A tick is a round at the tick's time; the reminders it emitted are logged with their count,
// also when the round failed after some, and a round that emitted none logs nothing.
func TestDeadlineRemindersJob(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	failure := errors.New("database down")
	cases := []struct {
		name    string
		emitted int
		err     error
		wantLog string
	}{
		{"some emitted", 3, nil, `msg="emitted task reminders" count=3`},
		{"none emitted", 0, nil, ""},
		{"failed after some", 2, failure, `msg="emitted task reminders" count=2`},
		{"failed", 0, failure, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var logs strings.Builder
			emit := &fakeEmit{out: command.DeadlineRemindersEmitted{Emitted: tc.emitted}, err: tc.err}
			job := schedule.NewDeadlineReminders(emit, slog.New(slog.NewTextHandler(&logs, nil)))
			if err := job.Run(context.Background(), at); !errors.Is(err, tc.err) {
				t.Errorf("Run = %v, want %v", err, tc.err)
			}
			if !emit.got.At.Equal(at) {
				t.Errorf("the round was at %v, want %v", emit.got.At, at)
			}
			if got := strings.TrimSpace(logs.String()); (tc.wantLog == "") != (got == "") || !strings.Contains(got, tc.wantLog) {
				t.Errorf("logs %q, want %q", got, tc.wantLog)
			}
		})
	}
}
