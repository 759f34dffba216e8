package messaging_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/ports/messaging"
)

// errDown is a dependency that is down: transient.
var errDown = shared.Unavailable("database down", errors.New("connection refused"))

// process runs p.Process and fails the test if it does not return in time.
func process(t *testing.T, ctx context.Context, p *messaging.Pipeline, msgs []*message.Message) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- p.Process(ctx, msgs) }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("Process did not return within 10s")
		return nil
	}
}

func TestNewPipelineTakesTheDefaultsAndRefusesWhatIsMissing(t *testing.T) {
	t.Parallel()
	h := func(context.Context, []*message.Message) ([]messaging.Rejected, error) { return nil, nil }
	complete := messaging.Policy{Poison: &poisonBox{}, PoisonTopic: "poison", Logger: slog.New(slog.DiscardHandler), Metrics: &metricsSpy{}}
	if _, err := messaging.NewPipeline("ingest", "todo-create", h, complete); err != nil {
		t.Fatalf("NewPipeline with the defaults: %v", err)
	}
	for name, breakIt := range map[string]func(*messaging.Policy){
		"poison":           func(p *messaging.Policy) { p.Poison = nil },
		"poison topic":     func(p *messaging.Policy) { p.PoisonTopic = "" },
		"logger":           func(p *messaging.Policy) { p.Logger = nil },
		"metrics":          func(p *messaging.Policy) { p.Metrics = nil },
		"negative retries": func(p *messaging.Policy) { p.MaxRetries = -1 },
	} {
		broken := complete
		breakIt(&broken)
		if _, err := messaging.NewPipeline("ingest", "todo-create", h, broken); err == nil {
			t.Errorf("NewPipeline without %s: nil error", name)
		}
	}
	if _, err := messaging.NewPipeline("", "todo-create", h, complete); err == nil {
		t.Error("NewPipeline without a name: nil error")
	}
	if _, err := messaging.NewPipeline("ingest", "todo-create", nil, complete); err == nil {
		t.Error("NewPipeline without a handler: nil error")
	}
}

func TestProcessRetriesWithBackoffUntilTheHandlerSucceeds(t *testing.T) {
	t.Parallel()
	calls := 0
	p, metrics, logs := newPipeline(t, func(context.Context, []*message.Message) ([]messaging.Rejected, error) {
		calls++
		if calls <= 4 {
			return nil, errDown
		}
		return nil, nil
	}, &poisonBox{})

	if err := process(t, t.Context(), p, someMessages(3)); err != nil {
		t.Fatalf("Process: %v", err)
	}
	if calls != 5 {
		t.Errorf("handler called %d times, want 5", calls)
	}
	// 5ms doubles up to MaxBackoff 20ms.
	if want := []time.Duration{5, 10, 20, 20}; !slices.Equal(logs.retryIn, scale(want, time.Millisecond)) {
		t.Errorf("retried after %v, want %v ms", logs.retryIn, want)
	}
	if len(metrics.obs) != 5 {
		t.Fatalf("%d batches observed, want 5", len(metrics.obs))
	}
	for i, o := range metrics.obs {
		if o.handler != "ingest" || o.size != 3 || (i < 4) != (o.err != nil) {
			t.Errorf("observation %d = %+v", i, o)
		}
	}
}

func scale(ds []time.Duration, unit time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d * unit
	}
	return out
}

func TestProcessReturnsWhenCancelledAndParksNothing(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	poison := &poisonBox{}
	p, _, _ := newPipeline(t, func(_ context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
		cancel() // shutdown comes while the batch fails
		return []messaging.Rejected{{Message: msgs[0], Reason: errors.New("bad")}}, errDown
	}, poison, func(p *messaging.Policy) { p.InitialBackoff = time.Hour }) // only the cancel can end the wait

	err := process(t, ctx, p, someMessages(2))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Process = %v, want context.Canceled", err)
	}
	if calls, _ := poison.parked(); calls != 0 {
		t.Errorf("%d messages parked for a batch that failed", calls)
	}
}

func TestProcessParksRejectedMessagesWithPoisonHeaders(t *testing.T) {
	t.Parallel()
	poison := &poisonBox{}
	msgs := someMessages(3)
	p, metrics, _ := newPipeline(t, func(_ context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
		return []messaging.Rejected{{Message: msgs[1], Reason: errors.New("title is empty")}}, nil
	}, poison)

	if err := process(t, t.Context(), p, msgs); err != nil {
		t.Fatalf("Process: %v", err)
	}
	_, parked := poison.parked()
	if len(parked) != 1 || parked[0].UUID != msgs[1].UUID || string(parked[0].Payload) != string(msgs[1].Payload) {
		t.Fatalf("parked %v, want a copy of message %s", parked, msgs[1].UUID)
	}
	want := map[string]string{
		middleware.ReasonForPoisonedKey:  "title is empty",
		middleware.PoisonedTopicKey:      "todo-create",
		middleware.PoisonedHandlerKey:    "ingest",
		middleware.PoisonedSubscriberKey: "todo",
		"ce_type":                        "test",
	}
	for k, v := range want {
		if got := parked[0].Metadata.Get(k); got != v {
			t.Errorf("parked %s = %q, want %q", k, got, v)
		}
	}
	if poison.topics[0] != "poison" {
		t.Errorf("parked in %q, want the poison topic", poison.topics[0])
	}
	if got := msgs[1].Metadata.Get(middleware.ReasonForPoisonedKey); got != "" {
		t.Errorf("the original message got reason %q: parking must work on a copy", got)
	}
	if o := metrics.obs[0]; o.rejected != 1 || o.size != 3 || metrics.parkedCount() != 1 {
		t.Errorf("observed %+v and %d parked, want size 3 with 1 rejected, and 1 parked", o, metrics.parkedCount())
	}
}

func TestProcessRetriesParkingUntilThePoisonTopicTakesIt(t *testing.T) {
	t.Parallel()
	poison := &poisonBox{failures: 2}
	handled := 0
	p, _, _ := newPipeline(t, func(_ context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
		handled++
		return []messaging.Rejected{{Message: msgs[0], Reason: errors.New("bad")}}, nil
	}, poison)

	if err := process(t, t.Context(), p, someMessages(1)); err != nil {
		t.Fatalf("Process: %v", err)
	}
	calls, parked := poison.parked()
	if calls != 3 || len(parked) != 1 {
		t.Errorf("%d publish calls parked %d messages, want 3 calls parking 1", calls, len(parked))
	}
	if handled != 1 {
		t.Errorf("handler ran %d times: a parking failure must not run the batch again", handled)
	}
}

// A rejected message too large for the poison topic is parked without its payload instead of
// stopping its partition for good; the others are parked whole, in order.
func TestProcessParksATooLargeMessageWithoutItsPayload(t *testing.T) {
	t.Parallel()
	poison := &poisonBox{maxSize: 256}
	msgs := someMessages(3)
	msgs[1].Payload = make([]byte, 300)
	p, _, _ := newPipeline(t, func(_ context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
		return []messaging.Rejected{{Message: msgs[0], Reason: errors.New("bad")}, {Message: msgs[1], Reason: errors.New("huge")},
			{Message: msgs[2], Reason: errors.New("bad")}}, nil
	}, poison, func(p *messaging.Policy) { p.TooLarge = func(err error) bool { return errors.Is(err, errTooLarge) } })

	if err := process(t, t.Context(), p, msgs); err != nil {
		t.Fatalf("Process: %v", err)
	}
	_, parked := poison.parked()
	if len(parked) != 3 || parked[0].UUID != "a" || parked[1].UUID != "b" || parked[2].UUID != "c" {
		t.Fatalf("parked %v, want a, b, c in order", parked)
	}
	stub := parked[1]
	if len(stub.Payload) != 0 || !strings.Contains(stub.Metadata.Get(envelope.KeyPayloadOmitted), "300 bytes") ||
		stub.Metadata.Get(middleware.ReasonForPoisonedKey) != "huge" {
		t.Errorf("the too-large message was parked as %d bytes with %v", len(stub.Payload), stub.Metadata)
	}
	if string(parked[0].Payload) != "{}" || parked[0].Metadata.Get(envelope.KeyPayloadOmitted) != "" {
		t.Errorf("a message that fits lost its payload: %v", parked[0])
	}
}

// A message whose metadata alone is too large loses its long metadata values too; the poison
// headers stay.
func TestProcessTrimsLongMetadataWhenThePayloadWasNotEnough(t *testing.T) {
	t.Parallel()
	poison := &poisonBox{maxSize: 2048}
	msgs := someMessages(1)
	msgs[0].Payload = make([]byte, 3000)
	msgs[0].Metadata.Set("huge", strings.Repeat("h", 3000))
	p, _, _ := newPipeline(t, func(_ context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
		return []messaging.Rejected{{Message: msgs[0], Reason: errors.New("bad")}}, nil
	}, poison, func(p *messaging.Policy) { p.TooLarge = func(err error) bool { return errors.Is(err, errTooLarge) } })

	if err := process(t, t.Context(), p, msgs); err != nil {
		t.Fatalf("Process: %v", err)
	}
	_, parked := poison.parked()
	if len(parked) != 1 {
		t.Fatalf("parked %d messages, want 1", len(parked))
	}
	m := parked[0]
	if len(m.Payload) != 0 || m.Metadata.Get("huge") != "(3000 bytes omitted)" ||
		m.Metadata.Get(middleware.ReasonForPoisonedKey) != "bad" || m.Metadata.Get("ce_type") != "test" {
		t.Errorf("parked %d bytes with %v", len(m.Payload), m.Metadata)
	}
}

func TestProcessGivesUpParkingWhenCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	p, _, _ := newPipeline(t, func(_ context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
		return []messaging.Rejected{{Message: msgs[0], Reason: errors.New("bad")}}, nil
	}, &poisonBox{failures: 1 << 30}, func(p *messaging.Policy) { p.Grace = 50 * time.Millisecond }) // parking may outlive ctx by this much, no more

	if err := process(t, ctx, p, someMessages(1)); !errors.Is(err, context.Canceled) {
		t.Errorf("Process = %v, want a cancellation: the batch must not be acknowledged", err)
	}
}

// A consumer stopped while its handler runs lets the batch finish, so it is committed rather
// than replayed after the restart.
func TestProcessFinishesTheBatchInHandWhenStopped(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	var handlerErr error
	p, _, _ := newPipeline(t, func(work context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
		cancel() // shutdown arrives while the batch is being stored
		select {
		case <-work.Done():
			handlerErr = work.Err()
		case <-time.After(100 * time.Millisecond): // the database commit
		}
		return nil, handlerErr
	}, &poisonBox{})

	if err := process(t, ctx, p, someMessages(3)); err != nil || handlerErr != nil {
		t.Errorf("Process = %v, handler's context = %v; want the batch finished", err, handlerErr)
	}
}

func TestProcessWithoutRejectsPublishesNothing(t *testing.T) {
	t.Parallel()
	poison := &poisonBox{}
	p, _, _ := newPipeline(t, func(context.Context, []*message.Message) ([]messaging.Rejected, error) { return nil, nil }, poison, func(p *messaging.Policy) { p.Logger = slog.New(slog.DiscardHandler) })
	if err := process(t, t.Context(), p, someMessages(4)); err != nil {
		t.Fatalf("Process: %v", err)
	}
	if calls, _ := poison.parked(); calls != 0 {
		t.Errorf("%d publish calls, want none", calls)
	}
}

var errBadRow = errors.New("row refused")

// A batch that keeps failing with an error that is not transient is split until the message
// that fails alone is found: it is parked with the error, the others are applied, in order.
func TestProcessSplitsABatchThatKeepsFailingAndParksTheCulprit(t *testing.T) {
	t.Parallel()
	var applied []string
	poison := &poisonBox{}
	p, metrics, _ := newPipeline(t, func(_ context.Context, msgs []*message.Message) ([]messaging.Rejected, error) {
		for _, m := range msgs {
			if m.UUID == "f" {
				return nil, errBadRow
			}
		}
		for _, m := range msgs {
			applied = append(applied, m.UUID)
		}
		return nil, nil
	}, poison, func(p *messaging.Policy) { p.MaxRetries = 1 })
	if err := process(t, t.Context(), p, someMessages(8)); err != nil {
		t.Fatalf("Process: %v", err)
	}
	if want := []string{"a", "b", "c", "d", "e", "g", "h"}; !slices.Equal(applied, want) {
		t.Errorf("applied %v, want %v in order", applied, want)
	}
	if n := metrics.parkedCount(); n != 1 {
		t.Errorf("%d messages counted as parked, want the culprit", n)
	}
	_, parked := poison.parked()
	if len(parked) != 1 || parked[0].UUID != "f" || parked[0].Metadata.Get(middleware.ReasonForPoisonedKey) != errBadRow.Error() {
		t.Fatalf("parked %v", parked)
	}
}

// A transient error is retried without end and never splits the batch.
func TestProcessNeverSplitsOnATransientError(t *testing.T) {
	t.Parallel()
	calls := 0
	p, metrics, _ := newPipeline(t, func(context.Context, []*message.Message) ([]messaging.Rejected, error) {
		calls++
		if calls <= 8 {
			return nil, errDown
		}
		return nil, nil
	}, &poisonBox{}, func(p *messaging.Policy) { p.MaxRetries = 1 })
	if err := process(t, t.Context(), p, someMessages(4)); err != nil {
		t.Fatalf("Process: %v", err)
	}
	for _, o := range metrics.obs {
		if o.size != 4 {
			t.Fatalf("a batch of %d was handled: the batch was split on a transient error", o.size)
		}
	}
}
