package messaging_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/platform/envelope"
	"github.com/taskstream/taskstream/ports/messaging"
)

// runConsumer runs handle on topic "in" of a fresh GoChannel, parking in "poison", and returns
// the channel and the parked messages as they arrive.
func runConsumer(t *testing.T, handle func(*message.Message) error) (*gochannel.GoChannel, <-chan *message.Message) {
	t.Helper()
	ch := gochannel.NewGoChannel(gochannel.Config{}, watermill.NopLogger{})
	t.Cleanup(func() { _ = ch.Close() })
	parked, err := ch.Subscribe(context.Background(), "poison")
	if err != nil {
		t.Fatal(err)
	}
	// The consumer's own channel, closed by Run; persistent, so that a message published before
	// Run subscribed is still delivered.
	sub := gochannel.NewGoChannel(gochannel.Config{Persistent: true}, watermill.NopLogger{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- messaging.Run(ctx, messaging.Consumer{Name: "test-handler", Topic: "in", Subscriber: sub, Handle: handle},
			messaging.Policy{
				Poison: ch, PoisonTopic: "poison", Group: "test-group", MaxRetries: 2,
				InitialBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Grace: time.Second,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: &metricsSpy{},
			})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("consumer stopped with %v", err)
		}
	})
	return sub, parked
}

func publish(t *testing.T, ch *gochannel.GoChannel, uuid string) {
	t.Helper()
	if err := ch.Publish("in", message.NewMessage(uuid, []byte("{}"))); err != nil {
		t.Fatal(err)
	}
}

func awaitParked(t *testing.T, parked <-chan *message.Message) *message.Message {
	t.Helper()
	select {
	case m := <-parked:
		m.Ack()
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("nothing was parked")
		return nil
	}
}

func TestConsumerRetriesThenParksWithTheReason(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	in, parked := runConsumer(t, func(*message.Message) error {
		calls.Add(1)
		return errors.New("boom")
	})
	publish(t, in, "m1")
	m := awaitParked(t, parked)
	if m.UUID != "m1" || m.Metadata.Get(envelope.KeyPoisonReason) != "boom" ||
		m.Metadata.Get(envelope.KeyPoisonHandler) != "test-handler" || m.Metadata.Get(envelope.KeyPoisonTopic) != "in" ||
		m.Metadata.Get(envelope.KeyPoisonGroup) != "test-group" {
		t.Errorf("parked %s with %v", m.UUID, m.Metadata)
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("handler ran %d times, want 1 + 2 retries", n)
	}
}

func TestConsumerParksAnInvalidMessageWithoutRetrying(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	in, parked := runConsumer(t, func(*message.Message) error {
		calls.Add(1)
		return shared.Invalid("message", "not JSON")
	})
	publish(t, in, "bad")
	awaitParked(t, parked)
	if n := calls.Load(); n != 1 {
		t.Errorf("handler ran %d times for a message that can never be applied, want 1", n)
	}
}

func TestConsumerParksAPanic(t *testing.T) {
	t.Parallel()
	in, parked := runConsumer(t, func(*message.Message) error { panic("bug") })
	publish(t, in, "p")
	if m := awaitParked(t, parked); m.UUID != "p" {
		t.Errorf("parked %s", m.UUID)
	}
}

func TestConsumerDoesNotParkWhileADependencyIsDown(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	applied := make(chan string, 1)
	in, parked := runConsumer(t, func(m *message.Message) error {
		if calls.Add(1) <= 6 { // more failures than the retries: a transient one does not count
			return shared.Unavailable("database down", errors.New("connection refused"))
		}
		applied <- m.UUID
		return nil
	})
	publish(t, in, "later")
	select {
	case id := <-applied:
		if id != "later" {
			t.Errorf("applied %s", id)
		}
	case m := <-parked:
		t.Fatalf("parked %s while its dependency was down: %v", m.UUID, m.Metadata)
	case <-time.After(10 * time.Second):
		t.Fatal("the message was not applied once the dependency came back")
	}
}
