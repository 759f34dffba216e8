package memory

import (
	"context"
	"sort"
	"sync"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// AuditLog is the tasks' history in memory, with its inbox of recorded event ids. It is safe for
// concurrent use.
type AuditLog struct {
	mu     sync.RWMutex
	seen   map[string]bool
	byTask map[string][]task.AuditEntry
}

var _ task.AuditLog = (*AuditLog)(nil)

// NewAuditLog returns an empty audit log.
func NewAuditLog() *AuditLog {
	return &AuditLog{seen: map[string]bool{}, byTask: map[string][]task.AuditEntry{}}
}

// Record appends e unless its event was recorded before.
func (l *AuditLog) Record(_ context.Context, e task.AuditEntry) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen[e.EventID] {
		return false, nil
	}
	l.seen[e.EventID] = true
	l.byTask[e.Task.ID] = append(l.byTask[e.Task.ID], e)
	entries := l.byTask[e.Task.ID]
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].Task.Version < entries[j].Task.Version })
	return true, nil
}

// History returns the user's entries for the task in version order.
func (l *AuditLog) History(_ context.Context, userID shared.UserID, id string) ([]task.AuditEntry, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	var out []task.AuditEntry
	for _, e := range l.byTask[id] {
		if e.Task.UserID == string(userID) {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return nil, shared.NotFound("task history")
	}
	return out, nil
}
