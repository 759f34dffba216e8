package memory

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
)

// ReminderStore is the embedded default's command.ReminderClaimer: it claims the deadline
// reminders of a TaskStore's tasks and publishes their notification.requested messages, as the
// task store publishes its events. Claims are kept by task, kind and due time, so each reminder
// is published once and a moved deadline reminds again; like the task store it keeps them
// until the process ends. It is safe for concurrent use.
type ReminderStore struct {
	mu        sync.Mutex
	tasks     *TaskStore
	claimed   map[task.Reminder]bool
	publisher message.Publisher
	topic     string
}

var _ command.ReminderClaimer = (*ReminderStore)(nil)

// NewReminderStore returns a store over the tasks of tasks that publishes to topic
// (notification.request) with publisher.
func NewReminderStore(tasks *TaskStore, publisher message.Publisher, topic string) (*ReminderStore, error) {
	if tasks == nil || publisher == nil || topic == "" {
		return nil, errors.New("memory reminder store: task store, publisher and topic are required")
	}
	return &ReminderStore{tasks: tasks, claimed: map[task.Reminder]bool{}, publisher: publisher, topic: topic}, nil
}

// ClaimReminders picks the batch's candidates, lets decide pick their reminders, and then
// publishes and claims each, under the store's lock: a reminder is claimed once its message
// is published, so a failed publish leaves it to the next round.
func (s *ReminderStore) ClaimReminders(_ context.Context, r task.ReminderRange, limit int, decide command.DecideReminder) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var decided []*command.DueReminder
	for _, snap := range s.candidates(r, limit) {
		t, err := task.Rehydrate(snap)
		if err != nil {
			return 0, err
		}
		d, err := decide(t)
		if err != nil {
			return 0, err
		}
		if d != nil && !s.claimed[key(d.Reminder)] {
			decided = append(decided, d)
		}
	}
	for i, d := range decided {
		if err := s.publish(d); err != nil {
			return i, err
		}
		s.claimed[key(d.Reminder)] = true
	}
	return len(decided), nil
}

// candidates are up to limit of the tasks that are not done, are due in r and have no claimed
// reminder of r.Kind for their due time, earliest due first (then by id).
func (s *ReminderStore) candidates(r task.ReminderRange, limit int) []task.Snapshot {
	var out []task.Snapshot
	for _, snap := range s.tasks.snapshots() {
		if snap.DueAt == nil || snap.Status == task.StatusDone.String() || !r.Contains(*snap.DueAt) {
			continue
		}
		if !s.claimed[key(task.Reminder{TaskID: snap.ID, Kind: r.Kind, DueAt: *snap.DueAt})] {
			out = append(out, snap)
		}
	}
	slices.SortFunc(out, func(a, b task.Snapshot) int {
		if c := a.DueAt.Compare(*b.DueAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out[:min(limit, len(out))]
}

func (s *ReminderStore) publish(d *command.DueReminder) error {
	m, err := messages.NotificationRequested(d.Request, shared.EventMeta{}, s.topic)
	if err != nil {
		return err
	}
	if err := s.publisher.Publish(m.Topic, m.Message); err != nil {
		return shared.Unavailable("the reminder could not be published", err)
	}
	return nil
}

// key is r as a map key: the due time in UTC without its monotonic reading, so that equal
// instants are one key.
func key(r task.Reminder) task.Reminder {
	r.DueAt = r.DueAt.UTC().Round(0)
	return r
}

// snapshots returns the store's tasks as they are now.
func (s *TaskStore) snapshots() []task.Snapshot {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]task.Snapshot, 0, len(s.byID))
	for _, snap := range s.byID {
		out = append(out, snap)
	}
	return out
}
