package broker_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/adapters/poison"
	"github.com/taskstream/taskstream/tests/brokertest"
)

// goChannelPoison is the poison topic of the GoChannel brokers of these tests.
const goChannelPoison = "taskstream.poison"

// TestGoChannelContract runs the broker contract on GoChannel, the embedded broker: a unit
// test, it needs no service.
func TestGoChannelContract(t *testing.T) {
	t.Parallel()
	brokertest.Run(t, func(t *testing.T) broker.Broker { return newGoChannel(t) }, goChannelPoison, brokertest.Features{})
}

func newGoChannel(t *testing.T) *broker.GoChannel {
	t.Helper()
	b := broker.NewGoChannel(brokertest.Logger(t))
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func TestGoChannelIsAlwaysReadyAndKeepsNothing(t *testing.T) {
	t.Parallel()
	b := newGoChannel(t)
	if b.Name() != "gochannel" {
		t.Errorf("Name() = %q, want gochannel", b.Name())
	}
	if err := b.Check(t.Context()); err != nil {
		t.Errorf("Check() = %v, want nil", err)
	}
	err := b.ReadParked(t.Context(), func(poison.Parked) bool { return true })
	if !errors.Is(err, poison.ErrNothingKept) {
		t.Errorf("ReadParked on GoChannel: %v, want ErrNothingKept", err)
	}
}

func TestOneAtATimeRefusesAnotherTopic(t *testing.T) {
	t.Parallel()
	sub, err := newGoChannel(t).BatchSubscriber("a", "g", broker.BatchOptions{})
	if err != nil {
		t.Fatalf("BatchSubscriber: %v", err)
	}
	err = sub.Run(t.Context(), "b", func(context.Context, []*message.Message) error { return nil })
	if err == nil {
		t.Error("Run on another topic than the subscribed one: nil error")
	}
}

// A stopped worker on GoChannel first handles what was already published (accepted to-dos
// that GoChannel would otherwise drop), then returns.
func TestOneAtATimeDrainsWhenStopped(t *testing.T) {
	t.Parallel()
	b := newGoChannel(t)
	const n = 50
	ctx, stop := context.WithCancel(t.Context())
	sub, err := b.BatchSubscriber("drain", "drain", broker.BatchOptions{Drain: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	handled := make(chan string, n)
	done := make(chan error, 1)
	go func() {
		done <- sub.Run(ctx, "drain", func(_ context.Context, msgs []*message.Message) error {
			time.Sleep(2 * time.Millisecond) // slower than publishing: messages queue up
			for _, m := range msgs {
				handled <- m.UUID
			}
			return nil
		})
	}()
	for i := range n {
		if err := b.Publisher().Publish("drain", message.NewMessage(uuid.NewString(), []byte{byte(i)})); err != nil {
			t.Fatal(err)
		}
	}
	stop() // as at shutdown: the API has stopped publishing, the worker is told to stop
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after the stop")
	}
	if got := len(handled); got != n {
		t.Errorf("handled %d of %d published messages before returning", got, n)
	}
}
