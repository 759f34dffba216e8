package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/pgpubsub"
	"github.com/taskstream/taskstream/adapters/poison"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/config"
)

// On BROKER=postgres, list shows the rows of the poison table and replay puts the selected ones
// back on their original topic; a message parked without its payload is refused.
func TestPoisonListAndReplayOnPostgres(t *testing.T) {
	url, db := pgtest.NewDatabase(t)
	t.Parallel()
	vars := env(map[string]string{"DATABASE_URL": url, "BROKER": "postgres", "AUTH_JWT_SECRET": strings.Repeat("s", 32)})
	cfg, err := config.Load(vars)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pgpubsub.New(t.Context(), db, cfg.Topics.All(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	park(t, b.Publisher(), cfg.Topics.Poison, cfg.Topics.TaskEvents, "evt-1", `{"task":1}`, "")
	park(t, b.Publisher(), cfg.Topics.Poison, cfg.Topics.TodoCreate, "evt-2", "", "2000000 bytes could not be parked")

	lines := listJSON(t, vars)
	if len(lines) != 2 || lines[0].EventID != "evt-1" || lines[0].Topic != cfg.Topics.TaskEvents ||
		lines[0].Handler != "audit" || lines[0].ParkedAt == nil || !lines[1].PayloadOmitted {
		t.Fatalf("poison list --json: %+v", lines)
	}
	ok, omitted := lines[0].Ref, lines[1].Ref

	sub, err := b.Subscriber("check", false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Close() })
	replayed, err := sub.Subscribe(t.Context(), cfg.Topics.TaskEvents)
	if err != nil {
		t.Fatal(err)
	}

	out := runPoison(t, vars, false, "replay", "--ref", ok, "--dry-run")
	mustContain(t, out, "would replay "+ok+": event evt-1")
	expectNone(t, replayed)

	out = runPoison(t, vars, false, "replay", "--ref", ok)
	mustContain(t, out, "replayed "+ok+": event evt-1 (taskstream.task.created) to "+cfg.Topics.TaskEvents)
	expectReplayOf(t, replayed, cfg.Topics.Poison+" "+ok)

	// Again, with --all: the first is replayed a second time, the one without payload refused.
	out = runPoison(t, vars, true, "replay", "--all")
	mustContain(t, out, "replayed "+ok)
	mustContain(t, out, "refused "+omitted+": parked message "+omitted+" (event evt-2): its payload was omitted")
	expectReplayOf(t, replayed, cfg.Topics.Poison+" "+ok)

	out = runPoison(t, vars, true, "replay", "--ref", "999999")
	mustContain(t, out, "no parked message has the reference 999999; nothing was replayed")
}

// park publishes a parked copy of an event from topic, as the audit consumer parks one.
func park(t *testing.T, pub message.Publisher, poisonTopic, topic, id, payload, omitted string) {
	t.Helper()
	m := message.NewMessage(id, []byte(payload))
	m.Metadata = message.Metadata{
		"ce_id": id, "ce_type": "taskstream.task.created", "ce_partitionkey": "alice",
		"reason_poisoned": "snapshot does not decode", "topic_poisoned": topic,
		"handler_poisoned": "audit", "subscriber_poisoned": "audit-service",
	}
	if omitted != "" {
		m.Metadata["poison_payload_omitted"] = omitted
	}
	if err := pub.Publish(poisonTopic, m); err != nil {
		t.Fatal(err)
	}
}

func listJSON(t *testing.T, vars func(string) (string, bool)) []parkedJSON {
	t.Helper()
	var lines []parkedJSON
	sc := bufio.NewScanner(strings.NewReader(runPoison(t, vars, false, "list", "--json")))
	for sc.Scan() {
		var line parkedJSON
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("%q: %v", sc.Text(), err)
		}
		lines = append(lines, line)
	}
	return lines
}

// runPoison runs the poison command and returns its output, and its error's text when it fails as
// wantErr says it should.
func runPoison(t *testing.T, vars func(string) (string, bool), wantErr bool, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	err := poisonCommand(t.Context(), args, vars, &out)
	if (err != nil) != wantErr {
		t.Fatalf("poison %v: error %v (want an error: %v); output:\n%s", args, err, wantErr, out.String())
	}
	if err != nil {
		out.WriteString(err.Error())
	}
	return out.String()
}

func expectReplayOf(t *testing.T, msgs <-chan *message.Message, from string) {
	t.Helper()
	select {
	case m := <-msgs:
		m.Ack()
		if m.UUID != "evt-1" || string(m.Payload) != `{"task":1}` || m.Metadata.Get(poison.ReplayedFromKey) != from ||
			m.Metadata.Get("reason_poisoned") != "" || m.Metadata.Get("ce_partitionkey") != "alice" {
			t.Errorf("replayed %s %s %v", m.UUID, m.Payload, m.Metadata)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("nothing replayed within 10s")
	}
}

func expectNone(t *testing.T, msgs <-chan *message.Message) {
	t.Helper()
	select {
	case m := <-msgs:
		m.Ack()
		t.Errorf("a dry run published %s", m.UUID)
	case <-time.After(500 * time.Millisecond):
	}
}

func mustContain(t *testing.T, s, want string) {
	t.Helper()
	if !strings.Contains(s, want) {
		t.Errorf("output does not contain %q:\n%s", want, s)
	}
}
