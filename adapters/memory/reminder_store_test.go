package memory_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/contract"
	"github.com/taskstream/taskstream/adapters/memory"
	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/platform/envelope"
)

const notificationTopic = "notification.request"

// recorder is a message.Publisher that keeps what it was given, in order, and fails while
// failing is set.
type recorder struct {
	mu      sync.Mutex
	msgs    map[string][]*message.Message
	failing bool
}

func (r *recorder) Publish(topic string, msgs ...*message.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failing {
		return errors.New("the broker is gone")
	}
	if r.msgs == nil {
		r.msgs = map[string][]*message.Message{}
	}
	r.msgs[topic] = append(r.msgs[topic], msgs...)
	return nil
}

func (r *recorder) Close() error { return nil }

func (r *recorder) setFailing(f bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failing = f
}

// requests decodes the notification requests published so far, with the consumers' decoder,
// and checks that each is keyed by its user.
func (r *recorder) requests(t *testing.T) []notification.Requested {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []notification.Requested
	for _, msg := range r.msgs[notificationTopic] {
		var req notification.Requested
		if err := envelope.Decode(msg, notification.EventRequested, notification.EventRequestedVersion, &req); err != nil {
			t.Fatalf("message %s: %v", msg.UUID, err)
		}
		if key := msg.Metadata.Get(envelope.KeyPartitionKey); key != req.UserID {
			t.Errorf("reminder %s is keyed %q, not by its user %q", req.ID, key, req.UserID)
		}
		out = append(out, req)
	}
	return out
}

func newReminderStore(t *testing.T) (*memory.TaskStore, *memory.ReminderStore, *recorder) {
	t.Helper()
	pub := &recorder{}
	tasks, err := memory.NewTaskStore(pub, messages.TaskTopics{Events: "task-events", Updates: "task-updates"}, memory.NewAuditLog())
	if err != nil {
		t.Fatal(err)
	}
	store, err := memory.NewReminderStore(tasks, pub, notificationTopic)
	if err != nil {
		t.Fatal(err)
	}
	return tasks, store, pub
}

func TestReminderStore(t *testing.T) {
	t.Parallel()
	contract.ReminderClaimer(t, func(t *testing.T) contract.Reminders {
		tasks, store, pub := newReminderStore(t)
		return contract.Reminders{Tasks: tasks, Claimer: store, Emitted: pub.requests}
	})
}

// A reminder whose message could not be published is not claimed: the next round publishes it.
func TestReminderStorePublishFailureLeavesTheReminder(t *testing.T) {
	t.Parallel()
	tasks, store, pub := newReminderStore(t)
	now := time.Now().UTC()
	tk, err := task.New(uuid.NewString(), "alice", "Write the report", "", task.PriorityMedium, now.Add(10*time.Minute), now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tasks.Add(context.Background(), task.NewChange(task.ActionCreated, tk), shared.EventMeta{}); err != nil {
		t.Fatal(err)
	}
	policy, err := task.NewReminderPolicy(time.Hour, task.OverdueLookback)
	if err != nil {
		t.Fatal(err)
	}
	h := command.NewEmitDeadlineRemindersHandler(store, command.DeadlineReminderConfig{Policy: policy})

	pub.setFailing(true)
	if _, err := h.Handle(context.Background(), command.EmitDeadlineReminders{At: now}); shared.KindOf(err) != shared.KindUnavailable {
		t.Fatalf("a round with the broker gone = %v, want an unavailable error", err)
	}
	pub.setFailing(false)
	if out, err := h.Handle(context.Background(), command.EmitDeadlineReminders{At: now}); err != nil || out.Emitted != 1 {
		t.Fatalf("the next round = %+v, %v; want the reminder", out, err)
	}
	if got := pub.requests(t); len(got) != 1 || got[0].TaskID != tk.ID() || got[0].Type != notification.TypeTaskDueSoon {
		t.Errorf("published %+v", got)
	}
}

func TestNewReminderStoreRefusesMissingDependencies(t *testing.T) {
	t.Parallel()
	tasks, _, pub := newReminderStore(t)
	for name, build := range map[string]func() (*memory.ReminderStore, error){
		"no tasks":     func() (*memory.ReminderStore, error) { return memory.NewReminderStore(nil, pub, notificationTopic) },
		"no publisher": func() (*memory.ReminderStore, error) { return memory.NewReminderStore(tasks, nil, notificationTopic) },
		"no topic":     func() (*memory.ReminderStore, error) { return memory.NewReminderStore(tasks, pub, "") },
	} {
		if _, err := build(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
