package outbox

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// horizonQuery reads what holds the relay back or slows it down, on the server:
//   - the age of the oldest transaction that holds a transaction id (a writing one), in any
//     database of the server, from its start: the relay reads only rows below the oldest
//     running transaction id (pg_snapshot_xmin), so nothing committed after that transaction
//     began is forwarded while it runs (tools/bench samples the same figure);
//   - the outbox table's dead rows (pg_stat_user_tables.n_dead_tup): the relay deletes what it
//     forwarded, and rows a vacuum has not reclaimed yet slow its reads down.
//
// Without pg_read_all_stats (or pg_monitor) the role sees only its own sessions' transactions.
const horizonQuery = `SELECT
	(SELECT COALESCE(EXTRACT(EPOCH FROM max(clock_timestamp() - xact_start)), 0)::float8
		FROM pg_stat_activity WHERE backend_xid IS NOT NULL),
	COALESCE((SELECT n_dead_tup FROM pg_stat_user_tables
		WHERE schemaname = current_schema() AND relname = 'watermill_outbox'), 0)`

// horizonCollector asks the server at every scrape.
type horizonCollector struct {
	db      *sql.DB
	timeout time.Duration
	logger  *slog.Logger
	oldest  *prometheus.Desc
	dead    *prometheus.Desc
}

// RegisterHorizon registers taskstream_outbox_oldest_transaction_seconds and
// taskstream_outbox_dead_rows, read from db at each scrape (at most timeout). A failed read
// leaves both out of that scrape and is logged.
func RegisterHorizon(reg prometheus.Registerer, db *sql.DB, timeout time.Duration, logger *slog.Logger) error {
	return reg.Register(&horizonCollector{
		db: db, timeout: timeout, logger: logger,
		oldest: prometheus.NewDesc("taskstream_outbox_oldest_transaction_seconds",
			"Age of the oldest writing transaction on the PostgreSQL server; the relay forwards nothing committed after it began until it ends.", nil, nil),
		dead: prometheus.NewDesc("taskstream_outbox_dead_rows",
			"Dead rows of the outbox table not yet reclaimed by a vacuum (pg_stat_user_tables.n_dead_tup).", nil, nil),
	})
}

func (c *horizonCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.oldest; ch <- c.dead }

func (c *horizonCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	var (
		seconds float64
		dead    int64
	)
	if err := c.db.QueryRowContext(ctx, horizonQuery).Scan(&seconds, &dead); err != nil {
		c.logger.Warn("metrics: cannot read the outbox's oldest transaction and dead rows", "error", err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, seconds)
	ch <- prometheus.MustNewConstMetric(c.dead, prometheus.GaugeValue, float64(dead))
}
