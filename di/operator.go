package di

import (
	"database/sql"
	"log/slog"

	"github.com/taskstream/taskstream/adapters/broker"
	"github.com/taskstream/taskstream/adapters/outbox"
	"github.com/taskstream/taskstream/adapters/poison"
	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/application/decorator"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/config"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// provideOperatorCases are the use cases of /v1/ops/... on PostgreSQL: the parked messages of
// the broker and the outbox of the database. The backlog is read only when the outbox is in use
// (RelayNeeded); on BROKER=postgres it stays empty, and the route says so with 503.
func provideOperatorCases(b broker.Broker, db *sql.DB, cfg config.Config, logger *slog.Logger, m decorator.Metrics) (httpport.OperatorCases, error) {
	cases, err := parkingCases(b, cfg, logger, m)
	if err != nil || !cfg.RelayNeeded() {
		return cases, err
	}
	cases.Outbox = decorator.Apply("GetOutboxBacklog", query.NewGetOutboxBacklogHandler(outbox.NewBacklogReader(db)), logger, m)
	return cases, nil
}

// provideEmbeddedOperatorCases are the use cases of /v1/ops/... in the embedded default: no
// outbox; GoChannel keeps no parked messages (503), Kafka (KAFKA_BROKERS) does.
func provideEmbeddedOperatorCases(b broker.Broker, cfg config.Config, logger *slog.Logger, m decorator.Metrics) (httpport.OperatorCases, error) {
	return parkingCases(b, cfg, logger, m)
}

// parkingCases are the parked-message use cases on the broker's poison topic: the same handlers
// as `taskstream poison` (cmd/taskstream/poison.go), on the same port.
func parkingCases(b broker.Broker, cfg config.Config, logger *slog.Logger, m decorator.Metrics) (httpport.OperatorCases, error) {
	parking, err := poison.NewParking(b, b.Publisher(), cfg.Topics.Poison)
	if err != nil {
		return httpport.OperatorCases{}, err
	}
	port := poison.NewPort(parking)
	return httpport.OperatorCases{
		ListParked:   decorator.Apply("ListParked", query.NewListParkedHandler(port), logger, m),
		GetParked:    decorator.Apply("GetParked", query.NewGetParkedHandler(port), logger, m),
		ReplayParked: decorator.Apply("ReplayParked", command.NewReplayParkedHandler(port), logger, m),
	}, nil
}
