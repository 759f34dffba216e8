package di

import (
	"database/sql"
	"errors"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/taskstream/taskstream/adapters/metrics"
	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/config"
)

// provideRegistry is the process's Prometheus registry, with the Go and process collectors.
func provideRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// providePostgresRegistry is the registry of a process with PostgreSQL. When events go through
// the outbox it also shows the outbox's backlog, read from the database at each scrape, so every
// process, not only the relay, tells how far the relay is behind; and what holds the relay back
// on the server (its oldest writing transaction, the outbox's dead rows).
func providePostgresRegistry(cfg config.Config, db *sql.DB, logger *slog.Logger) (*prometheus.Registry, error) {
	reg := provideRegistry()
	if !cfg.RelayNeeded() {
		return reg, nil
	}
	return reg, errors.Join(outbox.RegisterBacklog(reg, db, 2*time.Second, logger),
		outbox.RegisterHorizon(reg, db, 2*time.Second, logger))
}

func provideMetrics(reg *prometheus.Registry) (*metrics.Prometheus, error) {
	return metrics.NewPrometheus(reg)
}
