package contract

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// AuditHistory reads back what an AuditLog recorded (query.TaskReader's History).
type AuditHistory interface {
	History(ctx context.Context, userID shared.UserID, id string) ([]task.AuditEntry, error)
}

// AuditLog runs the task.AuditLog contract against the logs newLog returns, reading the
// history back with the AuditHistory it returns with each. Subtests run in parallel with their
// own user and task ids, so newLog may hand every subtest the same log.
func AuditLog(t *testing.T, newLog func(t *testing.T) (task.AuditLog, AuditHistory)) {
	tests := []struct {
		name string
		run  func(t *testing.T, log task.AuditLog, history AuditHistory)
	}{
		{"an event recorded twice is one entry", testAuditOnce},
		{"history is in version order", testAuditOrder},
		{"history is the user's only", testAuditUserScope},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			log, history := newLog(t)
			tt.run(t, log, history)
		})
	}
}

// auditTrail returns the entries of a task created, renamed and deleted.
func auditTrail(t *testing.T, user shared.UserID) []task.AuditEntry {
	t.Helper()
	at := time.Now().Add(-time.Hour)
	tk := newTask(t, user, taskSpec{title: "audited", at: at})
	created := task.NewChange(task.ActionCreated, tk)
	if err := tk.Rename("audited again"); err != nil {
		t.Fatal(err)
	}
	tk.Touch(micro(at.Add(time.Minute)))
	updated := task.NewChange(task.ActionUpdated, tk)
	deleted := task.Deletion(tk, micro(at.Add(2*time.Minute)))

	var out []task.AuditEntry
	for _, c := range []task.Change{created, updated, deleted} {
		out = append(out, task.AuditEntry{EventID: uuid.NewString(), Action: c.Action, Task: c.Task, At: c.Task.UpdatedAt})
	}
	return out
}

func mustRecord(t *testing.T, log task.AuditLog, e task.AuditEntry, want bool) {
	t.Helper()
	got, err := log.Record(context.Background(), e)
	if err != nil || got != want {
		t.Fatalf("Record(%s v%d) = %v, %v; want %v, nil", e.Action, e.Task.Version, got, err, want)
	}
}

func mustHistory(t *testing.T, history AuditHistory, user shared.UserID, id string) []task.AuditEntry {
	t.Helper()
	got, err := history.History(context.Background(), user, id)
	if err != nil {
		t.Fatalf("History: %v", err)
	}
	return got
}

func assertEntries(t *testing.T, got, want []task.AuditEntry) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("history has %d entries, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].EventID != want[i].EventID || got[i].Action != want[i].Action || !got[i].At.Equal(want[i].At) {
			t.Errorf("entry %d is %s %s at %v, want %s %s at %v", i, got[i].EventID, got[i].Action, got[i].At,
				want[i].EventID, want[i].Action, want[i].At)
		}
		assertSameSnapshot(t, got[i].Task, want[i].Task)
	}
}

func testAuditOnce(t *testing.T, log task.AuditLog, history AuditHistory) {
	user := newUser()
	e := auditTrail(t, user)[0]
	mustRecord(t, log, e, true)
	mustRecord(t, log, e, false)

	// A redelivery is the same event id, whatever it carries.
	changed := e
	changed.Task.Title = "not the recorded title"
	mustRecord(t, log, changed, false)

	assertEntries(t, mustHistory(t, history, user, e.Task.ID), []task.AuditEntry{e})
}

func testAuditOrder(t *testing.T, log task.AuditLog, history AuditHistory) {
	user := newUser()
	trail := auditTrail(t, user)
	for _, i := range []int{1, 2, 0} { // consumers may apply them out of order
		mustRecord(t, log, trail[i], true)
	}
	assertEntries(t, mustHistory(t, history, user, trail[0].Task.ID), trail)
}

func testAuditUserScope(t *testing.T, log task.AuditLog, history AuditHistory) {
	ctx, user := context.Background(), newUser()
	e := auditTrail(t, user)[0]
	mustRecord(t, log, e, true)

	_, err := history.History(ctx, newUser(), e.Task.ID)
	assertNotFound(t, "another user's History", err)
	_, err = history.History(ctx, user, uuid.NewString())
	assertNotFound(t, "History of an unknown task", err)
	_, err = history.History(ctx, user, "not-a-uuid")
	assertNotFound(t, "History of a malformed id", err)
}
