package brokertest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/platform/batch"
	"github.com/taskstream/taskstream/ports/messaging"
)

// handlerName is the name of every consumer the suite runs (the handler_poisoned header).
const handlerName = "brokertest"

// Bounds on every wait, so a broken broker fails the suite instead of hanging it.
const (
	deliveryTimeout = 30 * time.Second
	stopTimeout     = 20 * time.Second
)

// env is one subtest's world: its broker, and names no other subtest (or run) uses.
type env struct {
	t      *testing.T
	b      broker.Broker
	poison string // the broker's poison topic
	f      Features
	suffix string

	mu     sync.Mutex
	topics []string
	groups []string
}

func newEnv(t *testing.T, b broker.Broker, poison string, f Features) *env {
	e := &env{t: t, b: b, poison: poison, f: f, suffix: randomHex(6)}
	if f.Forget != nil {
		// Registered before any subscriber starts, so it runs after they all stopped.
		t.Cleanup(func() {
			e.mu.Lock()
			defer e.mu.Unlock()
			f.Forget(t, e.topics, e.groups)
		})
	}
	return e
}

// topic returns a topic name unique to this subtest and run.
func (e *env) topic(purpose string) string {
	name := "brokertest-" + purpose + "-" + e.suffix
	e.mu.Lock()
	defer e.mu.Unlock()
	e.topics = append(e.topics, name)
	return name
}

// group returns a consumer-group name unique to this subtest and run.
func (e *env) group(purpose string) string {
	name := "brokertest-" + purpose + "-" + e.suffix
	e.mu.Lock()
	defer e.mu.Unlock()
	e.groups = append(e.groups, name)
	return name
}

// batchOptions keeps batches small and short, so the suite sees many of them quickly.
func batchOptions() broker.BatchOptions {
	return broker.BatchOptions{MaxRecords: 50, MaxWait: 500 * time.Millisecond, Linger: 20 * time.Millisecond, Drain: time.Second}
}

// policy parks in poisonTopic for group and retries after 10ms, 20ms, 40ms, 40ms...
func (e *env) policy(group, poisonTopic string) messaging.Policy {
	return messaging.Policy{
		Group: group, Poison: e.b.Publisher(), PoisonTopic: poisonTopic, MaxRetries: 3,
		InitialBackoff: 10 * time.Millisecond, MaxBackoff: 40 * time.Millisecond,
		Grace:  time.Second, // a stopped consumer's blocked handler is cut after this
		Logger: Logger(e.t), Metrics: nopMetrics{},
	}
}

// batchSubscriber returns a batch subscriber of group on topic. On GoChannel it is subscribed
// once this returns.
func (e *env) batchSubscriber(topic, group string, opts broker.BatchOptions) batch.Subscriber {
	e.t.Helper()
	sub, err := e.b.BatchSubscriber(topic, group, opts)
	if err != nil {
		e.t.Fatalf("BatchSubscriber(%s, group %s): %v", topic, group, err)
	}
	return sub
}

// runBatches runs a batch consumer of group on topic with h, parking in poisonTopic, in the
// background. The returned stop cancels it and waits, boundedly, until it returned; it also runs
// when the subtest ends.
func (e *env) runBatches(sub batch.Subscriber, topic, group, poisonTopic string, h messaging.BatchHandler) (stop func()) {
	return e.background("RunBatches("+topic+")", func(ctx context.Context) error {
		return messaging.RunBatches(ctx, messaging.BatchConsumer{Name: handlerName, Topic: topic, Subscriber: sub, Handle: h},
			e.policy(group, poisonTopic))
	})
}

// runEach runs a consumer of group on topic that takes one message at a time with h, starting
// at from, parking in poisonTopic. It returns once the consumer is subscribed (warmUp), and
// a stop like runBatches'.
func (e *env) runEach(topic, group string, from broker.Start, poisonTopic string, h func(*message.Message) error) (stop func()) {
	e.t.Helper()
	sub, err := e.b.Subscriber(group, from)
	if err != nil {
		e.t.Fatalf("Subscriber(group %s): %v", group, err)
	}
	warm := make(chan struct{})
	var once sync.Once
	stop = e.background("Run("+topic+")", func(ctx context.Context) error {
		return messaging.Run(ctx, messaging.Consumer{Name: handlerName, Topic: topic, Subscriber: sub,
			Handle: func(m *message.Message) error {
				if m.Metadata.Get(warmUpKey) != "" {
					once.Do(func() { close(warm) })
					return nil
				}
				return h(m)
			}}, e.policy(group, poisonTopic))
	})
	// A group of a durable broker that starts at the oldest message gets it whenever it joins.
	if from == broker.Newest || !e.f.Durable {
		e.warmUp(topic, warm)
	}
	return stop
}

// warmUpKey marks the messages warmUp publishes; consumers of the suite skip them.
const warmUpKey = "brokertest_warm_up"

// warmUp publishes a marked message to topic every 100ms until warm is closed: a consumer that
// subscribes in the background (GoChannel keeps nothing for absent subscribers; a consumer that
// starts at the newest message skips what came before it) has surely joined once it got one.
func (e *env) warmUp(topic string, warm <-chan struct{}) {
	e.t.Helper()
	deadline := time.After(deliveryTimeout)
	for {
		m := message.NewMessage("warm-up-"+randomHex(4), []byte(`{}`))
		m.Metadata.Set(warmUpKey, "1")
		if err := e.b.Publisher().Publish(topic, m); err != nil {
			e.t.Fatalf("publish a warm-up message to %s: %v", topic, err)
		}
		select {
		case <-warm:
			return
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			e.t.Fatalf("the consumer of %s got no warm-up message within %s", topic, deliveryTimeout)
		}
	}
}

// background runs fn until the returned stop, which cancels it and waits, boundedly, until it
// returned; stop also runs when the subtest ends.
func (e *env) background(what string, fn func(ctx context.Context) error) (stop func()) {
	ctx, cancel := context.WithCancel(e.t.Context())
	done := make(chan error, 1)
	go func() {
		err := fn(ctx)
		if ctx.Err() == nil {
			e.t.Errorf("%s returned before it was stopped: %v", what, err)
		}
		done <- err
	}()
	stop = sync.OnceFunc(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				e.t.Errorf("%s returned %v after cancel, want nil", what, err)
			}
		case <-time.After(stopTimeout):
			e.t.Errorf("%s did not return within %s of its context ending", what, stopTimeout)
		}
	})
	e.t.Cleanup(stop)
	return stop
}

// waitFor waits until done is closed, failing the subtest after deliveryTimeout.
func (e *env) waitFor(what string, done <-chan struct{}) {
	e.t.Helper()
	select {
	case <-done:
	case <-time.After(deliveryTimeout):
		e.t.Fatalf("timed out after %s waiting for %s", deliveryTimeout, what)
	}
}

// waitForCount waits until r holds at least n messages, failing the subtest after
// deliveryTimeout.
func (e *env) waitForCount(what string, r *recorder, n int) {
	e.t.Helper()
	deadline := time.Now().Add(deliveryTimeout)
	for r.len() < n {
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out after %s waiting for %s: got %d of %d messages", deliveryTimeout, what, r.len(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type nopMetrics struct{}

func (nopMetrics) ObserveBatch(string, int, int, error, float64) {}

func (nopMetrics) ObserveParked(string, int) {}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
