package messaging_test

import (
	"context"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/memory"
	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/ports/messaging"
)

func taskEvent(t *testing.T) *message.Message {
	t.Helper()
	tk, err := task.New("01934b6e-0000-7000-8000-0000000000aa", "alice", "Write", "", task.PriorityHigh, time.Time{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := messages.TaskChange(task.NewChange(task.ActionCreated, tk), shared.EventMeta{}, messages.TaskTopics{Events: "e", Updates: "u"})
	if err != nil {
		t.Fatal(err)
	}
	return msgs[0].Message
}

func TestTaskAuditRecordsAnEventOnce(t *testing.T) {
	t.Parallel()
	log := memory.NewAuditLog()
	h := messaging.NewTaskAudit(command.NewRecordTaskEventHandler(log))
	msg := taskEvent(t)
	for range 2 {
		if err := h.Handle(msg); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := log.History(context.Background(), "alice", "01934b6e-0000-7000-8000-0000000000aa")
	if err != nil || len(entries) != 1 || entries[0].Action != task.ActionCreated || entries[0].Task.Title != "Write" {
		t.Fatalf("history %+v, %v; want one created entry", entries, err)
	}
}

func TestTaskAuditRefusesAMessageItCannotRead(t *testing.T) {
	t.Parallel()
	h := messaging.NewTaskAudit(command.NewRecordTaskEventHandler(memory.NewAuditLog()))
	bad := taskEvent(t)
	bad.Payload = []byte(`{"action":"created","task":{"id":"x"}}`)
	wrongType := taskEvent(t)
	wrongType.Metadata.Set("ce_type", "something.else")
	for name, msg := range map[string]*message.Message{"invalid snapshot": bad, "wrong type": wrongType} {
		if err := h.Handle(msg); shared.KindOf(err) != shared.KindInvalid {
			t.Errorf("%s: got %v, want an invalid-kind error (parked without retries)", name, err)
		}
	}
}
