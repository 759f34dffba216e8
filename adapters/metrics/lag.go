package metrics

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// ConsumerLag is how far a consumer group is behind on one partition of a topic: the messages
// after its committed position, and when the first of them was written (zero when Records is 0).
type ConsumerLag struct {
	Group, Topic string
	Partition    int32
	Records      int64
	Oldest       time.Time
}

// LagConfig configures the consumer-lag gauges.
type LagConfig struct {
	// Read reads the lag of the configured groups from the broker. Required. Its label values
	// must be bounded: the configured groups and topics, never a per-process group.
	Read func(ctx context.Context) ([]ConsumerLag, error)
	// Timeout bounds a read (default 2s), so a slow broker cannot hold a scrape.
	Timeout time.Duration
	// CacheFor is how long a read answers the scrapes that follow it (default 5s), so that
	// several scrapers, or a scraper that retries, cost the broker one read. The age in seconds
	// is computed at each scrape from the cached timestamp, so it keeps growing meanwhile.
	CacheFor time.Duration
	Logger   *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// lagCollector reads the lag at scrape time, at most once per CacheFor.
type lagCollector struct {
	cfg     LagConfig
	records *prometheus.Desc
	seconds *prometheus.Desc

	mu      sync.Mutex
	lags    []ConsumerLag // the last read's answer, from readAt
	err     error
	readAt  time.Time
	running *lagRead // the read under way, shared by the scrapes that arrive meanwhile
}

// RegisterConsumerLag registers taskstream_consumer_lag_records and
// taskstream_consumer_lag_seconds{group,topic,partition}, read by cfg.Read at scrape time. A
// failed read leaves both out of the scrapes until the next read, and is logged.
func RegisterConsumerLag(reg prometheus.Registerer, cfg LagConfig) error {
	if cfg.Read == nil || cfg.Logger == nil {
		return errors.New("metrics: consumer lag needs a reader and a logger")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 2 * time.Second
	}
	if cfg.CacheFor <= 0 {
		cfg.CacheFor = 5 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	labels := []string{"group", "topic", "partition"}
	return reg.Register(&lagCollector{
		cfg: cfg,
		records: prometheus.NewDesc("taskstream_consumer_lag_records",
			"Messages of a partition after the consumer group's committed position.", labels, nil),
		seconds: prometheus.NewDesc("taskstream_consumer_lag_seconds",
			"Age of the oldest message of a partition the consumer group has not finished; 0 when it is not behind.", labels, nil),
	})
}

func (c *lagCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.records; ch <- c.seconds }

func (c *lagCollector) Collect(ch chan<- prometheus.Metric) {
	lags, err := c.read()
	if err != nil {
		return
	}
	now := c.cfg.Now()
	for _, l := range lags {
		labels := []string{l.Group, l.Topic, strconv.Itoa(int(l.Partition))}
		age := 0.0
		if l.Records > 0 && !l.Oldest.IsZero() {
			age = max(now.Sub(l.Oldest).Seconds(), 0)
		}
		ch <- prometheus.MustNewConstMetric(c.records, prometheus.GaugeValue, float64(l.Records), labels...)
		ch <- prometheus.MustNewConstMetric(c.seconds, prometheus.GaugeValue, age, labels...)
	}
}

// read returns the cached lag, or reads it again once the cache is older than CacheFor.
// Scrapes that arrive during a read wait for it rather than start their own. A read that takes
// longer than Timeout fails the scrapes waiting for it but goes on in the background (the broker
// clients' own timeouts end it), and its answer is cached for the scrapes that follow.
func (c *lagCollector) read() ([]ConsumerLag, error) {
	c.mu.Lock()
	if !c.readAt.IsZero() && c.cfg.Now().Sub(c.readAt) < c.cfg.CacheFor {
		defer c.mu.Unlock()
		return c.lags, c.err
	}
	run := c.running
	if run == nil {
		run = &lagRead{done: make(chan struct{})}
		c.running = run
		go c.readNow(run)
	}
	c.mu.Unlock()
	timer := time.NewTimer(c.cfg.Timeout)
	defer timer.Stop()
	select {
	case <-run.done:
		return run.lags, run.err
	case <-timer.C:
		c.cfg.Logger.Warn("metrics: the consumer lag took too long to read", "timeout", c.cfg.Timeout)
		return nil, context.DeadlineExceeded
	}
}

// lagRead is one read: done is closed once lags and err are set.
type lagRead struct {
	done chan struct{}
	lags []ConsumerLag
	err  error
}

func (c *lagCollector) readNow(run *lagRead) {
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.Timeout)
	defer cancel()
	run.lags, run.err = c.cfg.Read(ctx)
	if run.err != nil {
		c.cfg.Logger.Warn("metrics: cannot read the consumer lag", "error", run.err)
	}
	c.mu.Lock()
	c.lags, c.err, c.readAt, c.running = run.lags, run.err, c.cfg.Now(), nil
	c.mu.Unlock()
	close(run.done)
}
