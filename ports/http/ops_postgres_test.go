package httpport_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/poison"
	"github.com/taskstream/taskstream/adapters/postgres/pgtest"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/application/query"
	httpport "github.com/taskstream/taskstream/ports/http"
)

const (
	testPoison = "taskstream.poison"
	testEvents = "task-events"
	testTodos  = "todo-create"
)

// parkedCases are the operator use cases on reader's poison topic, replaying with pub: the
// handlers di gives the API and cmd/taskstream gives `taskstream poison`.
func parkedCases(reader poison.Reader, pub message.Publisher) httpport.OperatorCases {
	parking, err := poison.NewParking(reader, pub, testPoison)
	if err != nil {
		panic(err)
	}
	port := poison.NewPort(parking)
	return httpport.OperatorCases{
		ListParked: query.NewListParkedHandler(port), GetParked: query.NewGetParkedHandler(port),
		ReplayParked: command.NewReplayParkedHandler(port),
	}
}

type emptyPoison struct{}

func (emptyPoison) ReadParked(context.Context, func(poison.Parked) bool) error { return nil }

type nopPublisher struct{}

func (nopPublisher) Publish(string, ...*message.Message) error { return nil }
func (nopPublisher) Close() error                              { return nil }

type parkedBody struct {
	Ref            string            `json:"ref"`
	EventID        string            `json:"event_id"`
	Topic          string            `json:"topic"`
	Handler        string            `json:"handler"`
	Group          string            `json:"group"`
	Reason         string            `json:"reason"`
	ParkedAt       *time.Time        `json:"parked_at"`
	PayloadOmitted string            `json:"payload_omitted"`
	Headers        map[string]string `json:"headers"`
	Payload        *string           `json:"payload"`
	Refused        string            `json:"refused"`
}

type parkedListBody struct {
	Items    []parkedBody `json:"items"`
	Matched  int          `json:"matched"`
	ByReason []struct {
		Reason string `json:"reason"`
		Count  int    `json:"count"`
	} `json:"by_reason"`
}

type replayBody struct {
	DryRun   bool         `json:"dry_run"`
	Replayed int          `json:"replayed"`
	Selected int          `json:"selected"`
	Outcomes []parkedBody `json:"outcomes"`
}

// On the PostgreSQL broker (GoChannel keeps no parked messages), an operator lists the parked
// messages with filters and counts by reason, opens one, dry-runs a replay, then replays one, a
// filter's matches, and is refused an unknown ref; the outbox route reads the real backlog.
func TestOperatorRoutesOnPostgres(t *testing.T) {
	_, db := pgtest.NewDatabase(t)
	t.Parallel()
	b, err := broker.NewPostgres(t.Context(), db, []string{testPoison, testEvents, testTodos}, testPoison, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	parkOne(t, b.Publisher(), testEvents, "evt-1", `{"task":1}`, "snapshot does not decode", "")
	parkOne(t, b.Publisher(), testTodos, "evt-2", "", "not a to-do", "2000000 bytes could not be parked")
	parkOne(t, b.Publisher(), testEvents, "evt-3", `{"task":3}`, "Snapshot does not decode", "")

	cases := parkedCases(b, b.Publisher())
	cases.Outbox = query.NewGetOutboxBacklogHandler(outbox.NewBacklogReader(db))
	f := newFixture(t, fixtureOptions{operator: cases})
	doc := loadOpenAPI(t, f)
	// check sends req, wants status and a request and response the document describes.
	check := func(route string, req request, status int) []byte {
		t.Helper()
		rec := f.do(req)
		if rec.Code != status {
			t.Fatalf("%s %s: status %d, want %d: %s", req.method, req.path, rec.Code, status, rec.Body)
		}
		validateAgainst(t, doc, route, req, rec, status < 400)
		return rec.Body.Bytes()
	}

	outboxRec := f.do(request{method: http.MethodGet, path: "/v1/ops/outbox", user: "op", roles: []string{"operator"}})
	if outboxRec.Code != http.StatusOK || !strings.Contains(outboxRec.Body.String(), `"rows":0`) {
		t.Errorf("outbox: %d %s", outboxRec.Code, outboxRec.Body)
	}

	all := decodeBody[parkedListBody](t, check("/v1/ops/parked", opReq(http.MethodGet, "/v1/ops/parked", ""), http.StatusOK))
	if all.Matched != 3 || len(all.Items) != 3 || all.Items[0].EventID != "evt-1" || all.Items[0].ParkedAt == nil ||
		all.Items[1].PayloadOmitted == "" || len(all.ByReason) != 3 {
		t.Fatalf("list: %+v", all)
	}
	decoding := decodeBody[parkedListBody](t, check("/v1/ops/parked",
		opReq(http.MethodGet, "/v1/ops/parked?reason=DOES+NOT&topic="+testEvents+"&handler=audit&group=audit-service&limit=1", ""), http.StatusOK))
	if decoding.Matched != 2 || len(decoding.Items) != 1 || decoding.Items[0].EventID != "evt-1" {
		t.Fatalf("filtered list: %+v", decoding)
	}
	none := decodeBody[parkedListBody](t, check("/v1/ops/parked", opReq(http.MethodGet, "/v1/ops/parked?group=other", ""), http.StatusOK))
	if none.Matched != 0 || len(none.Items) != 0 {
		t.Fatalf("list of another group: %+v", none)
	}
	check("/v1/ops/parked", opReq(http.MethodGet, "/v1/ops/parked?limit=x", ""), http.StatusBadRequest)

	ref := all.Items[0].Ref
	one := decodeBody[parkedBody](t, check("/v1/ops/parked/{ref}", opReq(http.MethodGet, "/v1/ops/parked/"+url.PathEscape(ref), ""), http.StatusOK))
	if one.Payload == nil || *one.Payload != `{"task":1}` || one.Headers["ce_partitionkey"] != "alice" || one.Headers["reason_poisoned"] == "" {
		t.Fatalf("get: %+v", one)
	}
	check("/v1/ops/parked/{ref}", opReq(http.MethodGet, "/v1/ops/parked/999999", ""), http.StatusNotFound)

	sub, err := b.Subscriber("check", broker.Oldest)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Close() })
	replayed, err := sub.Subscribe(t.Context(), testEvents)
	if err != nil {
		t.Fatal(err)
	}

	dry := decodeBody[replayBody](t, check("/v1/ops/parked/replay", opReq(http.MethodPost, "/v1/ops/parked/replay", `{"all":true,"dry_run":true}`), http.StatusOK))
	if !dry.DryRun || dry.Selected != 3 || dry.Replayed != 2 || !strings.Contains(dry.Outcomes[1].Refused, "payload was omitted") {
		t.Fatalf("dry run: %+v", dry)
	}
	expectNoMessage(t, replayed)

	done := decodeBody[replayBody](t, check("/v1/ops/parked/replay", opReq(http.MethodPost, "/v1/ops/parked/replay", `{"refs":["`+ref+`"],"dry_run":false}`), http.StatusOK))
	if done.DryRun || done.Selected != 1 || done.Replayed != 1 {
		t.Fatalf("replay one: %+v", done)
	}
	expectMessage(t, replayed, "evt-1", testPoison+" "+ref)

	matching := decodeBody[replayBody](t, check("/v1/ops/parked/replay",
		opReq(http.MethodPost, "/v1/ops/parked/replay", `{"all":true,"reason":"snapshot","topic":"`+testEvents+`","dry_run":false}`), http.StatusOK))
	if matching.Replayed != 2 {
		t.Fatalf("replay matching: %+v", matching)
	}
	expectMessage(t, replayed, "evt-1", "")
	expectMessage(t, replayed, "evt-3", "")

	check("/v1/ops/parked/replay", opReq(http.MethodPost, "/v1/ops/parked/replay", `{"refs":["`+ref+`","999999"],"dry_run":false}`), http.StatusNotFound)
	expectNoMessage(t, replayed)
	check("/v1/ops/parked/replay", opReq(http.MethodPost, "/v1/ops/parked/replay", `{"dry_run":false}`), http.StatusBadRequest)
	check("/v1/ops/parked/replay", opReq(http.MethodPost, "/v1/ops/parked/replay", `{"all":true}`), http.StatusBadRequest)
	check("/v1/ops/parked/replay", opReq(http.MethodPost, "/v1/ops/parked/replay", `{"refs":["`+ref+`"],"topic":"x","dry_run":true}`), http.StatusBadRequest)
}

func opReq(method, path, body string) request {
	return request{method: method, path: path, body: body, user: "op", roles: []string{"operator"}}
}

// parkOne publishes a parked copy of an event consumed from topic, as the audit consumer parks one.
func parkOne(t *testing.T, pub message.Publisher, topic, id, payload, reason, omitted string) {
	t.Helper()
	m := message.NewMessage(id, []byte(payload))
	m.Metadata = message.Metadata{
		"ce_id": id, "ce_type": "taskstream.task.created", "ce_partitionkey": "alice",
		"reason_poisoned": reason, "topic_poisoned": topic,
		"handler_poisoned": "audit", "subscriber_poisoned": "audit-service",
	}
	if omitted != "" {
		m.Metadata["poison_payload_omitted"] = omitted
	}
	if err := pub.Publish(testPoison, m); err != nil {
		t.Fatal(err)
	}
}

// expectMessage waits for the replay of event id; from, when set, is its replayed_from header.
func expectMessage(t *testing.T, msgs <-chan *message.Message, id, from string) {
	t.Helper()
	select {
	case m := <-msgs:
		m.Ack()
		if m.UUID != id || m.Metadata.Get("reason_poisoned") != "" || (from != "" && m.Metadata.Get(poison.ReplayedFromKey) != from) {
			t.Errorf("replayed %s %v, want %s from %q", m.UUID, m.Metadata, id, from)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%s not replayed within 10s", id)
	}
}

func expectNoMessage(t *testing.T, msgs <-chan *message.Message) {
	t.Helper()
	select {
	case m := <-msgs:
		m.Ack()
		t.Errorf("published %s, want nothing", m.UUID)
	case <-time.After(500 * time.Millisecond):
	}
}

func decodeBody[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("body: %v: %s", err, body)
	}
	return v
}
