package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/poison"
	"github.com/taskstream/taskstream/application/query"
)

// env is a lookup of exactly these variables.
func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

func TestPoisonRefusesBadArguments(t *testing.T) {
	t.Parallel()
	cases := map[string][]string{
		"no subcommand":        nil,
		"unknown subcommand":   {"purge"},
		"unknown flag":         {"list", "--colour"},
		"negative limit":       {"list", "--limit", "-1"},
		"stray argument":       {"list", "0/1"},
		"nothing selected":     {"replay"},
		"refs and all":         {"replay", "--ref", "0/1", "--all"},
		"gochannel keeps none": {"list"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			if err := poisonCommand(t.Context(), args, env(nil), &out); err == nil {
				t.Errorf("poison %v: nil error", args)
			}
		})
	}
	var out bytes.Buffer
	err := poisonCommand(t.Context(), []string{"replay", "--all"}, env(nil), &out)
	if !errors.Is(err, poison.ErrNothingKept) {
		t.Errorf("replay on the embedded GoChannel: %v, want ErrNothingKept", err)
	}
}

func TestPoisonHelpSaysReplayingIsHarmless(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := poisonCommand(t.Context(), []string{"help"}, env(nil), &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"--ref", "--all", "--dry-run", "--limit", "--json", "harmless", "payload"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help does not mention %q", want)
		}
	}
}

func TestRefListTakesRepeatsAndCommas(t *testing.T) {
	t.Parallel()
	var refs refList
	for _, v := range []string{"0/1", " 2/3, 4/5 ,", "7"} {
		_ = refs.Set(v)
	}
	if got := refs.String(); got != "0/1,2/3,4/5,7" {
		t.Errorf("refs = %q", got)
	}
}

func sampleParked() []query.ParkedMessage {
	ok := message.NewMessage("wm-1", []byte(`{"id":"t1"}`))
	ok.Metadata = message.Metadata{
		"ce_id": "evt-1", "ce_type": "taskstream.task.created", "topic_poisoned": "task-events",
		"handler_poisoned": "audit", "subscriber_poisoned": "audit-service", "reason_poisoned": "bad\nsnapshot\tfield",
	}
	big := message.NewMessage("wm-2", nil)
	big.Metadata = message.Metadata{
		"topic_poisoned": "todo-create", "reason_poisoned": "not a to-do", "poison_payload_omitted": "2000000 bytes could not be parked",
	}
	at := time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)
	port := poison.NewPort(mustParking(fixedReader{{Ref: "0/7", ParkedAt: at, Message: ok}, {Ref: "1/2", Message: big}}))
	var parked []query.ParkedMessage
	_ = port.ReadParked(context.Background(), func(m query.ParkedMessage) bool { parked = append(parked, m); return true })
	return parked
}

func TestParkedTableIsAlignedOnOneLineEach(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := writeParkedTable(&out, sampleParked(), "taskstream.poison", 0); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want a header, 2 rows and a summary:\n%s", len(lines), out.String())
	}
	cells := func(line string) []string { return regexp.MustCompile(`\s{2,}`).Split(line, -1) }
	for i, want := range [][]string{
		{"0/7", "2026-11-28T09:30:00Z", "evt-1", "taskstream.task.created", "task-events", "audit", "audit-service", "11 B", "bad snapshot field"},
		{"1/2", "-", "wm-2", "-", "todo-create", "-", "-", "omitted", "not a to-do"},
	} {
		if got := cells(lines[i+1]); !slices.Equal(got, want) {
			t.Errorf("row %d: %q, want %q", i, got, want)
		}
	}
	reasonAt := strings.Index(lines[0], "REASON")
	if !strings.HasPrefix(lines[1][reasonAt:], "bad") || !strings.HasPrefix(lines[2][reasonAt:], "not") {
		t.Errorf("reasons not aligned under REASON:\n%s", out.String())
	}
	if lines[3] != "2 parked messages in taskstream.poison" {
		t.Errorf("summary %q", lines[3])
	}

	out.Reset()
	if err := writeParkedTable(&out, nil, "taskstream.poison", 0); err != nil || out.String() != "no parked messages in taskstream.poison\n" {
		t.Errorf("empty list: %q (error %v)", out.String(), err)
	}
}

func TestParkedJSONLines(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := writeParkedJSON(&out, sampleParked()); err != nil {
		t.Fatal(err)
	}
	var got []parkedJSON
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var line parkedJSON
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		got = append(got, line)
	}
	if len(got) != 2 {
		t.Fatalf("%d lines, want 2", len(got))
	}
	first, second := got[0], got[1]
	if first.Ref != "0/7" || first.EventID != "evt-1" || first.Type != "taskstream.task.created" || first.Topic != "task-events" ||
		first.Handler != "audit" || first.Group != "audit-service" || first.Reason != "bad\nsnapshot\tfield" ||
		first.PayloadOmitted || first.PayloadBytes != 11 || first.ParkedAt == nil || !first.ParkedAt.Equal(time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("first line: %+v", first)
	}
	if second.EventID != "wm-2" || !second.PayloadOmitted || second.OmittedWhy == "" || second.ParkedAt != nil {
		t.Errorf("second line: %+v", second)
	}
}

// fixedReader is a poison topic holding these messages.
type fixedReader []poison.Parked

func (r fixedReader) ReadParked(_ context.Context, fn func(poison.Parked) bool) error {
	for _, m := range r {
		if !fn(m) {
			break
		}
	}
	return nil
}

// nopPublisher publishes nothing: the table and JSON tests replay nothing.
type nopPublisher struct{}

func (nopPublisher) Publish(string, ...*message.Message) error { return nil }
func (nopPublisher) Close() error                              { return nil }

func mustParking(r poison.Reader) *poison.Parking {
	p, err := poison.NewParking(r, nopPublisher{}, "taskstream.poison")
	if err != nil {
		panic(err)
	}
	return p
}
