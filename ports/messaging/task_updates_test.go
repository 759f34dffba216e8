package messaging_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/task"
	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/platform/live"
	"github.com/taskstream/taskstream/ports/messaging"
)

// The handler is what a Watermill router takes for a consumer without output.
var _ message.NoPublishHandlerFunc = (&messaging.TaskUpdates{}).Handle

func changedEvent(t *testing.T, ev task.Changed) *message.Message {
	t.Helper()
	msg, err := envelope.New(envelope.Event{
		Type: task.EventChanged, SchemaVersion: task.EventChangedVersion, UserID: ev.UserID, Time: ev.At, Payload: ev,
	})
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

func newLiveHub(t *testing.T) *live.Hub {
	t.Helper()
	hub, err := live.NewHub(live.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hub.Close)
	return hub
}

func TestTaskUpdatesPushesTheFrameToTheOwnerOnly(t *testing.T) {
	t.Parallel()
	hub := newLiveHub(t)
	alice, bob := hub.Register("alice"), hub.Register("bob")
	defer alice.Close()
	defer bob.Close()
	at := time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC)
	ev := task.Changed{TaskID: "01934b6e-0000-7000-8000-0000000000a1", UserID: "alice", Action: "updated", Version: 3,
		Changes: map[string]any{"title": "new title", "due_at": nil}, At: at}
	msg := changedEvent(t, ev)

	if err := messaging.NewTaskUpdates(hub).Handle(msg); err != nil {
		t.Fatal(err)
	}
	var frame []byte
	select {
	case frame = <-alice.Frames():
	default:
		t.Fatal("alice got no frame")
	}
	want := `{"type":"task.changed","id":"` + msg.UUID + `","data":{"task_id":"01934b6e-0000-7000-8000-0000000000a1",` +
		`"user_id":"alice","action":"updated","version":3,"changes":{"due_at":null,"title":"new title"},"at":"2026-11-24T09:30:00Z"}}`
	if string(frame) != want {
		t.Errorf("frame =\n%s\nwant\n%s", frame, want)
	}
	if !json.Valid(frame) {
		t.Error("the frame is not JSON")
	}
	if n := len(bob.Frames()); n != 0 {
		t.Errorf("bob got %d frames of alice's", n)
	}
}

func TestTaskUpdatesRefusesBadMessagesWithTheReason(t *testing.T) {
	t.Parallel()
	ok := task.Changed{TaskID: "t-1", UserID: "alice", Action: "deleted", Version: 2, Changes: map[string]any{},
		At: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)}
	wrongType := changedEvent(t, ok)
	wrongType.Metadata.Set(envelope.KeyType, task.EventRecorded)
	garbage := changedEvent(t, ok)
	garbage.Payload = []byte(`{"task_id":`)
	missingField := changedEvent(t, ok)
	missingField.Payload = []byte(`{"task_id":"t-1","user_id":"alice","extra":1}`)
	newerMajor := changedEvent(t, ok)
	newerMajor.Metadata.Set(envelope.KeySchemaVersion, "2.0")
	noUser := ok
	noUser.UserID = ""
	otherUser := changedEvent(t, ok)
	otherUser.Metadata.Set(envelope.KeyUserID, "mallory")

	cases := []struct {
		name   string
		msg    *message.Message
		reason string
	}{
		{"wrong event type", wrongType, "event type"},
		{"truncated payload", garbage, "unexpected EOF"},
		{"missing required field", missingField, `missing required field "action"`},
		{"newer major version", newerMajor, `"2.0" is a newer major version`},
		{"no user", changedEvent(t, noUser), "without a user_id"},
		{"two users", otherUser, `"mallory"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hub := newLiveHub(t)
			subs := []*live.Subscription{hub.Register("alice"), hub.Register("mallory"), hub.Register("")}
			err := messaging.NewTaskUpdates(hub).Handle(tc.msg)
			if err == nil || !strings.Contains(err.Error(), tc.reason) || shared.KindOf(err) != shared.KindInvalid {
				t.Fatalf("Handle = %v, want an invalid error with %q, parked without retries", err, tc.reason)
			}
			for _, s := range subs {
				if len(s.Frames()) != 0 {
					t.Error("a refused message was published")
				}
				s.Close()
			}
		})
	}
}

func TestNewTaskUpdatesPanicsOnANilHub(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	messaging.NewTaskUpdates(nil)
}
