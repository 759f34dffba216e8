package outbox

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// backlogCollector asks the database at every scrape, so the figures are as fresh as the scrape.
type backlogCollector struct {
	db      *sql.DB
	timeout time.Duration
	logger  *slog.Logger
	rows    *prometheus.Desc
	age     *prometheus.Desc
}

// RegisterBacklog registers the outbox backlog gauges, taskstream_outbox_backlog_rows and
// taskstream_outbox_oldest_age_seconds, read from db at each scrape (at most timeout). A failed
// read leaves both out of that scrape and is logged.
func RegisterBacklog(reg prometheus.Registerer, db *sql.DB, timeout time.Duration, logger *slog.Logger) error {
	return reg.Register(&backlogCollector{
		db: db, timeout: timeout, logger: logger,
		rows: prometheus.NewDesc("taskstream_outbox_backlog_rows", "Outbox rows committed but not yet forwarded to the broker.", nil, nil),
		age:  prometheus.NewDesc("taskstream_outbox_oldest_age_seconds", "Age of the oldest outbox row not yet forwarded; 0 when there is none.", nil, nil),
	})
}

func (c *backlogCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.rows; ch <- c.age }

func (c *backlogCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	rows, oldest, err := Backlog(ctx, c.db)
	if err != nil {
		c.logger.Warn("metrics: cannot read the outbox backlog", "error", err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.rows, prometheus.GaugeValue, float64(rows))
	ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, oldest.Seconds())
}

// RelayMetrics counts what the relay forwarded.
type RelayMetrics struct {
	forwarded prometheus.Counter
	rounds    prometheus.Histogram
	latency   prometheus.Histogram
}

// NewRelayMetrics registers the relay's collectors with reg.
func NewRelayMetrics(reg prometheus.Registerer) (*RelayMetrics, error) {
	r := &RelayMetrics{
		forwarded: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "taskstream_outbox_forwarded_total", Help: "Outbox rows the relay forwarded to the broker.",
		}),
		rounds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "taskstream_outbox_round_duration_seconds", Help: "Time of one relay round that forwarded rows (read, publish, acknowledge).",
		}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "taskstream_outbox_relay_latency_seconds",
			Help: "Time from an outbox row's transaction to the broker holding it (commit to relay publish).",
			// As the consumer pipeline's latency histograms: milliseconds to ten minutes.
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600},
		}),
	}
	for _, c := range []prometheus.Collector{r.forwarded, r.rounds, r.latency} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Observe records one round (RelayConfig.Observe).
func (r *RelayMetrics) Observe(rows int, took time.Duration) {
	r.forwarded.Add(float64(rows))
	r.rounds.Observe(took.Seconds())
}

// ObserveLatency records one row's commit-to-publish time (RelayConfig.ObserveLatency).
func (r *RelayMetrics) ObserveLatency(took time.Duration) { r.latency.Observe(took.Seconds()) }
