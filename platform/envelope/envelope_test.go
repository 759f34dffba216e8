package envelope_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/platform/envelope"
)

type payload struct {
	ID    string    `json:"id"`
	Title string    `json:"title"`
	At    time.Time `json:"at"`
}

func TestNewSetsTheCloudEventsHeaders(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 23, 1, 2, 3, 0, time.UTC)
	msg, err := envelope.New(envelope.Event{
		Type: "t.x", SchemaVersion: "1", UserID: "alice", CorrelationID: "c1", TraceParent: "00-aa-bb-01",
		Time: at, Payload: payload{ID: "1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		envelope.KeySpecVersion: "1.0", envelope.KeyID: msg.UUID, envelope.KeyType: "t.x",
		envelope.KeySource: envelope.Source, envelope.KeyTime: "2026-11-23T01:02:03Z",
		envelope.KeySchemaVersion: "1", envelope.KeyUserID: "alice", envelope.KeyPartitionKey: "alice",
		envelope.KeyCorrelationID: "c1", envelope.KeyTraceParent: "00-aa-bb-01", envelope.KeyContentType: "application/json",
	}
	for k, v := range want {
		if got := msg.Metadata.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if key, _ := envelope.PartitionKey("topic", msg); key != "alice" {
		t.Errorf("partition key %q", key)
	}
}

func TestDecodeIsStrict(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, typ, body, wantErr string
	}{
		{"valid", "t.x", `{"id":"1","title":"a","at":"2026-11-23T00:00:00Z"}`, ""},
		{"wrong type", "t.y", `{"id":"1"}`, `event type "t.y"`},
		{"unknown field", "t.x", `{"id":"1","extra":true}`, `unknown field "extra"`},
		{"trailing data", "t.x", `{"id":"1"} {"id":"2"}`, "trailing data"},
		{"trailing brace", "t.x", `{"id":"1"} }`, "trailing data"},
		{"trailing bracket", "t.x", `{"id":"1"}]`, "trailing data"},
		{"trailing garbage", "t.x", `{"id":"1"} x`, "trailing data"},
		{"trailing white space", "t.x", "{\"id\":\"1\",\"title\":\"a\"} \n", ""},
		{"truncated", "t.x", `{"id":`, "unexpected EOF"},
		{"wrong field type", "t.x", `{"id":1}`, "cannot unmarshal number"},
		{"bad time", "t.x", `{"at":"yesterday"}`, "parsing time"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			msg := message.NewMessage("m", []byte(c.body))
			msg.Metadata.Set(envelope.KeyType, c.typ)
			var p payload
			err := envelope.Decode(msg, "t.x", &p)
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case c.wantErr == "" && (p.ID != "1" || p.Title != "a"):
				t.Errorf("decoded %+v", p)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Errorf("error %v, want one mentioning %q", err, c.wantErr)
			}
		})
	}
}
