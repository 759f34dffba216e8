package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// OutboxBacklog reads the outbox's backlog: the rows not forwarded yet and the age of the
// oldest of them.
type OutboxBacklog func(ctx context.Context) (rows int64, oldest time.Duration, err error)

// outboxCollector asks the database at every scrape, so the figures are as fresh as the scrape.
type outboxCollector struct {
	read    OutboxBacklog
	timeout time.Duration
	logger  *slog.Logger
	rows    *prometheus.Desc
	age     *prometheus.Desc
}

// RegisterOutbox registers the outbox backlog gauges, taskstream_outbox_backlog_rows and
// taskstream_outbox_oldest_age_seconds, read through read at each scrape (at most timeout). A
// failed read leaves both out of that scrape and is logged.
func RegisterOutbox(reg prometheus.Registerer, read OutboxBacklog, timeout time.Duration, logger *slog.Logger) error {
	return reg.Register(&outboxCollector{
		read: read, timeout: timeout, logger: logger,
		rows: prometheus.NewDesc("taskstream_outbox_backlog_rows", "Outbox rows committed but not yet forwarded to the broker.", nil, nil),
		age:  prometheus.NewDesc("taskstream_outbox_oldest_age_seconds", "Age of the oldest outbox row not yet forwarded; 0 when there is none.", nil, nil),
	})
}

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.rows; ch <- c.age }

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	rows, oldest, err := c.read(ctx)
	if err != nil {
		c.logger.Warn("metrics: cannot read the outbox backlog", "error", err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.rows, prometheus.GaugeValue, float64(rows))
	ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, oldest.Seconds())
}

// Relay counts what the outbox relay forwarded.
type Relay struct {
	forwarded prometheus.Counter
	rounds    prometheus.Histogram
}

// NewRelay registers the relay's collectors with reg.
func NewRelay(reg prometheus.Registerer) (*Relay, error) {
	r := &Relay{
		forwarded: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "taskstream_outbox_forwarded_total", Help: "Outbox rows the relay forwarded to the broker.",
		}),
		rounds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "taskstream_outbox_round_duration_seconds", Help: "Time of one relay round that forwarded rows (read, publish, acknowledge).",
		}),
	}
	for _, c := range []prometheus.Collector{r.forwarded, r.rounds} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Observe records one round (postgres.RelayConfig.Observe).
func (r *Relay) Observe(rows int, took time.Duration) {
	r.forwarded.Add(float64(rows))
	r.rounds.Observe(took.Seconds())
}
