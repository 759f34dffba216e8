package messaging_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/taskstream/taskstream/adapters/memory"
	"github.com/taskstream/taskstream/adapters/metrics"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/ports/messaging"
)

// stagePipeline is a pipeline of handler name around h on the process's real Prometheus
// metrics, with fast retries; it returns the registry to scrape.
func stagePipeline(t *testing.T, name string, h messaging.BatchHandler, poison *poisonBox, maxRetries int) (*messaging.Pipeline, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := metrics.NewPrometheus(reg)
	if err != nil {
		t.Fatal(err)
	}
	p, err := messaging.NewPipeline(name, "topic", h, messaging.Policy{
		Group: "group", Poison: poison, PoisonTopic: "poison", MaxRetries: maxRetries,
		InitialBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, Grace: time.Second,
		TooLarge: func(err error) bool { return errors.Is(err, errTooLarge) },
		Logger:   slog.New(slog.DiscardHandler), Metrics: m,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p, reg
}

// sample is what a scrape shows of one series: a counter's value, or a histogram's count and sum.
type sample struct {
	value, count, sum float64
}

// scrape gathers reg into `name{label=value,...}` → sample, labels in name order.
func scrape(t *testing.T, reg *prometheus.Registry) map[string]sample {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]sample{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			key := f.GetName() + "{" + strings.Join(labels, ",") + "}"
			out[key] = sample{
				value: m.GetCounter().GetValue(),
				count: float64(m.GetHistogram().GetSampleCount()), sum: m.GetHistogram().GetSampleSum(),
			}
		}
	}
	return out
}

// timedMessages are n messages whose event time (ce_time) was age ago.
func timedMessages(n int, age time.Duration) []*message.Message {
	msgs := someMessages(n)
	for _, m := range msgs {
		m.Metadata.Set(envelope.KeyTime, time.Now().Add(-age).UTC().Format(time.RFC3339Nano))
	}
	return msgs
}

// Each message's consume latency is recorded once, from its ce_time to the start of its
// handling, even when the batch is tried twice; the effect latency only for the messages whose
// handling succeeded, under the handler's effect; the rejected one counts as parked for being
// invalid.
func TestStageLatenciesAreRecordedFromTheEventTime(t *testing.T) {
	t.Parallel()
	tries := 0
	p, reg := stagePipeline(t, messaging.TaskAuditHandlerName, func(_ context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
		if tries++; tries == 1 {
			return nil, shared.Unavailable("database down", nil)
		}
		return []messaging.Rejected{{Message: msgs[2], Reason: shared.Invalid("task_id", "is missing")}}, nil
	}, &poisonBox{}, 3)
	if err := process(t, t.Context(), p, timedMessages(3, 2*time.Second)); err != nil {
		t.Fatal(err)
	}
	got := scrape(t, reg)
	consumed := got["taskstream_message_consume_latency_seconds{handler=task-audit}"]
	if consumed.count != 3 || consumed.sum < 6 || consumed.sum > 9 {
		t.Errorf("consume latency: %d observations summing %.2fs, want 3 of about 2s", int(consumed.count), consumed.sum)
	}
	stored := got["taskstream_event_effect_latency_seconds{effect=stored}"]
	if stored.count != 2 || stored.sum < 4 || stored.sum > 6 {
		t.Errorf("effect latency: %d observations summing %.2fs, want the 2 handled messages at about 2s", int(stored.count), stored.sum)
	}
	if r := got["taskstream_message_retries_total{handler=task-audit}"].value; r != 1 {
		t.Errorf("retries = %v, want 1", r)
	}
	if n := got["taskstream_messages_parked_total{handler=task-audit,reason_class=invalid}"].value; n != 1 {
		t.Errorf("parked as invalid = %v, want 1; scrape: %v", n, got)
	}
}

// A message that fails on its own after the retries is parked as retries_exhausted, one its
// handler panics on as panic, and one the poison topic takes only trimmed as too_large.
func TestParkedMessagesAreCountedByReasonClass(t *testing.T) {
	t.Parallel()
	poison := &poisonBox{maxSize: 256}
	p, reg := stagePipeline(t, messaging.TodoIngestHandlerName, func(_ context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
		for _, m := range msgs {
			switch m.UUID {
			case "b":
				return nil, errors.New("constraint violated")
			case "c":
				panic("nil map")
			}
		}
		return []messaging.Rejected{}, nil
	}, poison, 2)
	msgs := timedMessages(5, time.Second)
	if err := process(t, t.Context(), p, msgs[:4]); err != nil {
		t.Fatal(err)
	}
	big := msgs[4]
	big.Payload = make([]byte, 300)
	p2, reg2 := stagePipeline(t, messaging.TodoIngestHandlerName, func(_ context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
		return []messaging.Rejected{{Message: msgs[0], Reason: shared.Invalid("title", "is empty")}}, nil
	}, poison, 2)
	if err := process(t, t.Context(), p2, []*message.Message{big}); err != nil {
		t.Fatal(err)
	}
	got, got2 := scrape(t, reg), scrape(t, reg2)
	for key, want := range map[string]float64{
		"taskstream_messages_parked_total{handler=todo-ingest,reason_class=retries_exhausted}": 1,
		"taskstream_messages_parked_total{handler=todo-ingest,reason_class=panic}":             1,
	} {
		if got[key].value != want {
			t.Errorf("%s = %v, want %v", key, got[key].value, want)
		}
	}
	if n := got2["taskstream_messages_parked_total{handler=todo-ingest,reason_class=too_large}"].value; n != 1 {
		t.Errorf("a message parked trimmed: too_large = %v, want 1; scrape: %v", n, got2)
	}
	if n := got2["taskstream_messages_parked_total{handler=todo-ingest,reason_class=invalid}"].value; n != 0 {
		t.Errorf("a message parked trimmed also counted as invalid: %v", n)
	}
	// The culprits were retried (2 retries each, and the batches they were in before the split).
	if r := got["taskstream_message_retries_total{handler=todo-ingest}"].value; r < 4 {
		t.Errorf("retries = %v, want at least the culprits' 2 each", r)
	}
	if s := got["taskstream_event_effect_latency_seconds{effect=stored}"].count; s != 2 {
		t.Errorf("effect observed for %v messages, want the 2 applied (a, d)", s)
	}
}

// A message of a newer major schema version than the consumer reads is parked as
// newer_version (upgrade, then replay), with the same reason text as before; bad data stays
// invalid.
func TestANewerSchemaVersionIsParkedAsSuch(t *testing.T) {
	t.Parallel()
	audit := messaging.NewTaskAudit(command.NewRecordTaskEventHandler(memory.NewAuditLog()))
	poison := &poisonBox{}
	p, reg := stagePipeline(t, messaging.TaskAuditHandlerName, func(_ context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
		var rejected []messaging.Rejected
		for _, m := range msgs {
			if err := audit.Handle(m); err != nil {
				if shared.KindOf(err) != shared.KindInvalid {
					return nil, err
				}
				rejected = append(rejected, messaging.Rejected{Message: m, Reason: err})
			}
		}
		return rejected, nil
	}, poison, 0)
	newer, bad := taskEvent(t), taskEvent(t)
	newer.Metadata.Set(envelope.KeySchemaVersion, "2.0")
	bad.Payload = []byte(`{"action":`)
	if err := process(t, t.Context(), p, []*message.Message{newer, bad}); err != nil {
		t.Fatal(err)
	}
	got := scrape(t, reg)
	for class, want := range map[string]float64{"newer_version": 1, "invalid": 1} {
		key := "taskstream_messages_parked_total{handler=task-audit,reason_class=" + class + "}"
		if got[key].value != want {
			t.Errorf("%s = %v, want %v", key, got[key].value, want)
		}
	}
	_, parked := poison.parked()
	if len(parked) != 2 || !strings.HasPrefix(parked[0].Metadata.Get("reason_poisoned"), `message: ce_schemaversion "2.0" is a newer major version`) {
		t.Errorf("parked %d, reason %q", len(parked), parked[0].Metadata.Get("reason_poisoned"))
	}
}
