package broker_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
	"github.com/google/uuid"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/adapters/broker/brokertest"
	"github.com/taskstream/taskstream/adapters/kafka"
	"github.com/taskstream/taskstream/config"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
	"github.com/taskstream/taskstream/platform/batch"
	"github.com/taskstream/taskstream/platform/envelope"
)

// TestGoChannelContract runs the broker contract on GoChannel, the embedded broker: a unit
// test, it needs no service.
func TestGoChannelContract(t *testing.T) {
	t.Parallel()
	brokertest.Run(t, newGoChannel, brokertest.Features{})
}

func newGoChannel(t *testing.T) *broker.Broker {
	t.Helper()
	b, cleanup, err := broker.New(config.Config{Broker: config.BrokerGoChannel}, nil, brokertest.Logger(t))
	if err != nil {
		t.Fatalf("broker.New(gochannel): %v", err)
	}
	t.Cleanup(cleanup)
	return b
}

func TestNewRejectsUnknownBroker(t *testing.T) {
	t.Parallel()
	_, _, err := broker.New(config.Config{Broker: "carrier-pigeon"}, nil, brokertest.Logger(t))
	if err == nil || !strings.Contains(err.Error(), "carrier-pigeon") {
		t.Errorf("broker.New(carrier-pigeon) error = %v, want one naming the broker", err)
	}
}

func TestGoChannelIsAlwaysReady(t *testing.T) {
	t.Parallel()
	b := newGoChannel(t)
	if b.Kind() != config.BrokerGoChannel {
		t.Errorf("Kind() = %q, want %q", b.Kind(), config.BrokerGoChannel)
	}
	if err := b.Check(t.Context()); err != nil {
		t.Errorf("Check() = %v, want nil", err)
	}
}

func TestPerMessageSubscriberRefusesAnotherTopic(t *testing.T) {
	t.Parallel()
	gc := gochannel.NewGoChannel(gochannel.Config{}, nil)
	t.Cleanup(func() { _ = gc.Close() })
	sub, err := broker.NewPerMessageSubscriber(t.Context(), gc, "a", batch.Processor{})
	if err != nil {
		t.Fatalf("NewPerMessageSubscriber: %v", err)
	}
	err = sub.Run(t.Context(), "b", func(context.Context, []*message.Message) ([]batch.Rejected, error) { return nil, nil })
	if err == nil {
		t.Error("Run on another topic than the subscribed one: nil error")
	}
	if _, err := broker.NewPerMessageSubscriber(t.Context(), nil, "a", batch.Processor{}); err == nil {
		t.Error("NewPerMessageSubscriber(nil subscriber): nil error")
	}
}

func TestTodoEventsPublishesTheCreateEvent(t *testing.T) {
	t.Parallel()
	b := newGoChannel(t)
	msgs, err := b.Publisher().(message.Subscriber).Subscribe(t.Context(), "todo-create")
	if err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	events, err := broker.NewTodoEvents(b.Publisher(), "todo-create")
	if err != nil {
		t.Fatalf("NewTodoEvents: %v", err)
	}
	td, err := todo.New(uuid.NewString(), "user-1", "Buy milk", "two litres", time.Now())
	if err != nil {
		t.Fatalf("todo.New: %v", err)
	}
	if err := events.CreateRequested(t.Context(), td, shared.EventMeta{CorrelationID: "corr-1"}); err != nil {
		t.Fatalf("CreateRequested: %v", err)
	}

	select {
	case msg := <-msgs:
		msg.Ack()
		var got todo.CreateRequested
		if err := envelope.Decode(msg, todo.EventCreateRequested, &got); err != nil {
			t.Fatalf("Decode: %v", err)
		}
		if got.ID != td.ID() || msg.Metadata.Get(envelope.KeyPartitionKey) != "user-1" ||
			msg.Metadata.Get(envelope.KeyCorrelationID) != "corr-1" {
			t.Errorf("published %+v with metadata %v", got, msg.Metadata)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event published within 5s")
	}
}

func TestNewTodoEventsRequiresPublisherAndTopic(t *testing.T) {
	t.Parallel()
	if _, err := broker.NewTodoEvents(nil, "todo-create"); err == nil {
		t.Error("NewTodoEvents(nil publisher): nil error")
	}
	if _, err := broker.NewTodoEvents(newGoChannel(t).Publisher(), ""); err == nil {
		t.Error("NewTodoEvents(empty topic): nil error")
	}
}

// A stopped worker on GoChannel first handles what was already published (accepted to-dos
// that GoChannel would otherwise drop), then returns.
func TestPerMessageSubscriberDrainsWhenStopped(t *testing.T) {
	t.Parallel()
	b := newGoChannel(t)
	const n = 50
	ctx, stop := context.WithCancel(t.Context())
	sub, err := b.BatchSubscriber(ctx, "drain", kafka.BatchConfig{Group: "drain"}, batch.Processor{
		Name: "drain", Poison: b.Publisher(), PoisonTopic: "drain-poison",
		Logger: brokertest.Logger(t), Metrics: batchMetrics{},
	})
	if err != nil {
		t.Fatal(err)
	}
	handled := make(chan string, n)
	done := make(chan error, 1)
	go func() {
		done <- sub.Run(ctx, "drain", func(_ context.Context, msgs []*message.Message) ([]batch.Rejected, error) {
			time.Sleep(2 * time.Millisecond) // slower than publishing: messages queue up
			for _, m := range msgs {
				handled <- m.UUID
			}
			return nil, nil
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

type batchMetrics struct{}

func (batchMetrics) ObserveBatch(string, int, int, error, float64) {}
