package messaging_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/ports/messaging"
)

// poisonBox is a poison publisher whose first failures calls fail, and which refuses messages
// whose payload and metadata values together exceed maxSize (when set) with errTooLarge, as a
// broker does.
type poisonBox struct {
	mu       sync.Mutex
	failures int
	maxSize  int
	calls    int
	topics   []string
	msgs     []*message.Message
}

func (p *poisonBox) Publish(topic string, msgs ...*message.Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	if p.calls <= p.failures {
		return errors.New("poison topic unavailable")
	}
	for _, m := range msgs {
		size := len(m.Payload)
		for _, v := range m.Metadata {
			size += len(v)
		}
		if p.maxSize > 0 && size > p.maxSize {
			return errTooLarge
		}
	}
	p.topics = append(p.topics, topic)
	p.msgs = append(p.msgs, msgs...)
	return nil
}

func (p *poisonBox) Close() error { return nil }

var errTooLarge = errors.New("message larger than the broker takes")

func (p *poisonBox) parked() (calls int, msgs []*message.Message) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls, append([]*message.Message(nil), p.msgs...)
}

// observation is one ObserveBatch call.
type observation struct {
	handler        string
	size, rejected int
	err            error
}

type metricsSpy struct {
	mu     sync.Mutex
	obs    []observation
	parked int
}

func (m *metricsSpy) ObserveParked(_ string, n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.parked += n
}

func (m *metricsSpy) parkedCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.parked
}

func (m *metricsSpy) ObserveBatch(handler string, size, rejected int, err error, _ float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.obs = append(m.obs, observation{handler: handler, size: size, rejected: rejected, err: err})
}

// logSpy keeps the retry_in attribute of every record.
type logSpy struct {
	mu      sync.Mutex
	retryIn []time.Duration
}

func (l *logSpy) Enabled(context.Context, slog.Level) bool { return true }
func (l *logSpy) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logSpy) WithGroup(string) slog.Handler            { return l }

func (l *logSpy) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "retry_in" {
			l.retryIn = append(l.retryIn, a.Value.Duration())
		}
		return true
	})
	return nil
}

// newPipeline returns a pipeline of handler "ingest" on topic todo-create in group todo around
// h, parking in poison, with fast backoff; opts change the policy first.
func newPipeline(t *testing.T, h messaging.BatchHandler, poison *poisonBox, opts ...func(*messaging.Policy)) (*messaging.Pipeline, *metricsSpy, *logSpy) {
	t.Helper()
	m, l := &metricsSpy{}, &logSpy{}
	policy := messaging.Policy{
		Group: "todo", Poison: poison, PoisonTopic: "poison",
		InitialBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, Grace: time.Second,
		Logger: slog.New(l), Metrics: m,
	}
	for _, o := range opts {
		o(&policy)
	}
	p, err := messaging.NewPipeline("ingest", "todo-create", h, policy)
	if err != nil {
		t.Fatalf("NewPipeline: %v", err)
	}
	return p, m, l
}

func someMessages(n int) []*message.Message {
	msgs := make([]*message.Message, n)
	for i := range msgs {
		msgs[i] = message.NewMessage(string(rune('a'+i)), []byte(`{}`))
		msgs[i].Metadata.Set("ce_type", "test")
	}
	return msgs
}
