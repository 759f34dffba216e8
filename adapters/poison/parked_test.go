package poison_test

import (
	"errors"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/poison"
	"github.com/taskstream/taskstream/platform/envelope"
)

func parkedMessage(extra map[string]string) poison.Parked {
	m := message.NewMessage("wm-1", []byte(`{"id":"x"}`))
	m.Metadata = message.Metadata{
		"ce_id": "evt-1", "ce_type": "taskstream.task.created", "ce_partitionkey": "alice",
		"reason_poisoned": "bad", "topic_poisoned": "task-events", "handler_poisoned": "audit",
		"subscriber_poisoned": "audit-service", "kafka_partition": "2", "kafka_offset": "9",
	}
	for k, v := range extra {
		m.Metadata[k] = v
	}
	return poison.Parked{Ref: "0/7", Message: m}
}

// The replayed copy is the original message: same id, payload and event metadata, none of the
// headers parking added, and where and when it was replayed.
func TestReplayMessageIsTheOriginalWithoutParkingHeaders(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	p := parkedMessage(nil)
	m, err := poison.ReplayMessage(p, "taskstream.poison", at)
	if err != nil {
		t.Fatal(err)
	}
	want := message.Metadata{
		"ce_id": "evt-1", "ce_type": "taskstream.task.created", "ce_partitionkey": "alice",
		poison.ReplayedFromKey: "taskstream.poison 0/7", poison.ReplayedAtKey: "2026-11-28T10:00:00Z",
	}
	if m.UUID != "wm-1" || string(m.Payload) != `{"id":"x"}` || len(m.Metadata) != len(want) {
		t.Fatalf("replayed %s %s %v", m.UUID, m.Payload, m.Metadata)
	}
	for k, v := range want {
		if m.Metadata[k] != v {
			t.Errorf("%s = %q, want %q", k, m.Metadata[k], v)
		}
	}
	if p.Message.Metadata.Get("reason_poisoned") != "bad" {
		t.Error("ReplayMessage changed the parked message")
	}
	if p.EventID() != "evt-1" || p.Topic() != "task-events" || p.Handler() != "audit" || p.Group() != "audit-service" || p.Reason() != "bad" {
		t.Errorf("accessors: %s %s %s %s %s", p.EventID(), p.Topic(), p.Handler(), p.Group(), p.Reason())
	}
}

func TestReplayMessageRefusesWhatItCannotReplay(t *testing.T) {
	t.Parallel()
	omitted := parkedMessage(map[string]string{envelope.KeyPayloadOmitted: "2000000 bytes could not be parked"})
	if _, err := poison.ReplayMessage(omitted, "p", time.Now()); !errors.Is(err, poison.ErrPayloadOmitted) {
		t.Errorf("payload omitted: %v, want ErrPayloadOmitted", err)
	}
	nowhere := parkedMessage(nil)
	delete(nowhere.Message.Metadata, "topic_poisoned")
	if _, err := poison.ReplayMessage(nowhere, "p", time.Now()); err == nil {
		t.Error("no original topic: nil error")
	}
	noID := parkedMessage(nil)
	delete(noID.Message.Metadata, "ce_id")
	if noID.EventID() != "wm-1" {
		t.Errorf("EventID without ce_id = %q, want the Watermill id", noID.EventID())
	}
}
