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
	// Note is optional: a producer may leave it out.
	Note string `json:"note,omitempty"`
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

// Decode is a tolerant reader: it reads every payload of its schema's major version, whatever
// fields a newer minor version added, and refuses only what it cannot read, saying why.
func TestDecodeReadsWhatItCanAndSaysWhyNot(t *testing.T) {
	t.Parallel()
	const valid = `{"id":"1","title":"a","at":"2026-11-23T00:00:00Z"}`
	cases := []struct {
		name, typ, version, body, wantErr string
	}{
		{"valid", "t.x", "1", valid, ""},
		{"unknown field", "t.x", "1", `{"id":"1","title":"a","at":"2026-11-23T00:00:00Z","extra":{"x":[1]}}`, ""},
		{"newer minor version", "t.x", "1.7", valid, ""},
		{"patch version", "t.x", "1.0.3", valid, ""},
		{"no version header", "t.x", "", valid, ""},
		{"optional field present", "t.x", "1", `{"id":"1","title":"a","at":"2026-11-23T00:00:00Z","note":""}`, ""},
		{"newer major version", "t.x", "2.0", valid, `ce_schemaversion "2.0" is a newer major version than 1`},
		{"newer major, no minor", "t.x", "2", valid, `ce_schemaversion "2" is a newer major version than 1`},
		{"older major version", "t.x", "0.9", valid, `older major version`},
		{"not a version", "t.x", "v1", valid, `ce_schemaversion "v1": not a schema version`},
		{"missing required field", "t.x", "1", `{"id":"1","at":"2026-11-23T00:00:00Z"}`, `missing required field "title"`},
		{"wrong type", "t.y", "1", valid, `event type "t.y"`},
		{"trailing data", "t.x", "1", `{"id":"1"} {"id":"2"}`, "trailing data"},
		{"trailing brace", "t.x", "1", `{"id":"1"} }`, "trailing data"},
		{"trailing bracket", "t.x", "1", `{"id":"1"}]`, "trailing data"},
		{"trailing garbage", "t.x", "1", `{"id":"1"} x`, "trailing data"},
		{"trailing white space", "t.x", "1", valid + " \n", ""},
		{"truncated", "t.x", "1", `{"id":`, "unexpected EOF"},
		{"wrong field type", "t.x", "1", `{"id":1}`, "cannot unmarshal number"},
		{"bad time", "t.x", "1", `{"at":"yesterday"}`, "parsing time"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			msg := message.NewMessage("m", []byte(c.body))
			msg.Metadata.Set(envelope.KeyType, c.typ)
			if c.version != "" {
				msg.Metadata.Set(envelope.KeySchemaVersion, c.version)
			}
			var p payload
			err := envelope.Decode(msg, "t.x", "1", &p)
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
