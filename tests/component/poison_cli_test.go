package component_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
)

// parkedLine is the part of a `poison list --json` line the test checks.
type parkedLine struct {
	Ref            string `json:"ref"`
	EventID        string `json:"event_id"`
	Topic          string `json:"topic"`
	Handler        string `json:"handler"`
	Group          string `json:"group"`
	Reason         string `json:"reason"`
	ParkedAt       string `json:"parked_at"`
	PayloadOmitted bool   `json:"payload_omitted"`
}

// The operator's view of parked messages on Kafka: the worker parks two malformed to-dos,
// `poison list` shows them, `poison replay --ref` puts one back on todo-create with its payload
// and without the poison headers, and a dry run of --all publishes nothing.
func TestPoisonListAndReplayThroughTheBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("component test: needs PostgreSQL and Kafka (make services)")
	}
	t.Parallel()
	st := newStack(t)
	st.env["MIGRATE_ON_START"] = "true"
	bad := []*sarama.ProducerMessage{
		rawEvent(st.todoTopic, "taskstream.todo.create_requested", `{"id":`),
		rawEvent(st.todoTopic, "taskstream.task.created", `{}`),
	}
	produce(t, bad)
	worker, base := st.start(t, "worker")
	worker.WaitReady(t, base)
	var parked []parkedLine
	eventually(t, 30*time.Second, func() error {
		var err error
		parked, err = listParked(st.env)
		if err == nil && len(parked) != len(bad) {
			err = fmt.Errorf("poison list --json: %d lines, want %d", len(parked), len(bad))
		}
		return err
	})
	worker.Stop(t, stopTimeout) // nothing consumes the replayed message: the test reads it

	text := runCLI(t, st.env, 0, "poison", "list")
	mustContain(t, text, "REF")
	mustContain(t, text, "2 parked messages in "+st.poisonTopic)
	// The poison topic has several partitions and the records no key: the order is not known.
	ids := map[string]bool{"poison-taskstream.todo.create_requested": true, "poison-taskstream.task.created": true}
	for i, p := range parked {
		if !ids[p.EventID] || p.Topic != st.todoTopic ||
			p.Handler != "todo-ingest" || p.Group != st.env["KAFKA_CONSUMER_GROUP_TODO"] || p.Reason == "" ||
			p.ParkedAt == "" || p.PayloadOmitted {
			t.Errorf("parked %d: %+v", i, p)
		}
	}

	out := runCLI(t, st.env, 0, "poison", "replay", "--ref", parked[0].Ref)
	mustContain(t, out, "replayed "+parked[0].Ref)
	var replayed []*sarama.ConsumerMessage
	for _, r := range consumeAll(t, st.todoTopic, len(bad)+1) {
		if header(r, "replayed_from") != "" {
			replayed = append(replayed, r)
		}
	}
	original := map[string]string{}
	for _, m := range bad {
		original["poison-"+string(m.Headers[0].Value)] = string(mustEncode(m.Value))
	}
	if len(replayed) != 1 {
		t.Fatalf("%d replayed records on %s, want 1", len(replayed), st.todoTopic)
	}
	if r := replayed[0]; header(r, "replayed_from") != st.poisonTopic+" "+parked[0].Ref || header(r, "reason_poisoned") != "" ||
		header(r, "_watermill_message_uuid") != parked[0].EventID || string(r.Value) != original[parked[0].EventID] {
		t.Errorf("replayed record: %q with headers %v", r.Value, r.Headers)
	}

	out = runCLI(t, st.env, 0, "poison", "replay", "--all", "--dry-run")
	mustContain(t, out, "would replay 2 of 2 selected parked messages")
	runCLI(t, st.env, 1, "poison", "replay", "--ref", "99/99")
}

func listParked(env map[string]string) ([]parkedLine, error) {
	out, stderr, err := execCLI(env, "poison", "list", "--json")
	if err != nil {
		return nil, fmt.Errorf("poison list --json: %w: %s", err, stderr)
	}
	var lines []parkedLine
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var p parkedLine
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return nil, fmt.Errorf("%q: %w", sc.Text(), err)
		}
		lines = append(lines, p)
	}
	return lines, nil
}

// runCLI runs the binary (execCLI), expects exit code want and returns its standard output.
func runCLI(t *testing.T, env map[string]string, want int, args ...string) string {
	t.Helper()
	out, stderr, err := execCLI(env, args...)
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("taskstream %v: %v", args, err)
	}
	if code != want {
		t.Fatalf("taskstream %v exited %d, want %d; stdout:\n%s\nstderr:\n%s", args, code, want, out, stderr)
	}
	return out
}

// execCLI runs the binary with exactly env (plus PATH and HOME) to its end and returns its
// standard output and error.
func execCLI(env map[string]string, args ...string) (stdout, stderr string, err error) {
	cmd := exec.Command(binary, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "LOG_FORMAT=text"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var errOut strings.Builder
	cmd.Stderr = &errOut
	out, err := cmd.Output()
	return string(out), errOut.String(), err
}
