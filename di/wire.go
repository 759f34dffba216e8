//go:build wireinject

package di

import (
	"context"
	"log/slog"

	"github.com/google/wire"

	"github.com/taskstream/taskstream/config"
	httpport "github.com/taskstream/taskstream/ports/http"
)

// The provider sets. Storage is PostgreSQL in every process but the embedded default; which
// broker runs is BROKER's choice, made at start (provideBroker).
var (
	// applicationSet is every use case on the storage and services of the process.
	applicationSet = wire.NewSet(
		NewApplication, provideSources,
		provideTodoEvents, provideNotificationDelivery, provideDeadlineReminderConfig,
		wire.Struct(new(Services), "*"),
		provideMetrics, provideUseCaseObserver,
	)
	// postgresProcess is what every process with PostgreSQL shares: the pool, the broker, the
	// registry (with the outbox backlog), the readiness of both, the drain its handlers show on
	// shutdown and the handler of METRICS_ADDR.
	postgresProcess = wire.NewSet(provideDatabase, provideBroker, providePostgresRegistry, provideReadiness, httpport.NewDrain, provideMetricsHandler)
	// httpAPI serves the API: the authenticator (only processes that serve the API build it, so
	// `worker` and `relay` start whatever the identity provider does), the WebSocket hub, the
	// handler and the live updates beside it.
	httpAPI = wire.NewSet(provideAuthenticator, provideHub, provideAPIHandler, provideAPIParts)
)

// NewAPI assembles `taskstream api`: the HTTP API and its live updates.
func NewAPI(ctx context.Context, cfg config.Config, logger *slog.Logger) (*Service, func(), error) {
	wire.Build(postgresProcess, postgresStorage, applicationSet, httpAPI, provideOperatorCases, newAPIService)
	return nil, nil, nil
}

// NewWorker assembles `taskstream worker`: the consumers, the deadline reminders and the
// upkeep, with the operations endpoints.
func NewWorker(ctx context.Context, cfg config.Config, logger *slog.Logger) (*Service, func(), error) {
	wire.Build(postgresProcess, postgresStorage, applicationSet, provideWorkerParts,
		provideOpsHandler, newWorkerService)
	return nil, nil, nil
}

// NewRelay assembles `taskstream relay`: the outbox relay alone, with the operations endpoints.
func NewRelay(ctx context.Context, cfg config.Config, logger *slog.Logger) (*Service, func(), error) {
	wire.Build(postgresProcess, provideRelayParts, provideOpsHandler, newRelayService)
	return nil, nil, nil
}

// NewAll assembles `taskstream all` on PostgreSQL: every part in one process.
func NewAll(ctx context.Context, cfg config.Config, logger *slog.Logger) (*Service, func(), error) {
	wire.Build(postgresProcess, postgresStorage, applicationSet, httpAPI, provideOperatorCases,
		provideWorkerParts, provideRelayParts, newAllService)
	return nil, nil, nil
}

// NewEmbedded assembles the embedded default: every part in one process, in memory, on
// GoChannel (or Kafka with KAFKA_BROKERS); nothing survives a restart.
func NewEmbedded(ctx context.Context, cfg config.Config, logger *slog.Logger) (*Service, func(), error) {
	wire.Build(provideEmbeddedBroker, provideRegistry, provideEmbeddedReadiness, httpport.NewDrain, provideMetricsHandler, memoryStorage, applicationSet, httpAPI,
		provideEmbeddedOperatorCases, provideEmbeddedWorkerParts, noRelay, newAllService)
	return nil, nil, nil
}
