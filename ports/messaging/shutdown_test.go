package messaging_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/ports/messaging"
)

// A consumer told to stop while its handler is in a database call lets the call run for the
// close timeout, and then does not park the message it cut short: it is delivered again.
func TestStoppingConsumerFinishesOrReleasesTheMessageInHand(t *testing.T) {
	t.Parallel()
	ch := gochannel.NewGoChannel(gochannel.Config{}, watermill.NopLogger{})
	t.Cleanup(func() { _ = ch.Close() })
	parked, err := ch.Subscribe(context.Background(), "poison")
	if err != nil {
		t.Fatal(err)
	}
	sub := gochannel.NewGoChannel(gochannel.Config{Persistent: true}, watermill.NopLogger{})
	ctx, cancel := context.WithCancel(context.Background())
	inHandler := make(chan struct{}, 1)
	cutAfter := make(chan time.Duration, 1)
	done := make(chan error, 1)
	const grace = 300 * time.Millisecond
	go func() {
		done <- messaging.Run(ctx, messaging.Consumer{Name: "task-audit", Topic: "in", Subscriber: sub,
			Handle: func(m *message.Message) error {
				inHandler <- struct{}{}
				start := time.Now()
				<-m.Context().Done() // a database call that outlasts the grace
				cutAfter <- time.Since(start)
				return shared.Unavailable("the database cannot take the request now", m.Context().Err())
			}},
			messaging.Policy{Poison: ch, PoisonTopic: "poison", Group: "audit-service", MaxRetries: 5,
				InitialBackoff: 100 * time.Millisecond, MaxBackoff: time.Second, Grace: grace,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: &metricsSpy{}})
	}()
	if err := sub.Publish("in", message.NewMessage("valid-event", []byte("{}"))); err != nil {
		t.Fatal(err)
	}
	<-inHandler
	cancel() // SIGTERM
	if d := <-cutAfter; d < grace-50*time.Millisecond {
		t.Errorf("the handler's context was cancelled %s after the stop, want the grace of %s", d, grace)
	}
	select {
	case m := <-parked:
		t.Errorf("valid message %s parked on shutdown, reason %q", m.UUID, m.Metadata.Get(envelope.KeyPoisonReason))
	case <-time.After(time.Second):
	}
	if err := <-done; err != nil {
		t.Errorf("consumer stopped with %v", err)
	}
}
