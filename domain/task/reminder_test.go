package task_test

import (
	"testing"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

func policy(t *testing.T, window, lookback time.Duration) task.ReminderPolicy {
	t.Helper()
	p, err := task.NewReminderPolicy(window, lookback)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func dueTask(t *testing.T, due time.Time, done bool) *task.Task {
	t.Helper()
	tk, err := task.New(id, "alice", "Write report", "", task.PriorityMedium, due, now.Add(-30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if done {
		if err := tk.Complete(); err != nil {
			t.Fatal(err)
		}
	}
	return tk
}

// A task gets the due-soon reminder within the window, the overdue one from its due time up to
// the look-back after it, and none when it is done, has no due time, or is outside both.
func TestReminderAt(t *testing.T) {
	t.Parallel()
	p := policy(t, time.Hour, 24*time.Hour)
	cases := []struct {
		name string
		due  time.Time // zero: no due time
		done bool
		want task.ReminderKind // zero: none
	}{
		{"due in half an hour", now.Add(30 * time.Minute), false, task.ReminderDueSoon},
		{"due now", now, false, task.ReminderDueSoon},
		{"due at the end of the window", now.Add(time.Hour), false, task.ReminderKind{}},
		{"due after the window", now.Add(2 * time.Hour), false, task.ReminderKind{}},
		{"due a nanosecond ago", now.Add(-time.Nanosecond), false, task.ReminderOverdue},
		{"overdue for a day exactly", now.Add(-24 * time.Hour), false, task.ReminderOverdue},
		{"overdue beyond the look-back", now.Add(-24*time.Hour - time.Nanosecond), false, task.ReminderKind{}},
		{"no due time", time.Time{}, false, task.ReminderKind{}},
		{"done and due soon", now.Add(30 * time.Minute), true, task.ReminderKind{}},
		{"done and overdue", now.Add(-time.Hour), true, task.ReminderKind{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tk := dueTask(t, tc.due, tc.done)
			got, ok := p.ReminderAt(tk, now)
			if ok != !tc.want.IsZero() || got.Kind != tc.want {
				t.Fatalf("ReminderAt = %+v, %v; want %q", got, ok, tc.want)
			}
			if ok && (got.TaskID != tk.ID() || !got.DueAt.Equal(tc.due)) {
				t.Errorf("reminder %+v does not name the task and its due time %v", got, tc.due)
			}
		})
	}
}

// The ranges say which due times storage must look at, overdue first; ReminderAt agrees with
// them for every task that is not done.
func TestReminderRanges(t *testing.T) {
	t.Parallel()
	p := policy(t, time.Hour, 24*time.Hour)
	got := p.Ranges(now)
	want := []task.ReminderRange{
		{Kind: task.ReminderOverdue, From: now.Add(-24 * time.Hour), Until: now},
		{Kind: task.ReminderDueSoon, From: now, Until: now.Add(time.Hour)},
	}
	if len(got) != len(want) {
		t.Fatalf("Ranges = %+v", got)
	}
	for i := range want {
		if got[i].Kind != want[i].Kind || !got[i].From.Equal(want[i].From) || !got[i].Until.Equal(want[i].Until) {
			t.Errorf("range %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	for _, r := range got {
		for _, due := range []time.Time{r.From, r.Until.Add(-time.Nanosecond)} {
			if rem, ok := p.ReminderAt(dueTask(t, due, false), now); !ok || rem.Kind != r.Kind {
				t.Errorf("a task due at %v (in the %s range) gets %+v, %v", due, r.Kind, rem, ok)
			}
		}
	}
}

// A zero window turns reminders off; a negative window or a look-back that is not positive is
// refused.
func TestReminderPolicyOffAndInvalid(t *testing.T) {
	t.Parallel()
	for _, p := range []task.ReminderPolicy{policy(t, 0, time.Hour), {}} {
		if p.Enabled() || p.Ranges(now) != nil {
			t.Errorf("policy %+v is on", p)
		}
		if r, ok := p.ReminderAt(dueTask(t, now.Add(-time.Minute), false), now); ok {
			t.Errorf("a policy that is off reminds: %+v", r)
		}
	}
	for _, tc := range []struct{ window, lookback time.Duration }{
		{-time.Minute, time.Hour}, {time.Hour, 0}, {time.Hour, -time.Hour},
	} {
		if _, err := task.NewReminderPolicy(tc.window, tc.lookback); shared.KindOf(err) != shared.KindInvalid {
			t.Errorf("NewReminderPolicy(%v, %v) = %v, want an invalid-kind error", tc.window, tc.lookback, err)
		}
	}
}
