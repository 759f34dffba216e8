package messaging_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/memory"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/todo"
	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/ports/messaging"
)

func createEvent(t *testing.T, ev todo.CreateRequested) *message.Message {
	t.Helper()
	msg, err := envelope.New(envelope.Event{
		Type: todo.EventCreateRequested, SchemaVersion: "1", UserID: ev.UserID, Time: ev.CreatedAt, Payload: ev,
	})
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

func TestTodoIngestRejectsBadMessagesInArrivalOrder(t *testing.T) {
	t.Parallel()
	repo := memory.NewTodoRepository()
	h := messaging.NewTodoIngest(command.NewIngestTodosHandler(repo))
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	good := todo.CreateRequested{ID: "01934b6e-0000-7000-8000-000000000001", UserID: "alice", Title: "ok", CreatedAt: now}
	invalid := good
	invalid.ID, invalid.Title = "01934b6e-0000-7000-8000-000000000002", ""
	garbage := message.NewMessage("garbage", []byte(`{"id":`))
	garbage.Metadata.Set(envelope.KeyType, todo.EventCreateRequested)
	wrongType := createEvent(t, good)
	wrongType.Metadata.Set(envelope.KeyType, "taskstream.task.created")

	msgs := []*message.Message{createEvent(t, invalid), garbage, createEvent(t, good), wrongType}
	rejected, err := h.Handle(context.Background(), msgs)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		msg    *message.Message
		reason string
	}{{msgs[0], "title"}, {msgs[1], "unexpected EOF"}, {msgs[3], "event type"}}
	if len(rejected) != len(want) {
		t.Fatalf("rejected %d messages, want %d", len(rejected), len(want))
	}
	for i, w := range want {
		if rejected[i].Message != w.msg || !strings.Contains(rejected[i].Reason.Error(), w.reason) {
			t.Errorf("rejection %d: %s %v, want %s with %q", i, rejected[i].Message.UUID, rejected[i].Reason, w.msg.UUID, w.reason)
		}
	}
	if _, err := repo.Get(context.Background(), "alice", good.ID); err != nil {
		t.Errorf("the good to-do was not stored: %v", err)
	}
}

type downRepo struct{ todo.Repository }

func (downRepo) AddBatch(context.Context, []*todo.Todo) (int, error) {
	return 0, errors.New("connection refused")
}

func TestTodoIngestFailsTheBatchWhenTheDatabaseIsDown(t *testing.T) {
	t.Parallel()
	h := messaging.NewTodoIngest(command.NewIngestTodosHandler(downRepo{}))
	ev := todo.CreateRequested{ID: "01934b6e-0000-7000-8000-000000000001", UserID: "alice", Title: "ok", CreatedAt: time.Now()}
	rejected, err := h.Handle(context.Background(), []*message.Message{createEvent(t, ev)})
	if err == nil || rejected != nil {
		t.Errorf("got rejected %v, err %v; want no rejections and an error (retry the batch)", rejected, err)
	}
}
