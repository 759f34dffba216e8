package brokertest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"testing"
	"time"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/adapters/kafka"
	"github.com/taskstream/taskstream/platform/batch"
)

// handlerName is the Processor name of every subscriber the suite runs (the handler_poisoned
// header).
const handlerName = "brokertest"

// Bounds on every wait, so a broken broker fails the suite instead of hanging it.
const (
	deliveryTimeout = 30 * time.Second
	stopTimeout     = 20 * time.Second
)

// env is one subtest's world: its broker, and names no other subtest (or run) uses.
type env struct {
	t      *testing.T
	b      *broker.Broker
	f      Features
	suffix string

	mu     sync.Mutex
	topics []string
	groups []string
}

func newEnv(t *testing.T, b *broker.Broker, f Features) *env {
	e := &env{t: t, b: b, f: f, suffix: randomHex(6)}
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

// batchConfig keeps batches small and short, so the suite sees many of them quickly.
func batchConfig(group string) kafka.BatchConfig {
	return kafka.BatchConfig{Group: group, MaxRecords: 50, MaxWait: 500 * time.Millisecond, Linger: 20 * time.Millisecond}
}

// subscriber returns a batch subscriber of group on topic that parks rejected messages in
// poisonTopic and retries failed batches after 10ms, 20ms, 40ms, 40ms...
func (e *env) subscriber(topic, poisonTopic string, bc kafka.BatchConfig) batch.Subscriber {
	e.t.Helper()
	sub, err := e.b.BatchSubscriber(e.t.Context(), topic, bc, batch.Processor{
		Name:           handlerName,
		Poison:         e.b.Publisher(),
		PoisonTopic:    poisonTopic,
		InitialBackoff: 10 * time.Millisecond,
		MaxBackoff:     40 * time.Millisecond,
		FinishTimeout:  time.Second, // a stopped subscriber's blocked handler is cut after this
		Logger:         Logger(e.t),
		Metrics:        nopMetrics{},
	})
	if err != nil {
		e.t.Fatalf("BatchSubscriber(%s, group %s): %v", topic, bc.Group, err)
	}
	return sub
}

// run runs sub on topic with h in the background. The returned stop cancels it and waits,
// boundedly, until Run returned; it also runs when the subtest ends.
func (e *env) run(sub batch.Subscriber, topic string, h batch.Handler) (stop func()) {
	ctx, cancel := context.WithCancel(e.t.Context())
	done := make(chan error, 1)
	go func() {
		err := sub.Run(ctx, topic, h)
		if ctx.Err() == nil {
			e.t.Errorf("Run(%s) returned before it was stopped: %v", topic, err)
		}
		done <- err
	}()
	stop = sync.OnceFunc(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				e.t.Errorf("Run(%s) returned %v after cancel, want nil", topic, err)
			}
		case <-time.After(stopTimeout):
			e.t.Errorf("Run(%s) did not return within %s of its context ending", topic, stopTimeout)
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

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
