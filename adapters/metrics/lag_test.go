package metrics_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/taskstream/taskstream/adapters/metrics"
)

// clock is a settable time for the collector.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// scrape gathers reg into "name{group,topic,partition}" → value.
func scrape(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			key := f.GetName() + "{"
			for _, l := range m.GetLabel() {
				key += l.GetName() + "=" + l.GetValue() + ","
			}
			got[key+"}"] = m.GetGauge().GetValue()
		}
	}
	return got
}

const (
	records3 = "taskstream_consumer_lag_records{group=audit-service,partition=3,topic=task-events,}"
	records4 = "taskstream_consumer_lag_records{group=audit-service,partition=4,topic=task-events,}"
	seconds3 = "taskstream_consumer_lag_seconds{group=audit-service,partition=3,topic=task-events,}"
	seconds4 = "taskstream_consumer_lag_seconds{group=audit-service,partition=4,topic=task-events,}"
)

// Scrapes within CacheFor cost one read, and the age still grows with the clock; once the cache
// is older than CacheFor the next scrape reads again. A partition the group is not behind on
// shows 0 records and 0 seconds.
func TestConsumerLagIsCachedButAgesAtEachScrape(t *testing.T) {
	t.Parallel()
	clk := &clock{now: time.Unix(1_000_000, 0)}
	oldest := clk.Now().Add(-10 * time.Second)
	var reads atomic.Int32
	reg := prometheus.NewRegistry()
	err := metrics.RegisterConsumerLag(reg, metrics.LagConfig{
		Read: func(context.Context) ([]metrics.ConsumerLag, error) {
			reads.Add(1)
			return []metrics.ConsumerLag{
				{Group: "audit-service", Topic: "task-events", Partition: 3, Records: 7, Oldest: oldest},
				{Group: "audit-service", Topic: "task-events", Partition: 4},
			}, nil
		},
		CacheFor: 5 * time.Second, Logger: slog.New(slog.DiscardHandler), Now: clk.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{records3: 7, records4: 0, seconds3: 10, seconds4: 0}
	if got := scrape(t, reg); !equal(got, want) {
		t.Errorf("first scrape: %v, want %v", got, want)
	}
	clk.Add(3 * time.Second)
	want[seconds3] = 13
	if got := scrape(t, reg); !equal(got, want) {
		t.Errorf("scrape 3s later: %v, want %v", got, want)
	}
	if n := reads.Load(); n != 1 {
		t.Errorf("two scrapes within CacheFor read the broker %d times, want 1", n)
	}
	clk.Add(3 * time.Second)
	scrape(t, reg)
	if n := reads.Load(); n != 2 {
		t.Errorf("a scrape after CacheFor: %d reads in all, want 2", n)
	}
}

func equal(a, b map[string]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// A broker that does not answer within Timeout cannot hold a scrape: the scrape returns without
// the lag, and the read's late answer serves the scrapes that follow.
func TestConsumerLagReadIsBoundedByTheTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	reg := prometheus.NewRegistry()
	err := metrics.RegisterConsumerLag(reg, metrics.LagConfig{
		Read: func(context.Context) ([]metrics.ConsumerLag, error) {
			<-release
			return []metrics.ConsumerLag{{Group: "g", Topic: "t", Records: 1, Oldest: time.Now()}}, nil
		},
		Timeout: 50 * time.Millisecond, CacheFor: time.Minute, Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if got := scrape(t, reg); len(got) != 0 {
		t.Errorf("scrape during a hung read: %v, want nothing", got)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("the scrape took %s with a 50ms timeout", took)
	}
	close(release)
	deadline := time.Now().Add(5 * time.Second)
	for len(scrape(t, reg)) != 2 {
		if time.Now().After(deadline) {
			t.Fatal("the late answer never reached a scrape")
		}
		time.Sleep(60 * time.Millisecond)
	}
}

// A failed read leaves the lag out of the scrape rather than showing a stale or zero figure.
func TestConsumerLagLeavesOutAFailedRead(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	err := metrics.RegisterConsumerLag(reg, metrics.LagConfig{
		Read:   func(context.Context) ([]metrics.ConsumerLag, error) { return nil, errors.New("broker down") },
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := scrape(t, reg); len(got) != 0 {
		t.Errorf("scrape with a failed read: %v, want nothing", got)
	}
}
