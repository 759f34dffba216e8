package command_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
)

// recordingEvents is a hand-written command.TodoEvents that keeps what it was given.
type recordingEvents struct {
	err  error
	got  []*todo.Todo
	meta []shared.EventMeta
}

func (r *recordingEvents) CreateRequested(_ context.Context, t *todo.Todo, meta shared.EventMeta) error {
	if r.err != nil {
		return r.err
	}
	r.got = append(r.got, t)
	r.meta = append(r.meta, meta)
	return nil
}

var fixedNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func newCreate(events command.TodoEvents) command.CreateTodoHandler {
	return command.NewCreateTodoHandler(events,
		func() string { return "01934b6e-0000-7000-8000-000000000001" },
		func(user shared.UserID, key string) string { // a stand-in for a name-based UUID
			if user == "alice" && key == "k-1" {
				return "01934b6e-0000-7000-8000-00000000a11c"
			}
			return "01934b6e-0000-7000-8000-0000000000ff"
		},
		func() time.Time { return fixedNow })
}

// An idempotency key names the to-do: the id comes from the user and the key, not from a new id.
func TestCreateTodoWithAnIdempotencyKeyUsesTheKeyedID(t *testing.T) {
	t.Parallel()
	events := &recordingEvents{}
	create := newCreate(events)
	for range 2 {
		out, err := create.Handle(context.Background(), command.CreateTodo{UserID: "alice", Title: "t", IdempotencyKey: "k-1"})
		if err != nil {
			t.Fatal(err)
		}
		if out.ID != "01934b6e-0000-7000-8000-00000000a11c" {
			t.Errorf("id %q, want the keyed id", out.ID)
		}
	}
	out, err := create.Handle(context.Background(), command.CreateTodo{UserID: "alice", Title: "t"})
	if err != nil || out.ID != "01934b6e-0000-7000-8000-000000000001" {
		t.Errorf("without a key: id %q, %v; want a new id", out.ID, err)
	}
}

func TestCreateTodoPublishesTheEvent(t *testing.T) {
	t.Parallel()
	events := &recordingEvents{}
	out, err := newCreate(events).Handle(context.Background(), command.CreateTodo{
		UserID: "alice", Title: " Buy milk ", Description: "two litres",
		Meta: shared.EventMeta{CorrelationID: "corr-1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(events.got) != 1 {
		t.Fatalf("published %d events, want 1", len(events.got))
	}
	got := events.got[0]
	if out.ID != got.ID() || got.UserID() != "alice" || got.Title() != "Buy milk" || !got.CreatedAt().Equal(fixedNow) {
		t.Errorf("published %+v for answer %q", got.CreateRequestedEvent(), out.ID)
	}
	if events.meta[0].CorrelationID != "corr-1" {
		t.Errorf("correlation id %q", events.meta[0].CorrelationID)
	}
}

func TestCreateTodoRefusesInvalidInputAndPublishesNothing(t *testing.T) {
	t.Parallel()
	events := &recordingEvents{}
	_, err := newCreate(events).Handle(context.Background(), command.CreateTodo{UserID: "alice", Title: "   "})
	if shared.KindOf(err) != shared.KindInvalid {
		t.Errorf("error %v, want an invalid-kind error", err)
	}
	if len(events.got) != 0 {
		t.Errorf("published %d events for an invalid to-do", len(events.got))
	}
}

func TestCreateTodoReportsABrokerFailureAsUnavailable(t *testing.T) {
	t.Parallel()
	broker := errors.New("kafka: not enough in-sync replicas")
	_, err := newCreate(&recordingEvents{err: broker}).Handle(context.Background(), command.CreateTodo{UserID: "alice", Title: "x"})
	if shared.KindOf(err) != shared.KindUnavailable || !errors.Is(err, broker) {
		t.Errorf("error %v, want unavailable wrapping the broker's error", err)
	}
}
